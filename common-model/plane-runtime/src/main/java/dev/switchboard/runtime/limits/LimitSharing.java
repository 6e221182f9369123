package dev.switchboard.runtime.limits;

import dev.switchboard.model.limits.LimitCounters;
import dev.switchboard.model.limits.LimitsWire;
import dev.switchboard.model.limits.ThresholdCrossing;
import dev.switchboard.runtime.NatsOptions;
import dev.switchboard.runtime.Settings;
import dev.switchboard.runtime.feed.FeedSettings;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * A plane's {@link LimitCounters} in the cluster, over NATS ({@link LimitsWire}): every share interval this replica
 * publishes its changed counts (all of them every tenth time, for replicas and control planes that joined late) and
 * applies the other replicas'; it takes the spent totals the control plane keeps in the key-value bucket (a replica
 * starting mid-period starts from the period's spend) and publishes the budget threshold crossings to the telemetry
 * stream. One background thread; nothing here is on the request path, and with NATS down the counters go on
 * enforcing with what they counted and last heard.
 */
public final class LimitSharing implements AutoCloseable {

    public static final String SHARE_INTERVAL = "switchboard.limits.share-interval";
    public static final String SHARE_INTERVAL_DEFAULT = "1s";
    public static final String SUBJECT_PREFIX = "switchboard.limits.subject-prefix";
    public static final String BUCKET = "switchboard.limits.bucket";

    private static final Logger LOG = Logger.getLogger(LimitSharing.class.getName());
    /** Counters whose window has ended are dropped this often. */
    private static final long EVICT_EVERY_MS = 60_000;

    private final LimitCounters counters;
    private final String natsUrl;
    private final String subject;
    private final String bucket;
    private final Duration interval;
    private final String clientName;
    private final Clock clock;
    private final ScheduledExecutorService worker;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private volatile Connection connection;
    /** The watch of the spent totals; made anew after a reconnect (a restarted server no longer has its consumer). */
    private volatile NatsKeyValueWatchSubscription spendWatch;
    private long ticks;
    private long lastEviction;

