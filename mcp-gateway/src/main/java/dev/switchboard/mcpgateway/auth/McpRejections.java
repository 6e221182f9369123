package dev.switchboard.mcpgateway.auth;

import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.runtime.auth.BearerAuthenticator;

/**
 * The MCP gateway refuses a caller as an OAuth 2.1 resource server: 401 with {@code WWW-Authenticate} ({@code no_token}
 * when none came, {@code invalid_token} otherwise), in the shape {@link McpError} gives it.
 */
public final class McpRejections implements BearerAuthenticator.Rejections {

    public static final McpRejections INSTANCE = new McpRejections();

    private McpRejections() {
    }

    @Override
    public RuntimeException missing() {
        return McpError.noToken(
                "Send a gateway API key or an identity provider's token as 'Authorization: Bearer <token>'.");
    }

    @Override
    public RuntimeException notBearer() {
        return McpError.unauthenticated("The Authorization header must be 'Bearer <token>'.");
    }

    @Override
    public RuntimeException emptyToken() {
        return McpError.unauthenticated("The Authorization header carries an empty token.");
    }

    @Override
    public RuntimeException refused(String message) {
        return McpError.unauthenticated(message);
    }

    /** Not a refusal of the token: each caller of the authenticator decides how to answer it. */
    @Override
    public RuntimeException broken(Throwable cause) {
        return cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }
}
