package dev.switchboard.mcpgateway.http;

import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.mcpgateway.auth.McpRejections;
import dev.switchboard.mcpgateway.oauth.AccessTokens;
import dev.switchboard.mcpgateway.runtime.McpSettings;
import dev.switchboard.mcpgateway.session.SessionCodec;
import dev.switchboard.mcpgateway.snapshot.McpState;
import dev.switchboard.mcpgateway.snapshot.SnapshotHolder;
import dev.switchboard.mcpgateway.telemetry.ToolCallSpans;
import dev.switchboard.model.guardrail.WebhookClient;
import dev.switchboard.mcpgateway.approval.ClusterApprovals;
import dev.switchboard.runtime.Plane;
import dev.switchboard.runtime.Replica;
import dev.switchboard.runtime.auth.BearerAuthenticator;
import dev.switchboard.runtime.limits.PlaneLimits;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.runtime.webhook.VertxWebhookClient;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Wires the plain {@link McpGateway} into Quarkus: its settings from config, its routes on Quarkus's router. */
@ApplicationScoped
public class McpRoutes {

    private static final Logger LOG = Logger.getLogger(McpRoutes.class);

    @Inject
    Vertx vertx;

    @Inject
    SnapshotHolder holder;

    @Inject
    RowQueue<ToolCallRecord> audit;

    @Inject
    OpenTelemetry otel;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "switchboard.mcp.public-url")
    Optional<String> publicUrl;

    @ConfigProperty(name = "switchboard.mcp.allowed-hosts")
    Optional<List<String>> allowedHosts;

    @ConfigProperty(name = "switchboard.mcp.allowed-origins")
    Optional<List<String>> allowedOrigins;

    @ConfigProperty(name = "switchboard.mcp.session-key")
    Optional<String> sessionKey;

    @ConfigProperty(name = "switchboard.mcp.session-ttl", defaultValue = "24h")
    Duration sessionTtl;

    @ConfigProperty(name = "switchboard.max-body-size", defaultValue = "4194304")
    long maxBodySize;

    @ConfigProperty(name = "switchboard.mcp.upstream.connect-timeout", defaultValue = "5s")
    Duration connectTimeout;

    @ConfigProperty(name = "switchboard.mcp.upstream.timeout", defaultValue = "60s")
    Duration upstreamTimeout;

    @ConfigProperty(name = "switchboard.upstream.max-connections-per-host", defaultValue = "1000")
    int maxConnectionsPerHost;

    @ConfigProperty(name = "switchboard.mcp.approval.timeout", defaultValue = "5m")
    Duration approvalTimeout;

    @ConfigProperty(name = "switchboard.nats.url")
    Optional<String> natsUrl;

    @ConfigProperty(name = "switchboard.mcp.approval.bucket", defaultValue = ClusterApprovals.BUCKET_DEFAULT)
    String approvalBucket;

    @ConfigProperty(name = "switchboard.mcp.approval.subject-prefix",
            defaultValue = ClusterApprovals.SUBJECT_PREFIX_DEFAULT)
    String approvalSubjectPrefix;

    private BearerAuthenticator authenticator;
    private PlaneLimits limits;
    private McpGateway gateway;

    void register(@Observes Router router) {
        Clock clock = Clock.systemUTC();
        byte[] key = sessionKey();
        AccessTokens signIn = new AccessTokens(key, clock);
        authenticator = BearerAuthenticator.start(vertx, ConfigProvider.getConfig(), McpRejections.INSTANCE, () -> {
            McpState state = holder.current();
            return state == null ? null : state.snapshot();
        }, signIn);
        limits = new PlaneLimits(Plane.MCP_GATEWAY, ConfigProvider.getConfig(), clock);
        limits.share(ConfigProvider.getConfig());
        gateway = new McpGateway(vertx, settings(), holder::current, authenticator,
                new SessionCodec(key, clock), audit, clock, new ToolCallSpans(otel), approvalTimeout,
                limits.counters(), registry, signIn);
        natsUrl.filter(url -> !url.isBlank()).ifPresent(url -> gateway.shareApprovals(url, approvalBucket,
                approvalSubjectPrefix, Replica.id(ConfigProvider.getConfig())));
        gateway.register(router);
    }

    McpSettings settings() {
        return new McpSettings(publicUrl, allowedHosts.orElse(List.of()), allowedOrigins.orElse(List.of()),
                maxBodySize, sessionTtl, (int) connectTimeout.toMillis(), upstreamTimeout.toMillis(),
                maxConnectionsPerHost);
    }

    private byte[] sessionKey() {
        if (sessionKey.isPresent() && !sessionKey.get().isBlank()) {
            return SessionCodec.keyFromBase64(sessionKey.get());
        }
        LOG.warn("switchboard.mcp.session-key is not set: sessions are sealed under a key made at start, so they end "
                + "when this process does and no other replica can serve them. Set the same key (base64 of 32 bytes, "
                + "e.g. `head -c 32 /dev/urandom | base64`) on every replica.");
        return SessionCodec.randomKey();
    }

    /** The webhook guardrails' HTTP client, given to every snapshot's compiled guardrails. */
    @Produces
    @Singleton
    static WebhookClient webhookClient(Vertx vertx,
            @ConfigProperty(name = "switchboard.mcp.upstream.connect-timeout", defaultValue = "5s") Duration connect) {
        return new VertxWebhookClient(vertx, (int) connect.toMillis());
    }

    static void closeWebhookClient(@Disposes WebhookClient client) {
        if (client instanceof VertxWebhookClient c) {
            c.close();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (gateway != null) {
            gateway.close();
        }
        if (authenticator != null) {
            authenticator.close();
        }
        if (limits != null) {
            limits.close();
        }
    }
}
