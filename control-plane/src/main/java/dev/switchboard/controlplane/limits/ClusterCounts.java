package dev.switchboard.controlplane.limits;

import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.model.limits.LimitCounters;
import dev.switchboard.model.limits.LimitsWire;
import dev.switchboard.runtime.NatsOptions;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The cluster's counts as the planes share them ({@code LimitsWire} counts on core NATS), kept in a
 * {@link LimitCounters} of the control plane's own that never admits anything: it only stores the replicas' absolute
 * reports, so the usage views sum what every replica counted in the current window. A control plane that starts late
 * learns the counts that no longer change from the full reports the planes send now and then.
 *
 * <p>Its NATS connection is also the one the spent totals are published through.
 */
@Singleton
public class ClusterCounts {

    private static final Logger LOG = Logger.getLogger(ClusterCounts.class);
    /** Never a plane's replica id (those are telemetry instance ids), so no report is taken for our own. */
    static final String REPLICA_ID = "control-plane";
    private static final long EVICT_EVERY_MS = 60_000;

    @Inject
    ControlPlaneConfig config;

    private final Clock clock = Clock.systemUTC();
    private final LimitCounters counters = new LimitCounters(clock, REPLICA_ID);
    private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();
    private volatile Connection connection;
    private volatile long lastEviction;

    void start(@Observes StartupEvent event) {
        Options options = NatsOptions.builder(config.nats().url(), "switchboard-control-plane-limits", Duration.ofSeconds(2),
                this::connectionEvent).build();
        try {
            // In the background and retrying: the control plane starts (and serves its API) while NATS is away.
            Nats.connectAsynchronously(options, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void connectionEvent(Connection c, ConnectionListener.Events event) {
        if (event == ConnectionListener.Events.CONNECTED && connection == null) {
            String subject = config.limits().subjectPrefix() + ">";
            // A dispatcher's subscriptions are renewed by jnats after every reconnect.
            c.createDispatcher(this::onCounts).subscribe(subject);
            connection = c;
            LOG.infof("limits: listening for the planes' counts on %s at %s", subject, config.nats().url());
        } else {
            LOG.debugf("NATS connection (limits): %s", event);
        }
    }

    private void onCounts(Message message) {
        LimitsWire.Counts counts;
        try {
            counts = LimitsWire.decodeCounts(message.getData());
        } catch (RuntimeException e) {
            LOG.debugf("ignored a counts message on %s: %s", message.getSubject(), e.getMessage());
            return;
        }
        long now = clock.millis();
        lastHeard.put(counts.replica(), now);
        counters.applyRemote(counts.replica(), counts.reports());
        if (now - lastEviction > EVICT_EVERY_MS) {
            lastEviction = now;
            counters.evictIdle();
            lastHeard.values().removeIf(at -> now - at > config.limits().reportingWindow().toMillis());
        }
    }

    public LimitCounters counters() {
        return counters;
    }

    /** Replicas whose last counts arrived within the reporting window. */
    public int replicasReporting() {
        long since = clock.millis() - config.limits().reportingWindow().toMillis();
        return (int) lastHeard.values().stream().filter(at -> at >= since).count();
    }

    /** The connection once it was first made (jnats reconnects it), or null before. */
    public Connection connection() {
        return connection;
    }

    void stop(@Observes ShutdownEvent event) {
        NatsOptions.close(connection);
    }
}
