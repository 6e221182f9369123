package dev.switchboard.gateway.snapshot;

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
 * Where the gateway's config comes from: the runtime's {@link ConfigFeed} (the control plane's snapshots over NATS with
 * their cache file, and the standalone file), prepared by the gateway's own {@link GatewayState#prepare}. Ready once a
 * config is applied.
 */
@ApplicationScoped
public class ConfigSource {

    @Inject
    SnapshotHolder holder;

    @Inject
    MeterRegistry registry;

    private volatile ConfigFeed<GatewayState> feed;

    void start(@Observes StartupEvent event) {
        Config config = ConfigProvider.getConfig();
        SecretResolver secrets = PlaneSecrets.resolver(config);
        feed = PlaneFeeds.start(Plane.GATEWAY, config, snapshot -> GatewayState.prepare(snapshot, secrets),
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

    /** A gateway's feed into {@code holder}, not started; a test builds a second gateway's the same way. */
    public static ConfigFeed<GatewayState> newFeed(FeedSettings settings, SecretResolver secrets,
                                                   SnapshotHolder holder) {
        return new ConfigFeed<>(settings, snapshot -> GatewayState.prepare(snapshot, secrets), holder.holder(),
                Clock.systemUTC());
    }

    public FeedSettings settings() {
        return FeedSettings.read(ConfigProvider.getConfig(), Plane.GATEWAY);
    }

    /** The running feed, or null before start-up. */
    public ConfigFeed<GatewayState> feed() {
        return feed;
    }
}
