package dev.switchboard.runtime.feed;

import dev.switchboard.model.sync.SnapshotWire;
import dev.switchboard.runtime.Plane;
import dev.switchboard.runtime.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Where a plane takes its config from. The property names are the same for both planes (the bucket's also for the
 * control plane, which publishes to it); {@link #read} reads them for a plane.
 *
 * @param configFile        the standalone config file; with NATS, the config served until the first snapshot
 * @param filePollInterval  how often the file is checked for changes
 * @param natsUrl           take snapshots from the control plane over NATS JetStream
 * @param bucket            the Object Store bucket the control plane publishes to
 * @param cacheFile         the last snapshot received over NATS, served at start when NATS cannot be reached
 * @param natsRetryInterval the wait between attempts to reach NATS or the bucket before the watch is up
 * @param natsCheckInterval how often the latest snapshot is also read, besides the watch (a lost watch cannot leave
 *                          a plane behind for longer)
 * @param clientName        the NATS connection name, so that {@code nats-server} monitoring shows which plane it is
 */
public record FeedSettings(Optional<Path> configFile, Duration filePollInterval, Optional<String> natsUrl,
                           String bucket, Path cacheFile, Duration natsRetryInterval, Duration natsCheckInterval,
                           String clientName) {

    public static final String CONFIG_FILE = "switchboard.config";
    public static final String FILE_POLL_INTERVAL = "switchboard.config-poll-interval";
    public static final String FILE_POLL_INTERVAL_DEFAULT = "1s";
    public static final String NATS_URL = "switchboard.nats.url";
    /** The one name of the bucket for the control plane and both planes. */
    public static final String BUCKET = "switchboard.sync.bucket";
    public static final String BUCKET_DEFAULT = SnapshotWire.BUCKET;
    public static final String CACHE_FILE = "switchboard.snapshot-cache";
    public static final String NATS_RETRY_INTERVAL = "switchboard.nats.retry-interval";
    public static final String NATS_RETRY_INTERVAL_DEFAULT = "2s";
    public static final String NATS_CHECK_INTERVAL = "switchboard.nats.check-interval";
    public static final String NATS_CHECK_INTERVAL_DEFAULT = "30s";

    public FeedSettings {
        configFile = configFile == null ? Optional.empty() : configFile;
        natsUrl = natsUrl == null ? Optional.empty() : natsUrl.filter(u -> !u.isBlank());
        bucket = bucket == null || bucket.isBlank() ? BUCKET_DEFAULT : bucket;
    }

    /** A plane's settings from its config; the cache file defaults to the plane's own in {@code java.io.tmpdir}. */
    public static FeedSettings read(Config config, Plane plane) {
        Settings s = new Settings(config);
        Path cache = s.text(CACHE_FILE).map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), plane.cacheFileName()));
        return new FeedSettings(s.text(CONFIG_FILE).map(Path::of),
                s.duration(FILE_POLL_INTERVAL, FILE_POLL_INTERVAL_DEFAULT), s.text(NATS_URL), s.text(BUCKET, BUCKET_DEFAULT),
                cache, s.duration(NATS_RETRY_INTERVAL, NATS_RETRY_INTERVAL_DEFAULT),
                s.duration(NATS_CHECK_INTERVAL, NATS_CHECK_INTERVAL_DEFAULT), plane.clientName());
    }

    /** These settings with another cache file: for a second instance of a plane in one JVM (tests). */
    public FeedSettings withCacheFile(Path other) {
        return new FeedSettings(configFile, filePollInterval, natsUrl, bucket, other, natsRetryInterval,
                natsCheckInterval, clientName);
    }
}
