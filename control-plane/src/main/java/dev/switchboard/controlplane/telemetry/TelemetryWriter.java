package dev.switchboard.controlplane.telemetry;

import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.controlplane.lease.ControlPlaneLease;
import dev.switchboard.controlplane.limits.BudgetAlerts;
import dev.switchboard.controlplane.telemetry.ClickHouseStore.ClickHouseFailure;
import dev.switchboard.model.telemetry.TelemetryWire;
import dev.switchboard.runtime.NatsOptions;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * Moves the planes' telemetry from JetStream into ClickHouse (the contract: {@code TelemetryWire}). One thread pulls
 * batches from a durable consumer and inserts each message's body, as it came, into the table its subject names; a
 * message is acknowledged only after ClickHouse took its rows. While ClickHouse cannot be reached, messages are
 * negatively acknowledged with a delay and stay in the stream (one log line per outage). A message ClickHouse refuses
 * (malformed rows) is delivered again up to {@code max-deliveries} times; the last time its rows are inserted one by
 * one, the refused ones counted as dropped; a message none of whose rows ClickHouse takes is terminated and counted.
 * So a poison message cannot block the stream. Row contents are never logged. Budget threshold events, once ClickHouse
 * took them, go on to {@link BudgetAlerts} for their webhooks.
 *
 * <p>Only the holder of the {@link ControlPlaneLease} writes; the other replicas' writers stand by (state
 * {@code standby}) and the next holder goes on from the durable consumer where the last one stopped (messages it had
 * taken but not acknowledged come again: at least once, as after any crash).
 *
 * <p>A stop (SIGTERM) lets the insert in flight finish and acknowledges its message before the connections close; the
 * rest of the fetched batch is handed back to the stream at once. An insert that outlasts the ClickHouse timeout is
 * abandoned: its message is delivered again, and if ClickHouse had taken its rows they are stored twice, which readers
 * hide (one row per event id, {@link TelemetryKind#onePerEvent}).
 *
 * <p>Its readiness check ({@link TelemetryReadiness}) is always up and says what the writer is doing: whether NATS and
 * ClickHouse are reachable, since when one is not, and when the last outage ended.
 */
@Singleton
public class TelemetryWriter {

    private static final Logger LOG = Logger.getLogger(TelemetryWriter.class);
    static final long MAX_BYTES = 1L << 30;
    static final Duration MAX_AGE = Duration.ofDays(7);
    static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(2);
    /** ClickHouse's UNKNOWN_TABLE and UNKNOWN_DATABASE: the schema is gone (created again), not the rows at fault. */
    private static final Set<Integer> SCHEMA_MISSING = Set.of(60, 81);
    /**
     * Refusals that say nothing about the rows (timeouts, overload, too many parts, read-only, memory, credentials):
     * treated like an outage, so good rows are never terminated for them. Any other refusal is the rows' fault.
     */
    static final Set<Integer> NOT_THE_ROWS = Set.of(60, 81, 159, 164, 192, 193, 202, 209, 210, 241, 242, 252, 425,
            497, 516);

    @Inject
    ControlPlaneConfig config;

    @Inject
    ClickHouseStore clickhouse;

    @Inject
    BudgetAlerts alerts;

    @Inject
    ControlPlaneLease lease;

    private volatile Thread worker;
    private volatile boolean stopping;
    private volatile Connection connection;
    private volatile JetStreamSubscription subscription;
    private volatile boolean schemaReady;
    private volatile boolean clickhouseUp = true;
    private volatile boolean natsUp = true;
    private volatile String lastError;
    /** When the current outage of NATS or ClickHouse began; null when there is none. */
    private volatile Instant outageSince;
    /** When the last outage ended, and what it was. */
    private volatile Instant lastOutageEnded;
    private volatile String lastOutageError;
    private volatile long pending = -1;
    private volatile long lastLagCheck;
    private final AtomicLong writtenMessages = new AtomicLong();
    private final AtomicLong writtenRows = new AtomicLong();
    private final AtomicLong terminated = new AtomicLong();
    private final AtomicLong droppedRows = new AtomicLong();

    /**
     * What the writer has done so far. {@code pending} is -1 while NATS is not connected (unknown); {@code lastError} is the current outage's, null when
     * there is none; {@code lastOutageEnded} and {@code lastOutageError} tell the one before.
     */
    public record Status(String state, boolean natsConnected, boolean clickhouseReachable, long pending,
                         long writtenMessages, long writtenRows, long terminated, long droppedRows,
                         String lastError, Instant outageSince, Instant lastOutageEnded, String lastOutageError) {
    }

    void start(@Observes StartupEvent event) {
        if (!config.telemetry().writer().enabled()) {
            LOG.info("telemetry writer disabled (switchboard.telemetry.writer.enabled=false)");
            return;
        }
        if (!clickhouse.configured()) {
            LOG.info("telemetry writer off: no ClickHouse configured (SWITCHBOARD_CLICKHOUSE_URL)");
            return;
        }
        if (!SqlLiterals.isIdentifier(config.clickhouse().database())) {
            LOG.errorf("telemetry writer off: switchboard.clickhouse.database must be letters, digits and underscores,"
                    + " not starting with a digit (got '%s')", config.clickhouse().database());
            return;
        }
        stopping = false;
        worker = new Thread(this::run, "telemetry-writer");
        worker.setDaemon(true);
        worker.start();
    }

    public boolean running() {
        return worker != null && !stopping;
    }

    /** Batch size, for the lag threshold of the readiness check. */
    int batch() {
        return config.telemetry().writer().batch();
    }

    public Status status() {
        String state = !config.telemetry().writer().enabled() ? "disabled"
                : !clickhouse.configured() ? "not configured" : stopping ? "stopped"
                : !lease.held() ? "standby" : "running";
        boolean nats = connected();
        return new Status(state, nats, clickhouseUp && schemaReady, nats ? pending : -1, writtenMessages.get(),
                writtenRows.get(), terminated.get(), droppedRows.get(), lastError, outageSince, lastOutageEnded,
                lastOutageError);
    }

    private boolean connected() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    private void run() {
        long delay = config.telemetry().writer().retryDelay().toMillis();
        while (!stopping) {
            if (!lease.held()) {
                pause(lease.interval().toMillis());
                continue;
            }
            try {
                if (!schemaReady) {
                    clickhouse.ensureSchema();
                    alerts.loadRecorded(clickhouse);
                    schemaReady = true;
                    clickhouseUp(true);
                    LOG.infof("ClickHouse schema ready in %s at %s", clickhouse.database(), clickhouse.where());
                }
                JetStreamSubscription sub = subscription();
                List<Message> batch = sub.fetch(config.telemetry().writer().batch(), Duration.ofSeconds(1));
                natsBack();
                handle(batch);
                checkLag(sub, batch.isEmpty());
            } catch (ClickHouseFailure e) {
                clickhouseDown(e);
                pause(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (stopping) {
                    return;
                }
                natsFailed(describe(e));
                pause(delay);
            }
        }
    }

    private void handle(List<Message> batch) throws InterruptedException {
        for (int i = 0; i < batch.size(); i++) {
            if (stopping) { // what is left goes back to the stream now, for another replica or the next start
                for (int j = i; j < batch.size(); j++) {
                    batch.get(j).nak();
                }
                return;
            }
            Message msg = batch.get(i);
            TelemetryKind kind = TelemetryKind.ofSubject(config.telemetry().subjectPrefix(), msg.getSubject());
            long seq = msg.metaData().streamSequence();
            if (kind == null && msg.getSubject().equals(spansSubject())) {
                msg.ack(); // spans are not rows: SpanForwarding's own consumer takes them to the OTLP collector
                continue;
            }
            if (kind == null) {
                msg.term();
                terminated.incrementAndGet();
                LOG.warnf("terminated telemetry message %d: subject %s names no table", seq, msg.getSubject());
                continue;
            }
            byte[] body = msg.getData() == null ? new byte[0] : msg.getData();
            if (countRows(body) == 0) {
                msg.ack();
                continue;
            }
            try {
                clickhouse.insertJsonEachRow(kind, body);
                written(kind, body);
                msg.ack();
                writtenMessages.incrementAndGet();
                writtenRows.addAndGet(countRows(body));
                clickhouseUp(true);
            } catch (ClickHouseFailure e) {
                if (e.rejected() && !NOT_THE_ROWS.contains(e.code())) {
                    clickhouseUp(true);
                    long deliveries = msg.metaData().deliveredCount();
                    if (deliveries >= config.telemetry().writer().maxDeliveries()) {
                        long[] split;
                        try {
                            split = rowByRow(kind, body);
                        } catch (ClickHouseFailure outage) { // delivered again once ClickHouse is back
                            outage(batch, i, outage);
                            return;
                        }
                        if (split[0] == 0) {
                            msg.term();
                            terminated.incrementAndGet();
                            LOG.warnf("terminated telemetry message %d on %s after %d deliveries: ClickHouse refused"
                                    + " its rows (code %d)", seq, msg.getSubject(), deliveries, e.code());
                        } else {
                            msg.ack();
                            writtenMessages.incrementAndGet();
                            writtenRows.addAndGet(split[0]);
                        }
                        droppedRows.addAndGet(split[1]);
                        if (split[0] > 0) {
                            LOG.warnf("telemetry message %d on %s: ClickHouse refused %d of its rows after %d"
                                    + " deliveries (code %d); wrote the other %d one by one", seq, msg.getSubject(),
                                    split[1], deliveries, e.code(), split[0]);
                        }
                    } else {
                        LOG.debugf("ClickHouse refused telemetry message %d (delivery %d, code %d)", seq, deliveries,
                                e.code());
                        msg.nakWithDelay(config.telemetry().writer().retryDelay());
                    }
                    continue;
                }
                outage(batch, i, e);
                return;
            }
        }
    }

    private String spansSubject() {
        String prefix = config.telemetry().subjectPrefix();
        return (prefix.endsWith(".") ? prefix : prefix + ".")
                + TelemetryWire.SPANS.substring(TelemetryWire.SUBJECT_PREFIX.length());
    }

    /** ClickHouse is away (or its schema is): message {@code from} and the rest of the batch wait in the stream. */
    private void outage(List<Message> batch, int from, ClickHouseFailure e) {
        if (e.rejected() && SCHEMA_MISSING.contains(e.code())) {
            schemaReady = false;
        }
        for (int j = from; j < batch.size(); j++) {
            batch.get(j).nakWithDelay(config.telemetry().writer().retryDelay());
        }
        clickhouseDown(e);
        pause(config.telemetry().writer().retryDelay().toMillis());
    }

    /**
     * The last try for a batch ClickHouse refuses: each row on its own, so one bad row costs only itself. Returns the
     * rows written and the rows refused; an outage meanwhile throws (rows already written may be written again).
     */
    private long[] rowByRow(TelemetryKind kind, byte[] body) throws ClickHouseFailure {
        long written = 0;
        long refused = 0;
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                byte[] row = java.util.Arrays.copyOfRange(body, start, i);
                start = i + 1;
                if (countRows(row) == 0) {
                    continue;
                }
                try {
                    clickhouse.insertJsonEachRow(kind, row);
                    written(kind, row);
                    written++;
                } catch (ClickHouseFailure f) {
                    if (!f.rejected() || NOT_THE_ROWS.contains(f.code())) {
                        throw f;
                    }
                    refused++;
                }
            }
        }
        return new long[] {written, refused};
    }

    /** Rows ClickHouse took: budget threshold events go on to their webhooks. */
    private void written(TelemetryKind kind, byte[] rows) {
        if (kind == TelemetryKind.LIMIT_EVENTS) {
            alerts.recorded(rows);
        }
    }

    private static long countRows(byte[] body) {
        long rows = 0;
        boolean content = false;
        for (byte b : body) {
            if (b == '\n') {
                if (content) {
                    rows++;
                }
                content = false;
            } else if (b != ' ' && b != '\r' && b != '\t') {
                content = true;
            }
        }
        return content ? rows + 1 : rows;
    }

    private void clickhouseUp(boolean up) {
        if (up && !clickhouseUp) {
            LOG.infof("ClickHouse at %s takes telemetry again", clickhouse.where());
            clickhouseUp = true;
            recovered();
        }
        clickhouseUp = up;
    }

    private void natsFailed(String error) {
        failing(error);
        if (natsUp) {
            natsUp = false;
            LOG.warnf("telemetry writer: NATS at %s not usable, retrying every %d ms: %s", config.nats().url(),
                    config.telemetry().writer().retryDelay().toMillis(), error);
        }
        subscription = null;
    }

    private void natsBack() {
        if (!natsUp) {
            natsUp = true;
            LOG.infof("NATS reachable again at %s", config.nats().url());
            recovered();
        }
    }

    private void failing(String error) {
        lastError = error;
        if (outageSince == null) {
            outageSince = Instant.now();
        }
    }

    /** NATS or ClickHouse is back: the outage ends unless the other one is still away. */
    private void recovered() {
        if (outageSince == null || !natsUp || !clickhouseUp) {
            return;
        }
        lastOutageEnded = Instant.now();
        lastOutageError = lastError;
        lastError = null;
        outageSince = null;
    }

    private void clickhouseDown(ClickHouseFailure e) {
        failing(e.getMessage());
        if (clickhouseUp) {
            LOG.warnf("telemetry writer: %s at %s; messages stay in the stream and are retried every %d ms",
                    e.getMessage(), clickhouse.where(), config.telemetry().writer().retryDelay().toMillis());
        }
        clickhouseUp = false;
    }

    private void checkLag(JetStreamSubscription sub, boolean idle) {
        long now = System.nanoTime();
        if (!idle && now - lastLagCheck < 5_000_000_000L) {
            return;
        }
        lastLagCheck = now;
        try {
            ConsumerInfo info = sub.getConsumerInfo();
            pending = info.getNumPending() + info.getNumAckPending();
        } catch (Exception e) {
            LOG.debugf("consumer info: %s", describe(e));
        }
    }

    private JetStreamSubscription subscription() throws Exception {
        JetStreamSubscription sub = subscription;
        if (sub != null && connected()) {
            return sub;
        }
        Connection c = connection;
        if (c == null || c.getStatus() == Connection.Status.CLOSED) {
            Options options = NatsOptions.builder(config.nats().url(), "switchboard-telemetry-writer", Duration.ofSeconds(2),
                    (conn, event) -> LOG.debugf("NATS connection: %s", event))
                    .reconnectWait(Duration.ofMillis(250))
                    .build();
            c = Nats.connect(options);
            connection = c;
        } else if (c.getStatus() != Connection.Status.CONNECTED) {
            throw new IllegalStateException("NATS connection is " + c.getStatus());
        }
        String stream = config.telemetry().stream();
        String durable = config.telemetry().writer().consumer();
        JetStreamManagement jsm = c.jetStreamManagement();
        ensureStream(jsm, stream, config.telemetry().subjectPrefix(), config.telemetry().replicas());
        ConsumerConfiguration consumer = ConsumerConfiguration.builder()
                .durable(durable)
                .ackPolicy(AckPolicy.Explicit)
                .deliverPolicy(DeliverPolicy.All)
                .ackWait(config.telemetry().writer().ackWait())
                .maxDeliver(-1) // an outage must not use up deliveries; poison messages are terminated here
                .maxAckPending(Math.max(1000, config.telemetry().writer().batch() * 4))
                .build();
        try {
            jsm.addOrUpdateConsumer(stream, consumer);
        } catch (JetStreamApiException e) {
            LOG.infof("keeping the existing consumer %s on %s as it is: %s", durable, stream, e.getMessage());
        }
        sub = c.jetStream().subscribe(null, PullSubscribeOptions.bind(stream, durable));
        subscription = sub;
        LOG.infof("telemetry writer: consuming %s (consumer %s) from NATS at %s into ClickHouse database %s",
                stream, durable, config.nats().url(), clickhouse.database());
        return sub;
    }

    /** Creates the stream with the publishers' limits unless it exists (an existing one is used as it is). */
    static void ensureStream(JetStreamManagement jsm, String stream, String prefix, int replicas) throws Exception {
        try {
            jsm.getStreamInfo(stream);
            return;
        } catch (JetStreamApiException missing) {
            // create it below
        }
        try {
            jsm.addStream(StreamConfiguration.builder()
                    .name(stream)
                    .description("Switchboard telemetry on its way to ClickHouse")
                    .subjects(prefix + ">")
                    .storageType(StorageType.File)
                    .replicas(replicas)
                    .maxAge(MAX_AGE)
                    .maxBytes(MAX_BYTES)
                    .duplicateWindow(DUPLICATE_WINDOW)
                    .build());
            LOG.infof("created the JetStream stream %s (%s>)", stream, prefix);
        } catch (JetStreamApiException raced) {
            jsm.getStreamInfo(stream); // a publisher or another replica created it meanwhile
        }
    }

    /** Waits between tries; a stop ends the wait at once. */
    private void pause(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left;
        while (!stopping && (left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /**
     * Before {@link ClickHouseStore} closes its client (a lower priority runs first): the insert in flight finishes
     * within the ClickHouse timeout and its acknowledgement is flushed to NATS; past that, it is abandoned.
     */
    void stop(@Observes @Priority(Interceptor.Priority.APPLICATION) ShutdownEvent event) {
        stopping = true;
        Thread t = worker;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(config.clickhouse().timeout().toMillis() + 2_000);
                if (t.isAlive()) {
                    LOG.warnf("telemetry writer: abandoned an insert into ClickHouse at %s that outlasted the timeout;"
                            + " its message is delivered again (readers keep one row per event id)", clickhouse.where());
                    t.interrupt();
                    t.join(1_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Connection c = connection;
        connection = null;
        subscription = null;
        if (c != null && c.getStatus() == Connection.Status.CONNECTED) {
            try {
                c.flush(Duration.ofSeconds(2)); // the last acknowledgements
            } catch (Exception e) {
                LOG.debugf("flushing the acknowledgements: %s", describe(e));
            }
        }
        NatsOptions.close(c);
    }
}
