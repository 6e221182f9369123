package dev.switchboard.gateway.snapshot;

import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.ProviderAuth;
import dev.switchboard.model.secret.Secret;
import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the request path reads, for one snapshot: the snapshot's indexes plus each provider account made ready
 * to call (URL parsed, credential resolved). Immutable; a request takes one at its start and uses only that one.
 */
public final class GatewayState {

    /** Where a snapshot came from, which decides what may replace it (see {@link SnapshotHolder#offer}). */
    public enum Origin {
        /** the standalone config file */
        FILE,
        /** the local copy of the last snapshot received over NATS */
        CACHE,
        /** the control plane, over NATS */
        NATS
    }

    private final ConfigSnapshot snapshot;
    private final Origin origin;
    private final Map<String, Upstream> upstreams;
    private final List<String> warnings;

    private GatewayState(ConfigSnapshot snapshot, Origin origin, Map<String, Upstream> upstreams, List<String> warnings) {
        this.snapshot = snapshot;
        this.origin = origin;
        this.upstreams = upstreams;
        this.warnings = warnings;
    }

    /** Prepares a snapshot; accounts whose credential cannot be resolved are kept, marked, and reported in warnings. */
    public static GatewayState prepare(ConfigSnapshot snapshot, Origin origin, SecretResolver secrets) {
        Map<String, Upstream> upstreams = new HashMap<>();
        List<String> warnings = new java.util.ArrayList<>();
        for (ProviderAccount account : snapshot.config().providerAccounts()) {
            String credential = null;
            String error = null;
            Secret secret = credentialOf(account.auth());
            if (secret != null) {
                try {
                    credential = secrets.reveal(secret);
                } catch (RuntimeException e) {
                    error = e.getMessage();
                    warnings.add("provider account '" + account.name() + "': credential unavailable: " + error);
                }
            }
            upstreams.put(account.name(), Upstream.of(account, credential, error));
        }
        return new GatewayState(snapshot, origin, Map.copyOf(upstreams), List.copyOf(warnings));
    }

    private static Secret credentialOf(ProviderAuth auth) {
        return switch (auth.type()) {
            case API_KEY -> auth.apiKey();
            case DATABRICKS_PAT -> auth.token();
            // the service-principal flow exchanges the secret for a token; its adapter owns that
            case DATABRICKS_SERVICE_PRINCIPAL -> auth.clientSecret();
            case NONE -> null;
        };
    }

    public ConfigSnapshot snapshot() {
        return snapshot;
    }

    public Origin origin() {
        return origin;
    }

    public Optional<Upstream> upstream(String accountName) {
        return Optional.ofNullable(upstreams.get(accountName));
    }

    public List<String> warnings() {
        return warnings;
    }
}
