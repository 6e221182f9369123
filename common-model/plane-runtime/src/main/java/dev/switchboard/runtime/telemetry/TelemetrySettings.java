package dev.switchboard.runtime.telemetry;

import dev.switchboard.model.telemetry.TelemetryWire;
import dev.switchboard.runtime.Plane;
import dev.switchboard.runtime.Replica;
import dev.switchboard.runtime.Settings;
import dev.switchboard.runtime.feed.FeedSettings;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.config.Config;

/**
 * How a plane publishes its telemetry. The property names are the same for both planes; {@link #read} reads them.
 *
 * @param natsUrl       the NATS server (the plane's {@code switchboard.nats.url})
 * @param stream        the JetStream stream; {@link TelemetryWire#STREAM} but in tests
 * @param subjectPrefix the prefix of the subjects; {@link TelemetryWire#SUBJECT_PREFIX} but in tests
 * @param instance      this process, the first part of each message's {@code Nats-Msg-Id}
 * @param flushInterval the longest a row waits before its batch is published
 * @param maxAge        the stream's max age, when this publisher creates it
 * @param maxBytes      the stream's max bytes, when this publisher creates it
 * @param retryMax      the longest wait between two tries while NATS is down (the wait doubles from 100 ms)
 * @param clientName    the NATS connection name
 */
public record TelemetrySettings(String natsUrl, String stream, String subjectPrefix, String instance,
                                Duration flushInterval, Duration maxAge, long maxBytes, Duration retryMax,
                                String clientName) {

    /** On by default when the plane has a NATS URL; off (nothing published) without one. */
    public static final String ENABLED = "switchboard.telemetry.enabled";
    public static final String FLUSH_INTERVAL = "switchboard.telemetry.flush-interval";
    public static final String FLUSH_INTERVAL_DEFAULT = "250ms";
    /** The bound of the plane's queue (records waiting to be published); the gateway's request logs. */
    public static final String BUFFER_SIZE = "switchboard.telemetry.buffer-size";
    public static final String BUFFER_SIZE_DEFAULT = "10000";
    /** Default: the host name and a random suffix, so that a restarted process never reuses a message id. */
    public static final String INSTANCE_ID = "switchboard.telemetry.instance-id";
    public static final String STREAM = "switchboard.telemetry.stream";
    public static final String SUBJECT_PREFIX = "switchboard.telemetry.subject-prefix";
    public static final String MAX_AGE = "switchboard.telemetry.max-age";
    public static final String MAX_AGE_DEFAULT = "7d";
    public static final String MAX_BYTES = "switchboard.telemetry.max-bytes";
    public static final String MAX_BYTES_DEFAULT = "1073741824";
    public static final String RETRY_MAX = "switchboard.telemetry.retry-max-interval";
    public static final String RETRY_MAX_DEFAULT = "5s";

    public static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(2);

    public TelemetrySettings {
        if (natsUrl == null || natsUrl.isBlank()) {
            throw new IllegalArgumentException("no NATS URL");
        }
        stream = stream == null || stream.isBlank() ? TelemetryWire.STREAM : stream;
        subjectPrefix = subjectPrefix == null || subjectPrefix.isBlank() ? TelemetryWire.SUBJECT_PREFIX : subjectPrefix;
        if (!subjectPrefix.endsWith(".")) {
            subjectPrefix = subjectPrefix + ".";
        }
        instance = instance == null || instance.isBlank() ? defaultInstance() : instance;
        flushInterval = flushInterval == null || flushInterval.isNegative() || flushInterval.isZero()
                ? Duration.ofMillis(250) : flushInterval;
        maxAge = maxAge == null ? Duration.ofDays(7) : maxAge;
        maxBytes = maxBytes <= 0 ? 1L << 30 : maxBytes;
        retryMax = retryMax == null || retryMax.toMillis() < 100 ? Duration.ofSeconds(5) : retryMax;
        clientName = clientName == null ? "switchboard-telemetry" : clientName;
    }

    /** The settings with every default but the URL and the connection name. */
    public static TelemetrySettings defaults(String natsUrl, String clientName) {
        return new TelemetrySettings(natsUrl, null, null, null, null, null, 0, null, clientName);
    }

    /**
     * Whether a plane publishes: as {@code enabled} says, and by default when it has a NATS URL. Never without a NATS
     * URL (the standalone mode).
     */
    public static boolean enabled(Optional<Boolean> enabled, Optional<String> natsUrl) {
        boolean hasNats = natsUrl.filter(u -> !u.isBlank()).isPresent();
        return hasNats && enabled.orElse(true);
    }

    /**
     * A plane's settings from its config, or empty when it publishes nothing: see {@link #enabled}. The connection name
     * is the plane's with {@code -telemetry}.
     */
    public static Optional<TelemetrySettings> read(Config config, Plane plane) {
        Settings s = new Settings(config);
        Optional<String> natsUrl = s.text(FeedSettings.NATS_URL);
        if (!enabled(s.flag(ENABLED), natsUrl)) {
            return Optional.empty();
        }
        return Optional.of(of(config, plane, natsUrl.orElseThrow()));
    }

    /** A plane's settings from its config for {@code natsUrl}, whether or not its rows are published (its spans). */
    public static TelemetrySettings of(Config config, Plane plane, String natsUrl) {
        Settings s = new Settings(config);
        return new TelemetrySettings(natsUrl, s.text(STREAM, TelemetryWire.STREAM),
                s.text(SUBJECT_PREFIX, TelemetryWire.SUBJECT_PREFIX), Replica.id(config),
                s.duration(FLUSH_INTERVAL, FLUSH_INTERVAL_DEFAULT), s.duration(MAX_AGE, MAX_AGE_DEFAULT),
                s.number(MAX_BYTES, MAX_BYTES_DEFAULT), s.duration(RETRY_MAX, RETRY_MAX_DEFAULT),
                plane.clientName() + "-telemetry");
    }

    /** The subject of a kind of rows: {@link TelemetryWire#REQUEST_LOGS} under this prefix. */
    public String subject(String wireSubject) {
        String kind = wireSubject.startsWith(TelemetryWire.SUBJECT_PREFIX)
                ? wireSubject.substring(TelemetryWire.SUBJECT_PREFIX.length()) : wireSubject;
        return subjectPrefix + kind;
    }

    /** The host name with a random suffix. */
    public static String defaultInstance() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "switchboard";
            }
        }
        return host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_") + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong(1L << 32, 1L << 36), 36);
    }
}
