package dev.switchboard.controlplane.limits;

import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.controlplane.telemetry.ClickHouseStore;
import dev.switchboard.controlplane.telemetry.ClickHouseStore.ClickHouseFailure;
import dev.switchboard.controlplane.telemetry.TelemetryKind;
import dev.switchboard.model.config.Budget;
import dev.switchboard.model.limits.LimitsWire;
import dev.switchboard.model.limits.LimitsWire.Spent;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Publishes, at start and every {@code switchboard.limits.spend-interval}, each budget's spent totals of the current
 * windows ({@link SpendTotals}, from ClickHouse) to the key-value bucket the planes seed their counters from
 * ({@code spend.<budget>}, LimitsWire's form). While ClickHouse or NATS cannot be used, the values published last stay
 * (one log line per outage) and the next interval tries again. Every control-plane replica publishes the same values.
 */
@Singleton
public class SpendPublisher {

    private static final Logger LOG = Logger.getLogger(SpendPublisher.class);
    /** ClickHouse's UNKNOWN_TABLE and UNKNOWN_DATABASE: the telemetry writer has not created the schema yet. */
    private static final List<Integer> SCHEMA_MISSING = List.of(60, 81);

    @Inject
    ControlPlaneConfig config;

    @Inject
    ClickHouseStore clickhouse;

    @Inject
    CurrentLimits limits;

    @Inject
    ClusterCounts cluster;

    private volatile Thread worker;
    private volatile boolean stopping;
    private volatile KeyValue bucket;
    private volatile Connection bucketConnection;
    private volatile String failing;

    void start(@Observes StartupEvent event) {
        if (!clickhouse.configured()) {
            LOG.info("limits: no spent totals published, no ClickHouse configured (SWITCHBOARD_CLICKHOUSE_URL)");
            return;
        }
        worker = new Thread(this::run, "limits-spend");
        worker.setDaemon(true);
        worker.start();
    }

    private void run() {
        long interval = config.limits().spendInterval().toMillis();
        try {
            // The NATS connection is being made in the background: give it a moment before the first publish.
            for (int i = 0; i < 50 && cluster.connection() == null; i++) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            return;
        }
        while (!stopping) {
            try {
                publishOnce();
                recovered();
            } catch (InterruptedException e) {
                return;
            } catch (ClickHouseFailure e) {
                failed("ClickHouse: " + e.getMessage());
            } catch (Throwable e) {
                if (stopping) {
                    return;
                }
                failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void publishOnce() throws Throwable {
        List<Budget> budgets = limits.currentBlocking().head().config().budgets();
        long now = System.currentTimeMillis();
        SpendTotals totals = new SpendTotals(budgets, now);
        String sql = totals.sql(clickhouse.table(TelemetryKind.REQUEST_LOGS));
        if (sql == null) {
            return;
        }
        List<String> lines;
        try {
            lines = clickhouse.queryLines(sql);
        } catch (ClickHouseFailure e) {
            if (!e.rejected() || !SCHEMA_MISSING.contains(e.code())) {
                throw e;
            }
            clickhouse.ensureSchema(); // the same idempotent statements the writer runs
            lines = clickhouse.queryLines(sql);
        }
        KeyValue kv = bucket();
        for (Map.Entry<String, List<Spent>> e : totals.totals(lines).entrySet()) {
            kv.put(LimitsWire.spendKey(e.getKey()), LimitsWire.encodeSpend(now, e.getValue()));
        }
    }

    /** The bucket, created with one value per key if absent, once per connection. */
    private KeyValue bucket() throws Exception {
        Connection c = cluster.connection();
        if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
            throw new IllegalStateException("NATS at " + config.nats().url() + " is not connected");
        }
        if (bucket != null && bucketConnection == c) {
            return bucket;
        }
        String name = config.limits().bucket();
        try {
            c.keyValueManagement().getStatus(name);
        } catch (JetStreamApiException missing) {
            try {
                c.keyValueManagement().create(KeyValueConfiguration.builder().name(name)
                        .description("Switchboard spent totals per budget, from the request log")
                        .maxHistoryPerKey(1).storageType(StorageType.File).replicas(config.sync().replicas())
                        .build());
                LOG.infof("created the key-value bucket %s", name);
            } catch (JetStreamApiException raced) {
                c.keyValueManagement().getStatus(name); // another replica created it meanwhile
            }
        }
        bucket = c.keyValue(name);
        bucketConnection = c;
        return bucket;
    }

    private void failed(String why) {
        if (failing == null) {
            LOG.warnf("limits: spent totals not published (%s); the values published last stay, retrying every %s",
                    why, config.limits().spendInterval());
        }
        failing = why;
    }

    private void recovered() {
        if (failing != null) {
            failing = null;
            LOG.info("limits: spent totals published again");
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        Thread t = worker;
        if (t != null) {
            t.interrupt();
        }
    }
}
