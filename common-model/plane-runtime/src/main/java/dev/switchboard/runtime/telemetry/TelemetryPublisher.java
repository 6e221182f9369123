package dev.switchboard.runtime.telemetry;

import dev.switchboard.model.telemetry.JsonRow;
import dev.switchboard.model.telemetry.TelemetryWire;
import dev.switchboard.runtime.NatsOptions;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes what a plane records to NATS JetStream, as {@link TelemetryWire} says: one background thread takes the
 * records the request path queued ({@link RowSource}s, one per kind of rows), encodes them, batches them into
 * {@code JSONEachRow} messages of at most {@link TelemetryWire#MAX_BATCH_BYTES} (or what a flush interval gathered),
 * and publishes each batch to its subject with the {@code Nats-Msg-Id} header {@code <instance>-<sequence>}, waiting
 * for JetStream's acknowledgement.
 * <ul>
 *   <li><b>Bounded, never blocking</b>: the request path only offers to a bounded queue; a full queue drops and
 *       counts. While NATS cannot be reached, rows are left in the queue; a batch whose publish failed is kept and
 *       tried again with a growing wait (100 ms, doubling, up to {@code retryMax}), and nothing more is taken from the
 *       queue meanwhile: what is held is at most the queue's bound plus that one batch (and, for a
 *       {@link #protobufLane}, the rest of the group of records encoded last).</li>
 *   <li><b>At least once</b>: a batch is tried again under the same message id until acknowledged, so that one
 *       published twice (its acknowledgement lost) is stored once by the stream's duplicate window.</li>
 *   <li>The stream is made if absent (subjects {@code <prefix>>}, max age, max bytes, a two-minute duplicate
 *       window); one that exists is left as it is, whatever its limits.</li>
 *   <li><b>An outage shows</b>: each try that finds NATS unreachable counts as a failed publish of every lane with rows
 *       waiting, so {@link Lane#failedPublishes} climbs for as long as the outage lasts; one WARN line when it starts,
 *       one INFO line with its length when publishing works again; and a stop that must leave rows unpublished says
 *       at WARN how many.</li>
 * </ul>
 * The counters ({@link Lane#published}, {@link Lane#dropped}, {@link Lane#failedPublishes}, {@link Lane#queued}) are
 * read by {@link TelemetryGauges} at scrape time.
 */
public final class TelemetryPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TelemetryPublisher.class.getName());
    private static final long RETRY_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** A lane with this many rows queued is published before the flush interval is up. */
    static final int FLUSH_EARLY_ROWS = 1000;
    /** How often the publisher takes what is queued into its batches (and checks whether to publish early). */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final int MAX_BATCHES_PER_ROUND = 64;
    /** The records a {@link #protobufLane} encodes as one message. */
    static final int GROUP_RECORDS = 64;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final TelemetrySettings settings;
    private final int maxBatchBytes;
    private final List<Lane<?>> lanes;
    private final Options options;
    private final Thread thread;
    /**
     * One sequence for every publisher of the process: a plane runs one per kind (request logs, spans) with the same
     * instance on the same stream, and JetStream drops a message whose {@code Nats-Msg-Id} it saw in the last two
     * minutes on any subject of the stream; a sequence per publisher gave a span batch and a request-log batch the
     * same id, and one of the two was dropped as a duplicate. {@link #RUN} tells this process's ids from those of an
     * earlier run with the same configured instance: a restart within the two minutes would otherwise lose its first
     * batches the same way.
     */
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final String RUN = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    private volatile boolean stopping;
    private volatile Connection connection;
    private volatile String status = "not connected yet";
    private volatile boolean lost;
    /** Set when NATS is back, to end a wait between tries at once. */
    private volatile boolean wake;
    private JetStream jetStream; // publisher thread only
    private boolean streamReady; // publisher thread only
    private String lastProblem; // publisher thread only
    private long problemSince; // publisher thread only: System.nanoTime() of the first failure of an outage
    private volatile TelemetrySpool spool;

    private TelemetryPublisher(TelemetrySettings settings, int maxBatchBytes, List<Lane<?>> lanes) {
        this.settings = settings;
        this.maxBatchBytes = maxBatchBytes;
        this.lanes = List.copyOf(lanes);
        for (Lane<?> lane : this.lanes) {
            lane.instance = settings.instance();
        }
        this.options = NatsOptions.builder(settings.natsUrl(), settings.clientName(), Duration.ofSeconds(2),
                this::connectionEvent).build();
        // named by what it publishes: a plane runs one publisher per kind, and profiles tell them apart by name
        this.thread = new Thread(this::run, "switchboard-telemetry-" + this.lanes.get(0).kind());
        this.thread.setDaemon(true);
    }

    /** A publisher of {@code lanes}, not started. */
    public static TelemetryPublisher create(TelemetrySettings settings, List<Lane<?>> lanes) {
        return create(settings, TelemetryWire.MAX_BATCH_BYTES, lanes);
    }

    /** With another batch limit than the contract's (tests). */
    static TelemetryPublisher create(TelemetrySettings settings, int maxBatchBytes, List<Lane<?>> lanes) {
        if (lanes.isEmpty()) {
            throw new IllegalArgumentException("nothing to publish");
        }
        return new TelemetryPublisher(settings, maxBatchBytes, lanes);
    }

    /**
     * One kind of rows: records from {@code source}, written as {@code JSONEachRow} rows by {@code writer}, published to
     * {@code wireSubject}. Each row ends with its {@link TelemetryWire#EVENT_ID}, {@code <instance>-<n>} (n counting the
     * lane's rows), which the lane writes after the writer's columns: a row is written once, so a batch published
     * again carries the same ids, and readers drop the copies.
     */
    public static <T> Lane<T> lane(String wireSubject, RowSource<T> source, RowWriter<? super T> writer) {
        return new Lane<>(wireSubject, source, writer, null);
    }

    /** A record's columns, written into a row begun for it (the lane ends it). */
    @FunctionalInterface
    public interface RowWriter<T> {
        /** {@code instance} is the publisher's ({@link TelemetrySettings#instance}), for the row's instance column. */
        void write(T record, String instance, JsonRow row);
    }

    /**
     * A lane of protobuf messages of one type, concatenated with nothing between them: protobuf reads concatenated
     * messages as one whose repeated fields hold them all (how a batch of OTLP trace requests stays one request).
     * {@code encoder} makes one message of up to {@link #GROUP_RECORDS} records at a time, so that what every message
     * repeats (an OTLP request's resource and scope) is written once per group rather than once per record; a group
     * whose message is larger than a NATS message, or that cannot be encoded, is encoded again in halves (down to the
     * one record at fault, which is dropped and counted).
     */
    public static <T> Lane<T> protobufLane(String wireSubject, RowSource<T> source, GroupEncoder<? super T> encoder) {
        return new Lane<>(wireSubject, source, null, encoder);
    }

    /**
     * Records to one protobuf message in two steps, its size first, so that the message is written straight into the
     * batch when it has room for it (no array of its own, then copied).
     */
    public interface GroupEncoder<T> {
        /** Prepares the one message of {@code records}; its size in bytes. */
        int prepare(List<? extends T> records);

        /** Writes the message prepared last, as many bytes as {@link #prepare} said. */
        void writeTo(java.io.OutputStream out) throws java.io.IOException;
    }

    /**
     * Keeps the rows a stop leaves unpublished in {@code spool}, and publishes what it holds first (JSON lanes only;
     * spans are not kept). Before {@link #start}.
     */
    public TelemetryPublisher spool(TelemetrySpool spool) {
        this.spool = spool;
        return this;
    }

    /** Starts the publisher's thread; returns at once (NATS is reached in the background). */
    public TelemetryPublisher start() {
        thread.start();
        LOG.info(() -> String.format("telemetry: publishing %s to the stream '%s' at %s as instance '%s'",
                lanes.stream().map(l -> subject(l)).toList(), settings.stream(), settings.natsUrl(),
                settings.instance()));
        return this;
    }

    public TelemetrySettings settings() {
        return settings;
    }

    public List<Lane<?>> lanes() {
        return lanes;
    }

    /** Whether the connection to NATS is up now. */
    public boolean connected() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    /** The NATS side in words: {@code connected}, {@code reconnecting}, or what it waits for. */
    public String status() {
        Connection c = connection;
        return c == null ? status : c.getStatus().name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Stops taking rows, publishes what is queued if NATS is there (for at most a few seconds), and disconnects. Rows
     * still waiting then are lost: one WARN line says how many of each kind.
     */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(CLOSE_TIMEOUT.toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
        List<String> kept = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        for (Lane<?> lane : lanes) {
            long rows = lane.queued();
            if (rows == 0) {
                continue;
            }
            int spooled = spoolLeft(lane);
            if (spooled > 0) {
                kept.add(spooled + " " + lane.kind());
            }
            if (rows > spooled) {
                lost.add((rows - spooled) + " " + lane.kind());
            }
        }
        if (!kept.isEmpty()) {
            LOG.info(() -> String.format("telemetry: stopped with rows not published to NATS at %s: kept %s in the"
                    + " spool %s for the next start", settings.natsUrl(), String.join(", ", kept), spool.dir()));
        }
        if (!lost.isEmpty()) {
            LOG.warning(() -> String.format("telemetry: stopped with rows not published to NATS at %s (%s): they are"
                    + " lost%s", settings.natsUrl(), String.join(", ", lost), spool == null
                    ? " (set " + TelemetrySpool.DIR + " to keep them)" : " (the spool is full or cannot be written)"));
        }
    }

    /** The rows a lane still holds, into the spool; how many were kept there. */
    private int spoolLeft(Lane<?> lane) {
        TelemetrySpool s = spool;
        if (s == null || lane.separator != 1) {
            return 0;
        }
        List<byte[]> rows = lane.takeLeft();
        try {
            return s.write(lane.kind(), rows);
        } catch (java.io.IOException e) {
            LOG.warning(() -> "telemetry: cannot write the spool " + s.dir() + " (" + describe(e) + ")");
            return 0;
        }
    }

    /** At start: the rows a previous stop kept in the spool go out first. */
    private void loadSpool() {
        TelemetrySpool s = spool;
        if (s == null) {
            return;
        }
        for (Lane<?> lane : lanes) {
            if (lane.separator != 1) {
                continue;
            }
            try {
                TelemetrySpool.Taken taken = s.take(lane.kind());
                lane.spooled.addAll(taken.rows());
                lane.unpublishable.addAndGet(taken.skipped());
                if (!taken.rows().isEmpty() || taken.skipped() > 0) {
                    LOG.info(() -> String.format("telemetry: publishing %d %s rows from the spool %s first%s",
                            taken.rows().size(), lane.kind(), s.dir(), taken.skipped() == 0 ? ""
                                    : " (" + taken.skipped() + " lines that were no rows skipped)"));
                }
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warning(() -> "telemetry: cannot read the spool " + s.dir() + " (" + describe(e) + ")");
            }
        }
    }

    private String subject(Lane<?> lane) {
        return settings.subject(lane.wireSubject);
    }

    private void run() {
        long retryNanos = RETRY_MIN_NANOS;
        long lastFlush = System.nanoTime();
        loadSpool();
        connect(); // at once, so that the status says how NATS is before the first row; tried again on publishing
        while (!stopping) {
            waitForRows(lastFlush);
            lastFlush = System.nanoTime();
            if (stopping) {
                break;
            }
            try {
                if (publishQueued(Long.MAX_VALUE)) {
                    retryNanos = RETRY_MIN_NANOS;
                    continue;
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "telemetry: unexpected failure; trying again", e);
            }
            pause(retryNanos);
            retryNanos = Math.min(retryNanos * 2, settings.retryMax().toNanos());
        }
        // closing: what is queued goes out if NATS is there now
        try {
            long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
            publishQueued(deadline);
        } catch (RuntimeException e) {
            LOG.fine(() -> "telemetry: could not publish at close: " + e);
        }
    }

    /**
     * Waits until the flush interval since {@code lastFlush} is over, or a lane has many rows waiting; meanwhile, at
     * every poll, writes what the lanes have queued into their open batches ({@link Lane#encodeQueued}).
     */
    private void waitForRows(long lastFlush) {
        long deadline = lastFlush + settings.flushInterval().toNanos();
        while (!stopping) {
            encodeQueued();
            long left = deadline - System.nanoTime();
            if (left <= 0 || manyQueued()) {
                return;
            }
            LockSupport.parkNanos(Math.min(left, POLL_NANOS));
        }
    }

    /** Only while NATS is there: while it is away the records wait in the bounded queue, as its drops say. */
    private void encodeQueued() {
        Connection c = connection;
        if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
            return;
        }
        for (int i = 0, n = lanes.size(); i < n; i++) {
            try {
                lanes.get(i).encodeQueued(maxBatchBytes);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "telemetry: unexpected failure encoding " + lanes.get(i).kind() + " rows", e);
            }
        }
    }

    /**
     * Whether a lane has {@link #FLUSH_EARLY_ROWS} waiting (queued or in its open batch) or a full open batch (a loop,
     * not a stream: this runs at every poll).
     */
    private boolean manyQueued() {
        for (int i = 0, n = lanes.size(); i < n; i++) {
            Lane<?> lane = lanes.get(i);
            if (lane.source.size() + lane.openRows >= FLUSH_EARLY_ROWS || lane.openBatchFull()) {
                return true;
            }
        }
        return false;
    }

    private void pause(long nanos) {
        long deadline = System.nanoTime() + nanos;
        long left;
        wake = false;
        while (!stopping && !wake && (left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    /**
     * Publishes each lane's queued rows, batch by batch (a lane under steady load gives a bounded number of batches
     * per round); false at the first batch that could not be published, which its lane keeps for the next try.
     */
    private boolean publishQueued(long deadline) {
        Connection c = connect();
        if (c == null) {
            unreachable();
            return false;
        }
        if (c.getStatus() != Connection.Status.CONNECTED) {
            // rows stay in the queue (its bound holds) rather than in a batch
            problem("NATS at " + settings.natsUrl() + " is " + c.getStatus().name().toLowerCase(java.util.Locale.ROOT));
            unreachable();
            return false;
        }
        boolean sent = true;
        for (Lane<?> lane : lanes) {
            for (int i = 0; i < MAX_BATCHES_PER_ROUND && System.nanoTime() < deadline; i++) {
                Batch batch = lane.pending != null ? lane.pending : lane.fill(maxBatchBytes, this::nextId);
                if (batch == null) {
                    break;
                }
                lane.pending = batch;
                if (!publish(lane, batch)) {
                    sent = false;
                    break;
                }
                lane.pending = null;
                lane.published.addAndGet(batch.rows);
                if (!batch.full) {
                    break;
                }
            }
        }
        return sent;
    }

    /** A try that found NATS away: a failed publish for each lane with rows waiting. */
    private void unreachable() {
        for (Lane<?> lane : lanes) {
            if (lane.queued() > 0) {
                lane.failedPublishes.incrementAndGet();
            }
        }
    }

    private String nextId() {
        return settings.instance() + "-" + RUN + "-" + SEQUENCE.incrementAndGet();
    }

    private boolean publish(Lane<?> lane, Batch batch) {
        Connection c = connection;
        if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
            return false;
        }
        if (!streamReady) {
            ensureStream(c);
        }
        try {
            jetStream.publish(subject(lane), batch.body, PublishOptions.builder().messageId(batch.id).build());
            if (lastProblem != null) {
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - problemSince);
                LOG.info(() -> "telemetry: publishing to " + settings.natsUrl() + " again after " + seconds
                        + " s of failures");
                lastProblem = null;
            }
            return true;
        } catch (Exception e) {
            lane.failedPublishes.incrementAndGet();
            streamReady = false;
            problem("could not publish to " + subject(lane) + " (" + describe(e) + ")");
        }
        return false;
    }

    private Connection connect() {
        Connection c = connection;
        if (c != null) {
            return c;
        }
        try {
            c = Nats.connect(options);
            jetStream = c.jetStream(JetStreamOptions.builder().requestTimeout(Duration.ofSeconds(5)).build());
            connection = c;
            lost = false;
            LOG.info(() -> "telemetry: connected to NATS at " + settings.natsUrl());
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        } catch (Exception e) {
            status = "cannot reach NATS at " + settings.natsUrl();
            problem("cannot reach NATS at " + settings.natsUrl() + " (" + describe(e) + ")");
        }
        return null;
    }

    /** Makes the stream if it is absent; leaves one that exists as it is. Never fatal: publishing tells. */
    private void ensureStream(Connection c) {
        String stream = settings.stream();
        try {
            JetStreamManagement jsm = c.jetStreamManagement();
            try {
                jsm.getStreamInfo(stream);
                streamReady = true;
                return;
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != 10059) { // stream not found
                    throw e;
                }
            }
            StreamConfiguration config = StreamConfiguration.builder()
                    .name(stream)
                    .subjects(settings.subjectPrefix() + ">")
                    .retentionPolicy(RetentionPolicy.Limits)
                    .discardPolicy(DiscardPolicy.Old)
                    .storageType(StorageType.File)
                    .maxAge(settings.maxAge())
                    .maxBytes(settings.maxBytes())
                    .duplicateWindow(TelemetrySettings.DUPLICATE_WINDOW)
                    .build();
            try {
                jsm.addStream(config);
                LOG.info(() -> String.format("telemetry: made the stream '%s' (subjects %s>, max age %s, max bytes %d)",
                        stream, settings.subjectPrefix(), settings.maxAge(), settings.maxBytes()));
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != 10058) { // made meanwhile by another (perhaps with other limits): fine
                    throw e;
                }
            }
            streamReady = true;
        } catch (Exception e) {
            // e.g. another stream holds the subjects: publishing works or tells
            LOG.fine(() -> "telemetry: could not make sure of the stream '" + stream + "': " + describe(e));
        }
    }

    private void problem(String problem) {
        if (lastProblem == null) {
            problemSince = System.nanoTime();
        }
        if (!Objects.equals(problem, lastProblem)) {
            LOG.warning(() -> "telemetry: " + problem + "; rows stay queued (up to the bound) and are tried again");
            lastProblem = problem;
        }
    }

    private void connectionEvent(Connection conn, ConnectionListener.Events event) {
        switch (event) {
            case DISCONNECTED -> {
                if (!lost) {
                    lost = true;
                    LOG.fine(() -> "telemetry: lost NATS at " + settings.natsUrl());
                }
            }
            case RECONNECTED -> {
                lost = false;
                wake = true;
                LockSupport.unpark(thread);
            }
            default -> LOG.fine(() -> "telemetry: NATS connection: " + event.getEvent());
        }
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** One message: rows, each ending with a newline, and its id. */
    record Batch(String id, byte[] body, int rows, boolean full) {
    }

    /** One kind of rows and its counters. */
    public static final class Lane<T> {

        private final String wireSubject;
        private final RowSource<T> source;
        /** A record to its row; null in a lane that encodes groups of records. */
        private final RowWriter<? super T> writer;
        /** Records to one message; null in a lane that encodes each record alone. */
        private final GroupEncoder<? super T> groupEncoder;
        /** 1 for JSONEachRow lines (a newline after each), 0 for concatenated protobuf messages. */
        private final int separator;
        private final AtomicLong published = new AtomicLong();
        private final AtomicLong failedPublishes = new AtomicLong();
        /** Rows that could not be encoded or are larger than a message: dropped, counted with the full queue's. */
        private final AtomicLong unpublishable = new AtomicLong();
        /** Encoded, taken from the queue, not in a batch yet (the one that did not fit the last): publisher thread only. */
        private final ArrayDeque<Chunk> carried = new ArrayDeque<>();
        /** The records {@link #carried} holds, and those of the group being encoded: for {@link #queued}. */
        private volatile int carriedRows;
        private volatile int encodingRows;
        /** The group of records being encoded ({@link #groupEncoder}): publisher thread only. */
        private final List<T> group = new ArrayList<>(GROUP_RECORDS);
        /**
         * How many records the next group takes: {@link #GROUP_RECORDS}, fewer when the last group's records were so
         * large that a whole group would not fit in half a message (spans with payloads), so that a group is rarely
         * encoded again in halves. Publisher thread only.
         */
        private int groupRecords = GROUP_RECORDS;
        /**
         * The batch being filled, kept from batch to batch (it grows to the message size once): the rows of a JSON lane
         * are written straight into it. Publisher thread only.
         */
        private JsonRow body;
        private java.io.OutputStream bodyStream;
        /** The batch being filled: its records, and whether one that did not fit was carried. Publisher thread only. */
        private int batchRows;
        private boolean batchFull;
        /** Whether {@link #body} holds a batch being filled (rows taken from the queue, not published yet). */
        private boolean open;
        /** The rows of the open batch, for {@link #queued}. */
        private volatile int openRows;
        /** The publisher's instance: the rows' instance column and their event ids' prefix. */
        private String instance = "";
        /** The last event id's number. Publisher thread only (and the closing thread once it ended). */
        private long events;
        private volatile Batch pending;
        /** Rows from the spool, encoded already: published before the queue's. */
        private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> spooled =
                new java.util.concurrent.ConcurrentLinkedQueue<>();

        private Lane(String wireSubject, RowSource<T> source, RowWriter<? super T> writer,
                     GroupEncoder<? super T> groupEncoder) {
            this.separator = groupEncoder == null ? 1 : 0;
            this.wireSubject = Objects.requireNonNull(wireSubject);
            this.source = Objects.requireNonNull(source);
            this.writer = groupEncoder == null ? Objects.requireNonNull(writer) : null;
            this.groupEncoder = groupEncoder;
        }

        /** The subject's name in {@link TelemetryWire}, e.g. {@link TelemetryWire#REQUEST_LOGS}. */
        public String wireSubject() {
            return wireSubject;
        }

        /** The last part of the subject: {@code request_logs}, {@code tool_calls}. */
        public String kind() {
            int dot = wireSubject.lastIndexOf('.');
            return dot < 0 ? wireSubject : wireSubject.substring(dot + 1);
        }

        /** Rows acknowledged by JetStream. */
        public long published() {
            return published.get();
        }

        /** Rows dropped: the queue was full, or a row could not be encoded or was larger than a message. */
        public long dropped() {
            return source.dropped() + unpublishable.get();
        }

        /** Publishes that failed (each try of a batch counts). */
        public long failedPublishes() {
            return failedPublishes.get();
        }

        /** Rows waiting: queued, being encoded, encoded and not in a batch yet, and in the batch being published. */
        public long queued() {
            Batch b = pending;
            return source.size() + spooled.size() + (b == null ? 0 : b.rows) + carriedRows + encodingRows + openRows;
        }

        /** At close, the publisher's thread ended: every row still held, encoded, oldest first; the lane is empty after. */
        List<byte[]> takeLeft() {
            List<byte[]> rows = new ArrayList<>();
            Batch b = pending;
            pending = null;
            if (b != null) {
                splitRows(b.body, b.body.length, rows);
            }
            if (open) {
                splitRows(body.array(), body.size(), rows);
                open = false;
                openRows = 0;
            }
            for (Chunk c; (c = carried.pollFirst()) != null; ) {
                rows.add(c.bytes());
            }
            carriedRows = 0;
            for (byte[] row; (row = spooled.poll()) != null; ) {
                rows.add(row);
            }
            for (T record; (record = source.poll()) != null; ) {
                byte[] row = encode(record);
                if (row != null) {
                    rows.add(row);
                }
            }
            return rows;
        }

        private static void splitRows(byte[] body, int size, List<byte[]> into) {
            int start = 0;
            for (int i = 0; i < size; i++) {
                if (body[i] == '\n') {
                    into.add(java.util.Arrays.copyOfRange(body, start, i));
                    start = i + 1;
                }
            }
        }

        /**
         * The batch to publish: the open one, with what is queued now written into it until the next row would not
         * fit in {@code maxBytes}; null when there is none. The queue's records are written straight into the batch (a
         * JSON lane's rows, a protobuf lane's group messages); what does not fit is copied out and carried to the next.
         */
        Batch fill(int maxBytes, java.util.function.Supplier<String> id) {
            encodeQueued(maxBytes);
            if (!open) {
                return null;
            }
            open = false;
            openRows = 0;
            return batchRows == 0 ? null : new Batch(id.get(), body.copy(0, body.size()), batchRows, batchFull);
        }

        /**
         * Writes what is queued into the open batch (opening one if needed) until it is full: at every poll of the
         * publisher, not only at the flush, so that a record is garbage while it is young (one kept in the queue until
         * the flush outlived young collections, and each copied it). Nothing while a batch waits to be published: the
         * records then stay in the bounded queue. Publisher thread only.
         */
        void encodeQueued(int maxBytes) {
            if (pending != null) {
                return;
            }
            if (!open) {
                if (source.size() == 0 && carried.isEmpty() && spooled.isEmpty()) {
                    return;
                }
                if (body == null) {
                    body = new JsonRow(Math.min(maxBytes, 64 * 1024));
                    bodyStream = new AppendTo(body);
                }
                body.reset();
                batchRows = 0;
                batchFull = false;
                open = true;
            }
            while (!batchFull) {
                Chunk chunk = next(maxBytes);
                if (chunk != null) {
                    if (body.size() + chunk.bytes().length + separator > maxBytes) {
                        carry(chunk, true);
                        batchFull = true;
                        break;
                    }
                    body.append(chunk.bytes(), 0, chunk.bytes().length);
                    if (separator == 1) {
                        body.append('\n');
                    }
                    batchRows += chunk.rows();
                } else if (writer != null) {
                    T record = source.poll();
                    if (record == null) {
                        break;
                    }
                    writeRow(record, maxBytes);
                } else {
                    if (source.drainTo(group, groupRecords) == 0) {
                        break;
                    }
                    encodingRows = group.size();
                    try {
                        encodeGroup(0, group.size(), maxBytes);
                    } finally {
                        group.clear();
                        encodingRows = 0;
                    }
                }
                openRows = batchRows;
            }
        }

        /** Whether the open batch has no room left: published without waiting for the flush. */
        boolean openBatchFull() {
            return open && batchFull;
        }

        /** The next rows encoded already, no larger than a message: carried first, then the spool's; else null. */
        private Chunk next(int maxBytes) {
            while (true) {
                Chunk chunk = carried.pollFirst();
                if (chunk != null) {
                    carriedRows -= chunk.rows();
                    return chunk;
                }
                byte[] row = spooled.poll();
                if (row == null) {
                    return null;
                }
                if (fits(row.length, maxBytes)) {
                    return new Chunk(row, 1);
                }
            }
        }

        /** A JSON lane's record as a row at the end of the batch, or carried to the next when the batch is full. */
        private void writeRow(T record, int maxBytes) {
            int start = body.size();
            if (!write(record, body)) {
                return;
            }
            if (!fits(body.size() - start, maxBytes)) {
                body.truncate(start);
            } else if (body.size() + 1 > maxBytes) {
                carry(new Chunk(body.copy(start, body.size()), 1), true);
                body.truncate(start);
                batchFull = true;
            } else {
                body.append('\n');
                batchRows++;
            }
        }

        /** {@code record} as a row with its event id, into {@code rows}; false when it could not be written (counted). */
        private boolean write(T record, JsonRow rows) {
            int start = rows.size();
            try {
                writer.write(record, instance, rows.begin());
                rows.string(TelemetryWire.EVENT_ID, instance, ++events).finish();
                return true;
            } catch (RuntimeException e) {
                rows.truncate(start);
                unencodable(e);
                return false;
            }
        }

        /**
         * {@code group[from, to)} as one message into the batch (or {@link #carried} when the batch has no room for it),
         * or in halves when it cannot be one.
         */
        private void encodeGroup(int from, int to, int maxBytes) {
            int size = 0;
            RuntimeException failure = null;
            try {
                size = groupEncoder.prepare(group.subList(from, to));
            } catch (RuntimeException e) {
                failure = e;
            }
            if (to - from == 1) {
                if (failure != null) {
                    unencodable(failure);
                } else if (fits(size, maxBytes)) {
                    encoded(size, 1, maxBytes);
                }
                return;
            }
            if (failure == null && size + separator <= maxBytes) {
                encoded(size, to - from, maxBytes);
                return;
            }
            int middle = (from + to) >>> 1;
            encodeGroup(from, middle, maxBytes);
            encodeGroup(middle, to, maxBytes);
        }

        /**
         * The message {@link #groupEncoder} prepared, of {@code records}: written at the end of the batch when it has
         * room (and nothing is carried, which goes first), else carried; the next group sized by its bytes per record.
         */
        private void encoded(int size, int records, int maxBytes) {
            long perRecord = Math.max(1, size / records);
            groupRecords = (int) Math.max(1, Math.min(GROUP_RECORDS, maxBytes / 2 / perRecord));
            boolean here = !batchFull && carried.isEmpty() && body.size() + size + separator <= maxBytes;
            int start = body.size();
            SizedOutput alone = here ? null : new SizedOutput(size); // carried: once a batch at most
            try {
                groupEncoder.writeTo(here ? bodyStream : alone);
            } catch (java.io.IOException | RuntimeException e) {
                body.truncate(start);
                for (int i = 0; i < records; i++) {
                    unencodable(e);
                }
                return;
            }
            if (here) {
                batchRows += records;
            } else {
                carry(new Chunk(alone.bytes(), records), false);
            }
        }

        private void carry(Chunk chunk, boolean first) {
            if (first) {
                carried.addFirst(chunk);
            } else {
                carried.addLast(chunk);
            }
            carriedRows += chunk.rows();
        }

        /** Whether one row of {@code size} bytes fits in a message; a row that does not is dropped and counted. */
        private boolean fits(int size, int maxBytes) {
            if (size + separator <= maxBytes) {
                return true;
            }
            unpublishable.incrementAndGet();
            LOG.warning(() -> "telemetry: dropped a " + kind() + " row of " + size + " bytes, larger than a message");
            return false;
        }

        /** One record alone as its row (at close, for the spool); null when it could not be encoded (counted). */
        private byte[] encode(T record) {
            if (writer != null) {
                JsonRow row = new JsonRow(1024);
                return write(record, row) ? row.copy(0, row.size()) : null;
            }
            try {
                SizedOutput out = new SizedOutput(groupEncoder.prepare(List.of(record)));
                groupEncoder.writeTo(out);
                return out.bytes();
            } catch (java.io.IOException | RuntimeException e) {
                unencodable(e);
                return null;
            }
        }

        private void unencodable(Exception e) {
            unpublishable.incrementAndGet();
            LOG.log(Level.WARNING, "telemetry: dropped a " + kind() + " row that could not be encoded", e);
        }

        @Override
        public String toString() {
            return wireSubject;
        }
    }

    /** Encoded rows on their way into a batch: the bytes of {@code rows} records. */
    private record Chunk(byte[] bytes, int rows) {
    }

    /** Bytes appended to a batch. */
    private static final class AppendTo extends java.io.OutputStream {
        private final JsonRow body;

        AppendTo(JsonRow body) {
            this.body = body;
        }

        @Override
        public void write(int b) {
            body.append(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            body.append(b, off, len);
        }
    }

    /** For tests: the rows of every lane, whether some are still waiting. */
    boolean idle() {
        return lanes.stream().allMatch(l -> l.queued() == 0);
    }

    static List<String> lines(byte[] body) {
        List<String> out = new ArrayList<>();
        for (String line : new String(body, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                out.add(line);
            }
        }
        return out;
    }
}
