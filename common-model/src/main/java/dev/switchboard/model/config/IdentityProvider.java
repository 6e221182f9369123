package dev.switchboard.model.config;

import dev.switchboard.model.secret.Secret;
import java.util.List;

/**
 * An OpenID Connect / OAuth identity provider whose JWTs the gateway accepts. Keys come from {@code jwks_url}, cached
 * and refreshed every {@code jwks_refresh_seconds} (default 300). With {@code sign_in}, the MCP gateway also signs
 * users in with it on behalf of MCP clients (see {@link SignIn}).
 */
public record IdentityProvider(String name, String issuer, List<String> audiences, String jwksUrl,
                               ClaimMappings claims, Integer jwksRefreshSeconds, SignIn signIn) {

    public IdentityProvider {
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        claims = claims == null ? ClaimMappings.DEFAULTS : claims;
        jwksRefreshSeconds = jwksRefreshSeconds == null ? 300 : jwksRefreshSeconds;
    }

    public IdentityProvider(String name, String issuer, List<String> audiences, String jwksUrl, ClaimMappings claims,
                            Integer jwksRefreshSeconds) {
        this(name, issuer, audiences, jwksUrl, claims, jwksRefreshSeconds, null);
    }

    /**
     * The MCP gateway's own client at this provider: the gateway is then an OAuth authorization server in front of it
     * for MCP clients (Claude Code), signs each user in here with the authorization code flow (OpenID Connect), maps
     * the ID token's claims by {@link IdentityProvider#claims()}, and issues tokens of its own. The provider's
     * endpoints come from its discovery document under {@code issuer}.
     *
     * @param clientId                the client registered at the provider (a web app whose redirect URI is
     *                                {@code <mcp gateway>/oauth/callback})
     * @param clientSecret            its secret; null for a public client (PKCE only)
     * @param scopes                  requested at sign-in; default {@code openid profile email offline_access} (the last
     *                                gets a refresh token, through which a user disabled at the provider is refused)
     * @param tokenEndpointAuthMethod how the secret goes to the token endpoint; default {@code client_secret_basic}
     */
    public record SignIn(String clientId, Secret clientSecret, List<String> scopes,
                         McpServer.McpAuth.TokenEndpointAuthMethod tokenEndpointAuthMethod) {

        public static final List<String> DEFAULT_SCOPES = List.of("openid", "profile", "email", "offline_access");

        public SignIn {
            scopes = scopes == null || scopes.isEmpty() ? DEFAULT_SCOPES : List.copyOf(scopes);
            tokenEndpointAuthMethod = tokenEndpointAuthMethod == null
                    ? McpServer.McpAuth.TokenEndpointAuthMethod.CLIENT_SECRET_BASIC : tokenEndpointAuthMethod;
        }
    }
}
