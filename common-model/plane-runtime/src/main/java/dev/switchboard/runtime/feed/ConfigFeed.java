package dev.switchboard.runtime.feed;

import dev.switchboard.model.snapshot.ConfigSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Everything that keeps a plane's config current, the same for both planes: the standalone file (when set), the
 * control plane's snapshots over NATS with their cache file (when a NATS URL is set), one {@link ConfigHolder} they
 * all offer to, and what readiness reports. The plane brings what is its own: how a snapshot becomes the state its
 * request path reads ({@code prepare}, run off the request path), and the framework around it.
 */
public final class ConfigFeed<S extends PlaneState> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ConfigFeed.class.getName());

    /** What readiness says: up once a config is applied, and the data to show with it. */
    public record Readiness(boolean up, Map<String, Object> data) {
    }

    private final FeedSettings settings;
    private final ConfigHolder<S> holder;
    private final Clock clock;
    private final ConfigFile<S> file;
    private final NatsSnapshots<S> nats;

    public ConfigFeed(FeedSettings settings, Function<ConfigSnapshot, S> prepare, ConfigHolder<S> holder, Clock clock) {
        this.settings = settings;
        this.holder = holder;
        this.clock = clock;
        this.file = settings.configFile()
                .map(path -> new ConfigFile<>(path, settings.filePollInterval(), prepare, holder, clock))
                .orElse(null);
        this.nats = settings.natsUrl().isPresent() ? new NatsSnapshots<>(settings, prepare, holder) : null;
    }

    /** Applies the file and the cache now (what is there), then watches both sources in the background. */
    public ConfigFeed<S> start() {
        if (file == null && nats == null) {
            LOG.info("no config source: set SWITCHBOARD_CONFIG to a config file, or SWITCHBOARD_NATS_URL");
        }
        if (file != null) {
            file.start();
        }
        if (nats != null) {
            nats.start();
        }
        return this;
    }

    @Override
    public void close() {
        if (file != null) {
            file.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    public ConfigHolder<S> holder() {
        return holder;
    }

    public FeedSettings settings() {
        return settings;
    }

    /** The applied revision, where it came from, its age, the NATS connection and the last refused file edit. */
    public Readiness readiness() {
        Applied<S> applied = holder.applied();
        Map<String, Object> data = new LinkedHashMap<>();
        if (applied == null) {
            data.put("reason", nats != null
                    ? "no config snapshot yet from NATS" + (file != null ? ", the cache file or the config file"
                    : " or the cache file")
                    : file == null
                    ? "no config yet: set SWITCHBOARD_CONFIG to a config file, or SWITCHBOARD_NATS_URL"
                    : "no valid config yet; see the log for the errors");
        } else {
            data.put("revision", applied.revision());
            data.put("source", applied.origin().label());
            data.put("age_seconds", age(applied).toSeconds());
        }
        if (nats != null) {
            data.put("nats", nats.status());
            data.put("bucket", settings.bucket());
        }
        if (file != null && file.lastError() != null) {
            data.put("last_refused_edit", file.lastError());
        }
        return new Readiness(applied != null, data);
    }

    /** How long ago the applied snapshot was made (by the control plane, or when the file was read). */
    public Duration age(Applied<S> applied) {
        return Duration.between(applied.state().snapshot().createdAt(), clock.instant());
    }

    /** Re-reads the standalone file if it changed; false without a file. For tests that cannot wait for the poll. */
    public boolean reloadFile() {
        return file != null && file.reloadIfChanged();
    }
}
