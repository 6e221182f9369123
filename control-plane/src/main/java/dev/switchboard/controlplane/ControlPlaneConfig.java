package dev.switchboard.controlplane;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The control plane's own settings ({@code switchboard.*}; each also comes from its env variable). */
@ConfigMapping(prefix = "switchboard")
public interface ControlPlaneConfig {

    /** {@code SWITCHBOARD_MASTER_KEY}: base64 of 32 bytes; seals secrets at rest and in snapshots. */
    Optional<String> masterKey();

    Admin admin();

    Nats nats();

    Sync sync();

    Bootstrap bootstrap();

    Db db();

    interface Db {
        /** A schema of its own (created at start) instead of {@code public}; the tests use one per run. */
        Optional<String> schema();
    }

    interface Admin {
        /** {@code SWITCHBOARD_ADMIN_TOKEN}: the bootstrap admin token. */
        Optional<String> token();

        /** {@code SWITCHBOARD_ADMIN_TOKEN_FILE}: a file holding the token (a mounted secret); wins over the value. */
        Optional<Path> tokenFile();

        Jwt jwt();
    }

    /** Admin JWTs: accepted when {@code issuer} and {@code jwks-url} are set and the role claim holds the role. */
    interface Jwt {
        Optional<String> issuer();

        Optional<String> jwksUrl();

        /** When set, a token's {@code aud} must contain one of them. */
        Optional<List<String>> audiences();

        /** The claim listing the caller's roles; a dotted path reaches into objects ({@code realm_access.roles}). */
        @WithDefault("roles")
        String roleClaim();

        @WithDefault("switchboard-admin")
        String role();

        /** The claim that names who made a change. */
        @WithDefault("sub")
        String principalClaim();
    }

    interface Nats {
        /** {@code SWITCHBOARD_NATS_URL}. */
        @WithDefault("nats://127.0.0.1:4222")
        String url();
    }

    interface Sync {
        /** The Object Store bucket the snapshots go to; tests use their own. */
        @WithDefault("switchboard-config")
        String bucket();

        @WithDefault("1")
        int replicas();

        /** First wait before retrying a publish NATS did not acknowledge; doubles up to {@link #retryMax()}. */
        @WithDefault("100ms")
        Duration retryInitial();

        @WithDefault("5s")
        Duration retryMax();
    }

    interface Bootstrap {
        /** {@code SWITCHBOARD_BOOTSTRAP_CONFIG}: a config file imported at start when the database holds no revision. */
        Optional<Path> config();
    }
}
