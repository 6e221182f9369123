package dev.switchboard.gateway.auth;

import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.runtime.auth.BearerAuthenticator;

/** Step 1 of the pipeline refuses a caller as OpenAI does: 401 {@code invalid_api_key}, in OpenAI's words. */
public final class OpenAiRejections implements BearerAuthenticator.Rejections {

    public static final OpenAiRejections INSTANCE = new OpenAiRejections();

    private OpenAiRejections() {
    }

    @Override
    public RuntimeException missing() {
        return GatewayError.unauthenticated(
                "You didn't provide an API key. Send it in the Authorization header: 'Authorization: Bearer YOUR_KEY'.");
    }

    @Override
    public RuntimeException notBearer() {
        return GatewayError.unauthenticated("The Authorization header must be 'Bearer YOUR_KEY'.");
    }

    @Override
    public RuntimeException emptyToken() {
        return GatewayError.unauthenticated("The Authorization header carries an empty key.");
    }

    @Override
    public RuntimeException refused(String message) {
        return GatewayError.unauthenticated(message);
    }

    @Override
    public RuntimeException broken(Throwable cause) {
        return GatewayError.internal();
    }
}
