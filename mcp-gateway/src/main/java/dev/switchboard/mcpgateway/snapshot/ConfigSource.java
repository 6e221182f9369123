package dev.switchboard.mcpgateway.snapshot;

import dev.switchboard.model.guardrail.WebhookClient;
import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.runtime.Plane;
import dev.switchboard.runtime.PlaneSecrets;
import dev.switchboard.runtime.feed.ConfigFeed;
import dev.switchboard.runtime.feed.FeedReadiness;
import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.runtime.feed.PlaneFeeds;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Clock;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Readiness;

/**
 * Where the MCP gateway's config comes from: the runtime's {@link ConfigFeed} (the control plane's snapshots over NATS with
 * their cache file, and the standalone file), with the MCP gateway's settings and its own {@link McpState#prepare}. Ready
 * once a config is applied.
 */
@ApplicationScoped
public class ConfigSource {

    @Inject
    SnapshotHolder holder;

    @Inject
    WebhookClient webhooks;

    @Inject
    MeterRegistry registry;

    private volatile ConfigFeed<McpState> feed;

    void start(@Observes StartupEvent event) {
        Config config = ConfigProvider.getConfig();
        SecretResolver secrets = PlaneSecrets.resolver(config);
        feed = PlaneFeeds.start(Plane.MCP_GATEWAY, config, snapshot -> McpState.prepare(snapshot, secrets, webhooks),
                holder.holder(), registry);
    }

    void stop(@Observes ShutdownEvent event) {
        if (feed != null) {
            feed.close();
        }
    }

    /** The {@code config} readiness check: the applied config's revision, source and age, or why there is none. */
    @Produces
    @Readiness
    HealthCheck readiness() {
        return () -> FeedReadiness.of(feed);
    }

    /** An MCP gateway's feed into {@code holder}, not started; a test builds a second gateway's the same way. */
    public static ConfigFeed<McpState> newFeed(FeedSettings settings, SecretResolver secrets,
                                               SnapshotHolder holder) {
        return newFeed(settings, secrets, WebhookClient.UNAVAILABLE, holder);
    }

    /** As above, with webhook guardrails called through {@code webhooks}. */
    public static ConfigFeed<McpState> newFeed(FeedSettings settings, SecretResolver secrets,
                                               WebhookClient webhooks, SnapshotHolder holder) {
        return new ConfigFeed<>(settings, snapshot -> McpState.prepare(snapshot, secrets, webhooks), holder.holder(),
                Clock.systemUTC());
    }

    public FeedSettings settings() {
        return FeedSettings.read(ConfigProvider.getConfig(), Plane.MCP_GATEWAY);
    }

    /** The running feed, or null before start-up. */
    public ConfigFeed<McpState> feed() {
        return feed;
    }
}
