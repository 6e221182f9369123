package dev.switchboard.gateway.snapshot;

import dev.switchboard.model.feed.ConfigFeed;
import dev.switchboard.model.feed.ConfigGauges;
import dev.switchboard.model.feed.FeedSettings;
import dev.switchboard.model.secret.SecretResolver;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where the gateway's config comes from: the shared {@link ConfigFeed} (the control plane's snapshots over NATS with
 * their cache file, and the standalone file), with the gateway's settings and its own {@link GatewayState#prepare}.
 */
@ApplicationScoped
public class ConfigSource {

    @Inject
    SnapshotHolder holder;

    @Inject
    SecretResolver secrets;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = FeedSettings.CONFIG_FILE)
    Optional<Path> file;

    @ConfigProperty(name = FeedSettings.FILE_POLL_INTERVAL, defaultValue = FeedSettings.FILE_POLL_INTERVAL_DEFAULT)
    Duration pollInterval;

    @ConfigProperty(name = FeedSettings.NATS_URL)
    Optional<String> natsUrl;

    @ConfigProperty(name = FeedSettings.BUCKET, defaultValue = FeedSettings.BUCKET_DEFAULT)
    String bucket;

    @ConfigProperty(name = FeedSettings.CACHE_FILE,
            defaultValue = "${java.io.tmpdir}/switchboard-gateway-snapshot.json.gz")
    Path cacheFile;

    @ConfigProperty(name = FeedSettings.NATS_RETRY_INTERVAL, defaultValue = FeedSettings.NATS_RETRY_INTERVAL_DEFAULT)
    Duration retryInterval;

    @ConfigProperty(name = FeedSettings.NATS_CHECK_INTERVAL, defaultValue = FeedSettings.NATS_CHECK_INTERVAL_DEFAULT)
    Duration checkInterval;

    private volatile ConfigFeed<GatewayState> feed;

    void start(@Observes StartupEvent event) {
        ConfigFeed<GatewayState> f = newFeed(settings(), secrets, holder);
        ConfigGauges.bind(f, registry);
        feed = f.start();
    }

    void stop(@Observes ShutdownEvent event) {
        ConfigFeed<GatewayState> f = feed;
        if (f != null) {
            f.close();
        }
    }

    /** A gateway's feed into {@code holder}, not started; a test builds a second gateway's the same way. */
    public static ConfigFeed<GatewayState> newFeed(FeedSettings settings, SecretResolver secrets,
                                                   SnapshotHolder holder) {
        return new ConfigFeed<>(settings, snapshot -> GatewayState.prepare(snapshot, secrets), holder.holder(),
                Clock.systemUTC());
    }

    public FeedSettings settings() {
        return new FeedSettings(file, pollInterval, natsUrl, bucket, cacheFile, retryInterval, checkInterval,
                "switchboard-gateway-plane");
    }

    /** The running feed, or null before start-up. */
    public ConfigFeed<GatewayState> feed() {
        return feed;
    }
}
