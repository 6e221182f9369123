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

    Clickhouse clickhouse();

    Telemetry telemetry();

    Limits limits();

    Traces traces();

    Lease lease();

    Analytics analytics();

    /** The MCP gateways' settings the control plane shares with them (the same keys, so one setting serves both). */
    Mcp mcp();

    interface Mcp {
        Approval approval();

        /** Where the MCP gateway replicas announce the calls they hold for approval, and take decisions. */
        interface Approval {
            @WithDefault(dev.switchboard.model.approval.ApprovalWire.BUCKET_DEFAULT)
            String bucket();

            @WithDefault(dev.switchboard.model.approval.ApprovalWire.SUBJECT_PREFIX_DEFAULT)
            String subjectPrefix();
        }
    }

    /**
     * Which replica publishes snapshots and writes telemetry: the holder of a PostgreSQL advisory lock on a connection
     * of its own (docs/deploy.md#high-availability). Every replica serves the admin API.
     */
    interface Lease {
        /** How often a replica tries to take the lease, and the holder checks it still has it. */
        @WithDefault("1s")
        Duration interval();

        /**
         * How long PostgreSQL waits before it frees the lease of a holder that vanished without closing its connection
         * (host lost, network cut): its TCP keepalive on the lease's connection. A holder that dies as a process frees
         * it at once. At least three intervals, so that a cut-off holder notices before another can take over.
         */
        @WithDefault("10s")
        Duration deadAfter();
    }

    /**
     * Where the planes' spans go from NATS ({@code TelemetryWire.SPANS}): an OTLP collector. Unset endpoint: spans
     * stay in the stream (its limits bound them) and nothing is forwarded.
     */
    interface Traces {
        Otlp otlp();

        /** The durable JetStream consumer that forwards them. */
        @WithDefault("switchboard-span-relay")
        String consumer();

        /** The longest wait between two tries while the collector cannot take spans (from 100 ms, doubling). */
        @WithDefault("30s")
        Duration retryMax();

        interface Otlp {
            /** {@code http://collector:4318} (HTTP/protobuf, {@code /v1/traces} added) or {@code http://collector:4317} (gRPC). */
            Optional<String> endpoint();

            /** {@code http/protobuf} or {@code grpc}. */
            @WithDefault("http/protobuf")
            String protocol();
        }
    }

    /** Rate limits and budgets seen from the control plane (the contract: {@code LimitsWire}). */
    interface Limits {
        /** The planes' counts arrive on this plus the plane ({@code gateway}, {@code mcp}); tests use their own. */
        @WithDefault("switchboard.limits.counts.")
        String subjectPrefix();

        /** The key-value bucket the spent totals go to ({@code spend.<budget>}); tests use their own. */
        @WithDefault("switchboard-limits")
        String bucket();

        /** How often the spent totals are computed from ClickHouse and published (also once at start). */
        @WithDefault("15s")
        Duration spendInterval();

        /** A replica counts as reporting in the usage views while its last counts are younger than this. */
        @WithDefault("60s")
        Duration reportingWindow();

        Webhook webhook();
    }

    /** Budget alert webhooks. */
    interface Webhook {
        /** Tries per event, the first included; then the event is given up (it stays in {@code limit_events}). */
        @WithDefault("4")
        int attempts();

        /** Wait before the second try; doubles for each later one. */
        @WithDefault("1s")
        Duration backoff();

        @WithDefault("10s")
        Duration timeout();
    }

    /** The analytics API ({@code /admin/v1/analytics}). */
    interface Analytics {
        /**
         * How percentiles are computed where a rollup answers: {@code tdigest} (approximate, fast) or
         * {@code reservoir} (exact up to 8192 values per row, slow over long ranges). The raw rows always use
         * {@code reservoir}.
         */
        @WithDefault("tdigest")
        dev.switchboard.controlplane.analytics.Percentiles percentiles();
    }

    /** Where request logs and tool-call audit records are written and read ({@code SWITCHBOARD_CLICKHOUSE_*}). */
    interface Clickhouse {
        /** {@code SWITCHBOARD_CLICKHOUSE_URL}, the HTTP interface ({@code http://127.0.0.1:18123}); unset: no telemetry. */
        Optional<String> url();

        /** {@code SWITCHBOARD_CLICKHOUSE_USER}. */
        @WithDefault("default")
        String user();

        /** {@code SWITCHBOARD_CLICKHOUSE_PASSWORD}; never logged. */
        Optional<String> password();

        /** The database holding {@code request_logs} and {@code tool_calls}, created at start; tests use their own. */
        @WithDefault("switchboard")
        String database();

        /** How long one query or insert may take. */
        @WithDefault("30s")
        Duration timeout();
    }

    /** The JetStream side of telemetry (the contract: {@code TelemetryWire}). */
    interface Telemetry {
        /** The stream; tests use their own. */
        @WithDefault("SWITCHBOARD_TELEMETRY")
        String stream();

        /** Subjects are this plus the table name ({@code request_logs}, {@code tool_calls}); tests use their own. */
        @WithDefault("switchboard.telemetry.")
        String subjectPrefix();

        @WithDefault("1")
        int replicas();

        Writer writer();
    }

    interface Writer {
        /** {@code SWITCHBOARD_TELEMETRY_WRITER_ENABLED}: consume the stream into ClickHouse. */
        @WithDefault("true")
        boolean enabled();

        /** The durable pull consumer's name; every control-plane replica shares it. */
        @WithDefault("switchboard-telemetry-writer")
        String consumer();

        /** Messages fetched at once. */
        @WithDefault("64")
        int batch();

        /**
         * At this delivery of a message ClickHouse refuses, its rows go in one by one and the refused ones are dropped
         * (a message with no good row is terminated): a poison message cannot block the stream.
         */
        @WithDefault("5")
        int maxDeliveries();

        /** Wait before a message ClickHouse did not take is delivered again. */
        @WithDefault("2s")
        Duration retryDelay();

        /** Time NATS waits for an acknowledgement before delivering a message again. */
        @WithDefault("60s")
        Duration ackWait();
    }

    interface Db {
        /** A schema of its own (created at start) instead of {@code public}; the tests use one per run. */
        Optional<String> schema();

        /**
         * How long the start waits for PostgreSQL to answer, trying again with a growing pause (1 s doubling up to
         * 15 s); past it the control plane exits, naming the database it could not reach.
         */
        @WithDefault("60s")
        Duration startTimeout();
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
