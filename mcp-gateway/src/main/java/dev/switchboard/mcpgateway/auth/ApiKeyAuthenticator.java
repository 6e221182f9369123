package dev.switchboard.mcpgateway.auth;

import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import java.time.Clock;
import java.util.List;

/** Gateway API keys: the presented key is hashed and looked up in the snapshot; the clear key is never kept. */
final class ApiKeyAuthenticator {

    private final Clock clock;

    ApiKeyAuthenticator(Clock clock) {
        this.clock = clock;
    }

    Principal authenticate(ConfigSnapshot snapshot, String presentedKey) {
        ApiKey key = snapshot.apiKeyByHash(ApiKey.hashOf(presentedKey)).orElse(null);
        if (key == null) {
            throw McpError.unauthenticated("Incorrect API key provided.");
        }
        if (!key.usableAt(clock.instant())) {
            throw McpError.unauthenticated(key.disabled()
                    ? "The API key '" + key.name() + "' is disabled." : "The API key '" + key.name() + "' has expired.");
        }
        return new Principal(key.subject(), List.of(), "api_key:" + key.name());
    }
}
