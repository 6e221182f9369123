package dev.switchboard.model.access;

import dev.switchboard.model.config.ApiKey;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import java.time.Clock;
import java.util.List;

/** Gateway API keys: the presented key is hashed and looked up in the snapshot; the clear key is never kept. */
public final class ApiKeyAuthenticator {

    private final Clock clock;

    public ApiKeyAuthenticator(Clock clock) {
        this.clock = clock;
    }

    public Principal authenticate(ConfigSnapshot snapshot, String presentedKey) {
        ApiKey key = snapshot.apiKeyByHash(ApiKey.hashOf(presentedKey)).orElse(null);
        if (key == null) {
            throw new AuthenticationFailure("Incorrect API key provided.");
        }
        if (!key.usableAt(clock.instant())) {
            throw new AuthenticationFailure(key.disabled()
                    ? "The API key '" + key.name() + "' is disabled." : "The API key '" + key.name() + "' has expired.");
        }
        return new Principal(key.subject(), List.of(), "api_key:" + key.name());
    }
}
