package dev.switchboard.controlplane.lease;

import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.runtime.Replica;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The control plane's leader lease: a session-level PostgreSQL advisory lock, held on a connection of its own. Its
 * holder publishes the snapshots and writes the telemetry; every replica serves the admin API. PostgreSQL frees the
 * lock when the holder's connection ends: at once when its process dies, after {@code dead-after} (TCP keepalive) when
 * its host vanishes. Every {@code interval} the others try to take it and the holder checks its connection with a
 * query; a holder whose check fails or stalls steps down before PostgreSQL can give the lock to another (dead-after is
 * at least three intervals). The lock's key is derived from the schema, so deployments sharing a database do not
 * share a lease.
 *
 * <p>Its readiness check ({@link LeaseReadiness}) says whether this replica holds it and, if not, which one does.
 */
@Singleton
public class ControlPlaneLease {

    private static final Logger LOG = Logger.getLogger(ControlPlaneLease.class);

    @Inject
    Pool pool;

    @Inject
    ControlPlaneConfig config;

    private final String replica = Replica.id(ConfigProvider.getConfig());
    private volatile ScheduledExecutorService worker;
    private volatile SqlConnection connection;
    private volatile boolean held;
    private volatile long term;
    private volatile Instant since;
    private volatile String holder;
    private volatile boolean stopping;
    private long key;

    /** Tries once to take the lease, then goes on trying (or checking) every interval in the background. */
    public void start() {
        Duration interval = config.lease().interval();
        Duration deadAfter = config.lease().deadAfter();
        if (interval.toMillis() < 100 || deadAfter.compareTo(interval.multipliedBy(3)) < 0) {
            throw new IllegalStateException("switchboard.lease.interval must be at least 100ms and "
                    + "switchboard.lease.dead-after at least three intervals (got " + interval + " and " + deadAfter
                    + ")");
        }
        key = keyOf(config.db().schema().filter(s -> !s.isBlank()).orElse("public"));
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "control-plane-lease");
            t.setDaemon(true);
            return t;
        });
        try {
            worker.submit(this::tick).get();
        } catch (Exception e) {
            throw new IllegalStateException("the lease's first try failed", e);
        }
        worker.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether this replica holds the lease now: it alone publishes snapshots and writes telemetry. */
    public boolean held() {
        return held;
    }

    /** Grows each time this replica takes the lease: a new holder catches up with what happened meanwhile. */
    public long term() {
        return term;
    }

    public Duration interval() {
        return config.lease().interval();
    }

    /** This replica's id (its telemetry's {@code instance}); the lease's connection carries it as application name. */
    public String replica() {
        return replica;
    }

    private void tick() {
        if (stopping) {
            return;
        }
        Duration wait = config.lease().interval().multipliedBy(2);
        try {
            SqlConnection c = connection;
            if (c == null) {
                c = pool.getConnection().await().atMost(wait);
                connection = c;
                long idle = Math.max(1, config.lease().deadAfter().toSeconds() / 2);
                long every = Math.max(1, config.lease().deadAfter().toSeconds() / 6);
                // a holder whose host vanishes is let go after about dead-after: idle + 3 unanswered probes
                c.query("set tcp_keepalives_idle = " + idle + "; set tcp_keepalives_interval = " + every
                        + "; set tcp_keepalives_count = 3; set application_name = '"
                        + replica.replaceAll("[^A-Za-z0-9_.:-]", "_") + "'").execute().await().atMost(wait);
            }
            if (held) {
                c.query("select 1").execute().await().atMost(wait);
                return;
            }
            Row row = first(c.preparedQuery("select pg_try_advisory_lock($1)").execute(Tuple.of(key))
                    .await().atMost(wait).iterator());
            if (row != null && Boolean.TRUE.equals(row.getBoolean(0))) {
                since = Instant.now();
                holder = replica;
                term++;
                held = true;
                LOG.infof("took the control plane's lease as %s: publishing snapshots and writing telemetry here",
                        replica);
                return;
            }
            Row who = first(c.preparedQuery("select a.application_name from pg_locks l join pg_stat_activity a"
                            + " on a.pid = l.pid where l.locktype = 'advisory' and l.granted and l.objsubid = 1"
                            + " and l.classid::bigint = $1 and l.objid::bigint = $2")
                    .execute(Tuple.of(key >>> 32, key & 0xffffffffL)).await().atMost(wait).iterator());
            holder = who == null ? null : who.getString(0);
        } catch (Exception e) {
            if (held) {
                LOG.warnf("gave up the control plane's lease: its connection failed (%s); another replica takes over",
                        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
            held = false;
            holder = null;
            drop();
        }
    }

    private static Row first(Iterator<Row> rows) {
        return rows.hasNext() ? rows.next() : null;
    }

    /**
     * Frees the lock and hands the connection back. The connection is the pool's: closing it only returns it, its
     * session (and a lock it holds) lives on, so the lock is released first, on the server's time, or no replica (this
     * one included) could take it again until that pooled session ended. A connection that is really broken fails the
     * unlock and is discarded, and the server frees the lock when its session ends.
     */
    private void drop() {
        SqlConnection c = connection;
        connection = null;
        if (c != null) {
            var released = c.query("select pg_advisory_unlock_all()").execute()
                    .onItemOrFailure().transformToUni((rows, failure) -> c.close())
                    .subscribeAsCompletionStage();
            try {
                released.get(2, TimeUnit.SECONDS); // past that it goes on in the background
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception ignored) {
                // a broken connection: the server frees the lock when the session ends
            }
        }
    }

    static long keyOf(String schema) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("switchboard-control-plane-lease:" + schema)
                    .getBytes(StandardCharsets.UTF_8));
            long k = 0;
            for (int i = 0; i < 8; i++) {
                k = (k << 8) | (h[i] & 0xff);
            }
            return k;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The replica that holds the lease, as far as this one knows: itself, another's application name, or null. */
    public String holder() {
        return holder;
    }

    /** Since when this replica holds the lease, or null. */
    public Instant since() {
        return held ? since : null;
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        held = false;
        ScheduledExecutorService w = worker;
        if (w != null) {
            w.shutdownNow();
        }
        drop();
    }
}