    LimitSharing(LimitCounters counters, String natsUrl, String subject, String bucket, Duration interval,
                 String clientName, Clock clock) {
        this.counters = counters;
        this.natsUrl = natsUrl;
        this.subject = subject;
        this.bucket = bucket;
        this.interval = interval;
        this.clientName = clientName;
        this.clock = clock;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-limits");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Shares {@code counters} among the replicas of {@code plane} ({@code gateway}, {@code mcp}) when the plane has a
     * NATS URL; null in the standalone mode (the counters then enforce alone).
     */
    public static LimitSharing start(Config config, String plane, String clientName, LimitCounters counters) {
        Settings s = new Settings(config);
        String url = s.text(FeedSettings.NATS_URL).orElse(null);
        if (url == null) {
            return null;
        }
        String prefix = s.text(SUBJECT_PREFIX, LimitsWire.COUNTS_SUBJECT_PREFIX);
        LimitSharing sharing = new LimitSharing(counters, url, (prefix.endsWith(".") ? prefix : prefix + ".") + plane,
                s.text(BUCKET, LimitsWire.SPEND_BUCKET), s.duration(SHARE_INTERVAL, SHARE_INTERVAL_DEFAULT),
                clientName, Clock.systemUTC());
        sharing.start();
        return sharing;
    }

    void start() {
        worker.execute(this::connect);
        long every = Math.max(10, interval.toMillis());
        worker.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    /** Messages of counts this replica published, and others' applied: for the metrics and the tests. */
    public long published() {
        return published.get();
    }

    public long applied() {
        return applied.get();
    }

    /** Whether NATS is reachable now. */
    public boolean connected() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    private void connect() {
        try {
            ConnectionListener listener = (conn, event) -> {
                if (event == ConnectionListener.Events.RECONNECTED || event == ConnectionListener.Events.CONNECTED) {
                    worker.execute(this::rewatchSpend);
                }
            };
            Connection c = Nats.connect(NatsOptions.builder(natsUrl, clientName, Duration.ofSeconds(2), listener)
                    .build());
            Dispatcher dispatcher = c.createDispatcher(msg -> onCounts(msg.getData()));
            dispatcher.subscribe(subject);
            connection = c;
            watchSpend();
        } catch (IOException e) {
            LOG.warning(() -> "limits: NATS at " + natsUrl + " cannot be reached (" + e.getMessage()
                    + "); counting alone until it can");
            worker.schedule(this::connect, 2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onCounts(byte[] message) {
        try {
            LimitsWire.Counts counts = LimitsWire.decodeCounts(message);
            if (!counts.replica().equals(counters.replicaId())) {
                counters.applyRemote(counts.replica(), counts.reports());
                applied.incrementAndGet();
            }
        } catch (RuntimeException e) {
            LOG.fine(() -> "limits: ignored a message that is not counts: " + e.getMessage());
        }
    }

    private void rewatchSpend() {
        NatsKeyValueWatchSubscription old = spendWatch;
        spendWatch = null;
        if (old != null) {
            old.unsubscribe();
        }
        watchSpend();
    }

    /** Seeds the spent totals of the control plane, and follows them: the bucket may appear after this replica. */
    private void watchSpend() {
        Connection c = connection;
        if (c == null || spendWatch != null) {
            return;
        }
        try {
            KeyValue kv = c.keyValue(bucket);
            spendWatch = kv.watch(LimitsWire.SPEND_KEY_PREFIX + ">", new KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    if (entry.getOperation() == KeyValueOperation.PUT && entry.getValue() != null) {
                        seed(entry.getValue());
                    }
                }

                @Override
                public void endOfData() {
                }
            });
        } catch (IOException | JetStreamApiException e) {
            // no bucket yet (no control plane, or it has not computed spend): look again at the next tick
            LOG.fine(() -> "limits: no spent totals yet: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void seed(byte[] value) {
        try {
            for (LimitsWire.Spent s : LimitsWire.decodeSpend(value)) {
                counters.seedSpent(s.key(), s.windowStart(), s.replica(), s.spentMicroUsd() / 1e6);
            }
        } catch (RuntimeException e) {
            LOG.fine(() -> "limits: ignored spent totals that cannot be read: " + e.getMessage());
        }
    }

    private void tick() {
        try {
            long now = clock.millis();
            if (now - lastEviction >= EVICT_EVERY_MS) {
                lastEviction = now;
                counters.evictIdle();
            }
            Connection c = connection;
            if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
                return; // crossings and counts wait in the counters; the next tick after reconnecting sends them
            }
            if (spendWatch == null && ticks % 10 == 0) {
                watchSpend();
            }
            var reports = ticks++ % 10 == 0 ? counters.allLocalCounts() : counters.localCounts();
            if (!reports.isEmpty()) {
                c.publish(subject, LimitsWire.encodeCounts(new LimitsWire.Counts(counters.replicaId(), now, reports)));
                published.incrementAndGet();
            }
            publishCrossings(c, counters.thresholdCrossings(), now);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "limits: sharing counts failed; trying again next interval", e);
        }
    }

    /** Each crossing once per stream: the id is the same on every replica that sees it. */
    private void publishCrossings(Connection c, List<ThresholdCrossing> crossings, long now) {
        for (ThresholdCrossing crossing : crossings) {
            try {
                c.jetStream().publishAsync(LimitsWire.EVENTS_SUBJECT,
                        LimitsWire.encodeEvent(crossing, counters.replicaId(), now),
                        PublishOptions.builder().messageId(crossing.id()).build());
            } catch (IOException e) {
                LOG.warning(() -> "limits: a budget alert could not be published: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        NatsOptions.close(connection);
    }
}
