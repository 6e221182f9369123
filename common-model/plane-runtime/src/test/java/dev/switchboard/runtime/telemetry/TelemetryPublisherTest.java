package dev.switchboard.runtime.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.model.telemetry.JsonRow;
import dev.switchboard.model.telemetry.TelemetryWire;
import dev.switchboard.teststack.LocalStack;
import dev.switchboard.teststack.PrivateNats;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher against a real NATS JetStream: the shared one (a stream and subjects of each test's own), and a
 * private one that a test stops and starts again.
 */
class TelemetryPublisherTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** A row the way a plane's encoder writes one. */
    record Row(String id, Instant at, boolean flag, String padding) {
    }

    static void encode(Row row, String instance, JsonRow json) {
        json.string("request_id", row.id()).time("at", "at_ms", row.at()).bool("flag", row.flag())
                .nested("nested", j -> {
                    j.writeStartArray();
                    j.writeString(row.id());
                    j.writeEndArray();
                })
                .string("padding", row.padding());
    }

    private TelemetrySettings settings(String url, String name) {
        return new TelemetrySettings(url, name, "test.telemetry." + name.toLowerCase() + ".", "inst-" + name,
                Duration.ofMillis(50), Duration.ofHours(1), 64L << 20, Duration.ofMillis(500), "telemetry-test");
    }

    private TelemetryPublisher started(TelemetryPublisher p) {
        closing.add(p);
        return p.start();
    }

    private Connection connect(String url) throws Exception {
        Connection c = Nats.connect(url);
        closing.add(c);
        return c;
    }

    private static String uniqueName() {
        return "T_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase();
    }

    private static List<MessageInfo> messages(JetStreamManagement jsm, String stream) throws Exception {
        List<MessageInfo> out = new ArrayList<>();
        long last = jsm.getStreamInfo(stream).getStreamState().getLastSequence();
        for (long seq = 1; seq <= last; seq++) {
            out.add(jsm.getMessage(stream, seq));
        }
        return out;
    }

    private static List<JsonNode> rows(List<MessageInfo> messages) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (MessageInfo m : messages) {
            for (String line : TelemetryPublisher.lines(m.getData())) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private void deleteStreamAfter(Connection c, String stream) {
        closing.add(() -> {
            try {
                c.jetStreamManagement().deleteStream(stream);
            } catch (JetStreamApiException e) {
                // not made
            }
        });
    }

    @Test
    void rowsArriveOnTheSubjectAsJsonEachRowWithAUniqueMessageId() throws Exception {
        String url = LocalStack.get().natsUrl();
        String name = uniqueName();
        Connection c = connect(url);
        deleteStreamAfter(c, name);
        RowQueue<Row> queue = new RowQueue<>(100);
        TelemetrySettings settings = settings(url, name);
        TelemetryPublisher publisher = started(TelemetryPublisher.create(settings,
                List.of(TelemetryPublisher.lane(TelemetryWire.REQUEST_LOGS, queue, TelemetryPublisherTest::encode))));
        Instant at = Instant.parse("2026-11-25T10:15:30.123Z");
        for (int i = 0; i < 5; i++) {
            assertTrue(queue.offer(new Row("req-" + i, at, i % 2 == 0, "x")));
        }
        TelemetryPublisher.Lane<?> lane = publisher.lanes().get(0);
        await(() -> lane.published() == 5, "5 rows published");
        for (int i = 5; i < 8; i++) {
            queue.offer(new Row("req-" + i, at, false, "y"));
        }
        await(() -> lane.published() == 8, "8 rows published");

        JetStreamManagement jsm = c.jetStreamManagement();
        StreamInfo info = jsm.getStreamInfo(name);
        StreamConfiguration config = info.getConfiguration();
        assertEquals(List.of(settings.subjectPrefix() + ">"), config.getSubjects());
        assertEquals(Duration.ofHours(1), config.getMaxAge());
        assertEquals(Duration.ofMinutes(2), config.getDuplicateWindow());
        List<MessageInfo> messages = messages(jsm, name);
        assertTrue(messages.size() >= 2, "two flushes, two messages at least: " + messages.size());
        Set<String> ids = new HashSet<>();
        for (MessageInfo m : messages) {
            assertEquals(settings.subjectPrefix() + "request_logs", m.getSubject());
            String id = m.getHeaders().getFirst("Nats-Msg-Id");
            assertTrue(id.matches("inst-" + name + "-[0-9a-z]+-\\d+"), id);
            assertTrue(ids.add(id), "unique: " + id);
            String body = new String(m.getData(), StandardCharsets.UTF_8);
            assertTrue(body.endsWith("\n"), "each row ends with a newline");
        }
        List<JsonNode> rows = rows(messages);
        assertEquals(8, rows.size());
        for (int i = 0; i < 8; i++) {
            JsonNode row = rows.get(i);
            assertEquals("req-" + i, row.path("request_id").asText());
            assertEquals("2026-11-25 10:15:30", row.path("at").asText());
            assertEquals(at.toEpochMilli(), row.path("at_ms").asLong());
            assertEquals(i < 5 && i % 2 == 0 ? 1 : 0, row.path("flag").asInt());
            assertTrue(row.path("flag").isInt());
            assertEquals("[\"req-" + i + "\"]", row.path("nested").asText(), "nested things are JSON text");
            assertEquals(settings.instance() + "-" + (i + 1), row.path(TelemetryWire.EVENT_ID).asText(),
                    "the event id, last, given once per row");
            assertEquals(TelemetryWire.EVENT_ID, lastField(row));
        }
        assertEquals(0, lane.dropped());
        assertEquals(0, lane.queued());
    }

    private static String lastField(JsonNode row) {
        List<String> names = new ArrayList<>();
        row.fieldNames().forEachRemaining(names::add);
        return names.get(names.size() - 1);
    }

    @Test
    void aJsonLaneWritesRowsIntoTheBatchAndCarriesTheOneThatDoesNotFitToTheNext() throws Exception {
        RowQueue<Row> queue = new RowQueue<>(1000);
        TelemetryPublisher.Lane<Row> lane = TelemetryPublisher.lane(TelemetryWire.REQUEST_LOGS, queue,
                (Row r, String instance, JsonRow row) -> {
                    if (r.id().equals("bad")) {
                        row.string("half", "written");
                        throw new IllegalStateException("cannot");
                    }
                    encode(r, instance, row);
                });
        TelemetryPublisher.create(settings("nats://127.0.0.1:1", "FILL"), List.of(lane)); // gives the lane its instance
        List<String> kept = new ArrayList<>();
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 200; i++) {
            // one row that cannot be written, one larger than a message
            String id = i == 70 ? "bad" : "r" + i;
            String padding = i == 100 ? "x".repeat(400) : "p".repeat(random.nextInt(120));
            assertTrue(queue.offer(new Row(id, Instant.parse("2026-12-07T14:00:00Z"), false, padding)));
            if (i != 70 && i != 100) {
                kept.add(id);
            }
        }
        int maxBytes = 400;
        List<JsonNode> published = new ArrayList<>();
        int batches = 0;
        for (TelemetryPublisher.Batch batch; (batch = lane.fill(maxBytes, () -> "id")) != null; batches++) {
            assertTrue(batch.body().length <= maxBytes, "a batch within the message size: " + batch.body().length);
            List<String> lines = TelemetryPublisher.lines(batch.body());
            assertEquals(batch.rows(), lines.size());
            for (String line : lines) {
                published.add(JSON.readTree(line));
            }
        }
        assertEquals(kept, published.stream().map(r -> r.path("request_id").asText()).toList(),
                "every row but the two at fault, once each, in order");
        assertTrue(batches > 20, "many batches: " + batches);
        long last = 0;
        for (JsonNode row : published) {
            String id = row.path(TelemetryWire.EVENT_ID).asText();
            assertTrue(id.startsWith("inst-FILL-"), id);
            long n = Long.parseLong(id.substring("inst-FILL-".length()));
            assertTrue(n > last, "each row its own id, rising: " + id);
            last = n;
        }
        assertEquals(2, lane.dropped(), "the two at fault dropped and counted");
        assertEquals(0, lane.queued());
    }

    /** A group encoder of messages made as arrays. */
    static <T> TelemetryPublisher.GroupEncoder<T> bytesOf(java.util.function.Function<List<? extends T>, byte[]> encode) {
        return new TelemetryPublisher.GroupEncoder<>() {
            private byte[] prepared;

            @Override
            public int prepare(List<? extends T> records) {
                prepared = encode.apply(List.copyOf(records));
                return prepared.length;
            }

            @Override
            public void writeTo(java.io.OutputStream out) throws java.io.IOException {
                out.write(prepared);
            }
        };
    }

    @Test
    void aProtobufLaneEncodesGroupsOfRecordsAndHalvesAGroupThatCannotBeOne() {
        RowQueue<String> queue = new RowQueue<>(1000);
        List<Integer> groups = new ArrayList<>();
        TelemetryPublisher.Lane<String> lane = TelemetryPublisher.protobufLane(TelemetryWire.SPANS, queue,
                bytesOf((List<? extends String> records) -> {
                    groups.add(records.size());
                    if (records.contains("bad")) {
                        throw new IllegalStateException("cannot encode");
                    }
                    return (String.join(",", records) + ";").getBytes(StandardCharsets.UTF_8);
                }));
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            // one record that cannot be encoded, one whose message alone is larger than a message may be
            String record = i == 70 ? "bad" : i == 100 ? "x".repeat(300) : "r" + i;
            assertTrue(queue.offer(record));
            if (record.startsWith("r")) {
                kept.add(record);
            }
        }
        int maxBytes = 200;
        List<String> published = new ArrayList<>();
        long rows = 0;
        for (TelemetryPublisher.Batch batch; (batch = lane.fill(maxBytes, () -> "id")) != null; ) {
            assertTrue(batch.body().length <= maxBytes, "a batch within the message size: " + batch.body().length);
            rows += batch.rows();
            for (String message : new String(batch.body(), StandardCharsets.UTF_8).split(";")) {
                published.addAll(List.of(message.split(",")));
            }
        }
        assertEquals(kept, published, "every record but the two at fault, once each, in order");
        assertEquals(kept.size(), rows, "rows count records, not messages");
        assertEquals(2, lane.dropped(), "the two at fault dropped and counted");
        assertEquals(0, lane.queued());
        assertEquals(TelemetryPublisher.GROUP_RECORDS, (int) groups.get(0), "the queue's records taken a group at a time");
        assertTrue(groups.stream().allMatch(n -> n <= TelemetryPublisher.GROUP_RECORDS), groups.toString());
    }

    @Test
    void twoPublishersOfOneInstanceOnOneStreamLoseNoMessageAsADuplicate() throws Exception {
        // a plane runs one publisher for request logs and one for spans, same instance, same stream: JetStream drops
        // a message whose Nats-Msg-Id it saw in the last two minutes, so the two must never make the same id
        String url = LocalStack.get().natsUrl();
        String name = uniqueName();
        Connection c = connect(url);
        deleteStreamAfter(c, name);
        TelemetrySettings settings = settings(url, name);
        RowQueue<Row> logs = new RowQueue<>(100);
        RowQueue<Row> spans = new RowQueue<>(100);
        TelemetryPublisher first = started(TelemetryPublisher.create(settings,
                List.of(TelemetryPublisher.lane(TelemetryWire.REQUEST_LOGS, logs, TelemetryPublisherTest::encode))));
        TelemetryPublisher second = started(TelemetryPublisher.create(settings,
                List.of(TelemetryPublisher.lane(TelemetryWire.SPANS, spans, TelemetryPublisherTest::encode))));
        Instant at = Instant.parse("2026-12-07T06:00:00Z");
        for (int i = 0; i < 3; i++) {
            logs.offer(new Row("log-" + i, at, false, "x"));
            await(() -> first.lanes().get(0).queued() == 0, "the log row published");
            spans.offer(new Row("span-" + i, at, false, "x"));
            await(() -> second.lanes().get(0).queued() == 0, "the span row published");
        }

        List<MessageInfo> messages = messages(c.jetStreamManagement(), name);
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> assertTrue(ids.add(m.getHeaders().getFirst("Nats-Msg-Id")), "unique ids"));
        assertEquals(6, rows(messages).size(), "every row of both publishers is in the stream");
    }

    @Test
    void anExistingStreamIsLeftAsItIs() throws Exception {
        String url = LocalStack.get().natsUrl();
        String name = uniqueName();
        Connection c = connect(url);
        deleteStreamAfter(c, name);
        TelemetrySettings settings = settings(url, name);
        c.jetStreamManagement().addStream(StreamConfiguration.builder().name(name)
                .subjects(settings.subjectPrefix() + ">").maxAge(Duration.ofMinutes(5)).build());
        RowQueue<Row> queue = new RowQueue<>(10);
        TelemetryPublisher publisher = started(TelemetryPublisher.create(settings,
                List.of(TelemetryPublisher.lane(TelemetryWire.TOOL_CALLS, queue, TelemetryPublisherTest::encode))));
        queue.offer(new Row("a", Instant.now(), true, ""));
        await(() -> publisher.lanes().get(0).published() == 1, "published into the stream that was there");
        assertEquals(Duration.ofMinutes(5), c.jetStreamManagement().getStreamInfo(name).getConfiguration().getMaxAge());
        assertEquals(settings.subjectPrefix() + "tool_calls", messages(c.jetStreamManagement(), name).get(0).getSubject());
    }

    @Test
    void aBatchLargerThanTheLimitIsSplit() throws Exception {
        String url = LocalStack.get().natsUrl();
        String name = uniqueName();
        Connection c = connect(url);
        deleteStreamAfter(c, name);
        RowQueue<Row> queue = new RowQueue<>(2000);
        String padding = "p".repeat(1000);
        int count = 1200; // about 1.2 MB: three messages at least
        for (int i = 0; i < count; i++) {
            queue.offer(new Row("r" + i, Instant.now(), false, padding));
        }
        TelemetryPublisher publisher = started(TelemetryPublisher.create(settings(url, name),
                List.of(TelemetryPublisher.lane(TelemetryWire.REQUEST_LOGS, queue, TelemetryPublisherTest::encode))));
        await(() -> publisher.lanes().get(0).published() == count, "all rows published");
        List<MessageInfo> messages = messages(c.jetStreamManagement(), name);
        assertTrue(messages.size() >= 3, "split into " + messages.size());
        for (MessageInfo m : messages) {
            assertTrue(m.getData().length <= TelemetryWire.MAX_BATCH_BYTES, "at most the limit: " + m.getData().length);
        }
        List<JsonNode> rows = rows(messages);
        assertEquals(count, rows.size());
        for (int i = 0; i < count; i++) {
            assertEquals("r" + i, rows.get(i).path("request_id").asText(), "in order, none lost");
        }
    }

    @Test
    void whileNatsIsDownRowsStayQueuedUpToTheBoundAndArriveWhenItIsBack() throws Exception {
        assumeTrue(PrivateNats.installed(), "needs " + PrivateNats.BINARY);
        PrivateNats nats = new PrivateNats();
        closing.add(nats);
        String name = uniqueName();
        RowQueue<Row> queue = new RowQueue<>(10);
        TelemetryPublisher publisher = started(TelemetryPublisher.create(settings(nats.url(), name),
                List.of(TelemetryPublisher.lane(TelemetryWire.REQUEST_LOGS, queue, TelemetryPublisherTest::encode))));
        TelemetryPublisher.Lane<?> lane = publisher.lanes().get(0);
        // no server yet: the rows wait; past the bound they are dropped and counted, the offer returns at once
        for (int i = 0; i < 15; i++) {
            queue.offer(new Row("down-" + i, Instant.now(), false, ""));
        }
        assertEquals(5, lane.dropped());
        await(() -> lane.failedPublishes() >= 2, "the outage counted as failed publishes while it lasts");
        assertFalse(publisher.connected());
        assertEquals(10, lane.queued());
        assertEquals(0, lane.published());

        nats.start();
        await(() -> lane.published() == 10, "the queued rows published once NATS is there");
        assertTrue(publisher.connected());
        long failedAfterFirstOutage = lane.failedPublishes();
        Connection c = connect(nats.url());
        List<JsonNode> rows = rows(messages(c.jetStreamManagement(), name));
        assertEquals(10, rows.size());
        assertEquals("down-0", rows.get(0).path("request_id").asText());
        assertEquals("down-9", rows.get(9).path("request_id").asText());

        // NATS goes away after the connection was made: jnats reconnects, the publisher keeps the rows meanwhile
        nats.stop();
        for (int i = 0; i < 4; i++) {
            queue.offer(new Row("again-" + i, Instant.now(), false, ""));
        }
        await(() -> lane.failedPublishes() > failedAfterFirstOutage, "the second outage counted too");
        assertEquals(10, lane.published());
        nats.start();
        await(() -> lane.published() == 14, "published after NATS came back");
        Connection c2 = connect(nats.url());
        List<JsonNode> after = rows(messages(c2.jetStreamManagement(), name));
        assertEquals(14, after.size(), "each row once (the duplicate window drops a retried batch)");
        assertEquals("again-3", after.get(13).path("request_id").asText());
        assertEquals(5, lane.dropped());
    }

    @Test
    void aStopWhileNatsIsAwaySaysAtWarnHowManyRowsItDrops() throws Exception {
        assumeTrue(PrivateNats.installed(), "needs " + PrivateNats.BINARY);
        PrivateNats nats = new PrivateNats(); // never started: nothing listens on its port
        closing.add(nats);
        List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(TelemetryPublisher.class.getName());
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        closing.add(() -> logger.removeHandler(handler));
        RowQueue<Row> logs = new RowQueue<>(100);
        RowQueue<Row> calls = new RowQueue<>(100);
        TelemetryPublisher publisher = TelemetryPublisher.create(settings(nats.url(), uniqueName()), List.of(
                TelemetryPublisher.lane(TelemetryWire.REQUEST_LOGS, logs, TelemetryPublisherTest::encode),
                TelemetryPublisher.lane(TelemetryWire.TOOL_CALLS, calls, TelemetryPublisherTest::encode))).start();
        for (int i = 0; i < 7; i++) {
            logs.offer(new Row("r" + i, Instant.now(), false, ""));
        }
        calls.offer(new Row("c", Instant.now(), false, ""));
        publisher.close();
        List<String> warnings = records.stream().filter(r -> r.getLevel() == java.util.logging.Level.WARNING)
                .map(r -> r.getMessage()).toList();
        assertTrue(warnings.stream().anyMatch(m -> m.contains("stopped with rows not published to NATS at "
                + nats.url() + " (7 request_logs, 1 tool_calls): they are lost")), warnings.toString());
    }

    @Test
    void rowsAStopKeepsInTheSpoolArePublishedAtTheNextStart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assumeTrue(PrivateNats.installed(), "needs " + PrivateNats.BINARY);
        PrivateNats nats = new PrivateNats(); // not started yet: NATS is away for the first publisher
        closing.add(nats);
        String name = uniqueName();
        TelemetrySpool spool = new TelemetrySpool(dir, 1 << 20);
        RowQueue<Row> queue = new RowQueue<>(100);
        TelemetryPublisher first = TelemetryPublisher.create(settings(nats.url(), name),
                List.of(TelemetryPublisher.lane(TelemetryWire.REQUEST_LOGS, queue, TelemetryPublisherTest::encode)))
                .spool(spool).start();
        for (int i = 0; i < 7; i++) {
            queue.offer(new Row("kept-" + i, Instant.now(), false, ""));
        }
        await(() -> first.lanes().get(0).failedPublishes() > 0, "a try that found NATS away");
        first.close();
        assertEquals(0, first.lanes().get(0).queued());

        nats.start();
        RowQueue<Row> next = new RowQueue<>(100);
        next.offer(new Row("new-0", Instant.now(), false, ""));
        TelemetryPublisher second = started(TelemetryPublisher.create(settings(nats.url(), name),
                List.of(TelemetryPublisher.lane(TelemetryWire.REQUEST_LOGS, next, TelemetryPublisherTest::encode)))
                .spool(spool));
        await(() -> second.lanes().get(0).published() == 8, "the spooled rows and the new one published");
        List<JsonNode> rows = rows(messages(connect(nats.url()).jetStreamManagement(), name));
        List<String> ids = rows.stream().map(r -> r.path("request_id").asText()).toList();
        assertEquals(List.of("kept-0", "kept-1", "kept-2", "kept-3", "kept-4", "kept-5", "kept-6", "new-0"), ids,
                "the spool first, in order");
        try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(dir)) {
            assertEquals(0, left.count(), "the spool is empty once read");
        }
    }

    @Test
    void aFullQueueDropsAndCountsAndNeverBlocks() {
        RowQueue<Row> queue = new RowQueue<>(3);
        for (int i = 0; i < 3; i++) {
            assertTrue(queue.offer(new Row("k" + i, Instant.now(), false, "")));
        }
        assertFalse(queue.hasRoom());
        for (int i = 0; i < 1000; i++) {
            assertFalse(queue.offer(new Row("d" + i, Instant.now(), false, "")));
        }
        assertEquals(1000, queue.dropped());
        assertEquals(3, queue.size());
        assertEquals("k0", queue.poll().id());
    }

    @Test
    void aRowThatCannotBeEncodedIsDroppedAndCounted() throws Exception {
        String url = LocalStack.get().natsUrl();
        String name = uniqueName();
        Connection c = connect(url);
        deleteStreamAfter(c, name);
        RowQueue<Row> queue = new RowQueue<>(10);
        TelemetryPublisher publisher = started(TelemetryPublisher.create(settings(url, name),
                List.of(TelemetryPublisher.lane(TelemetryWire.REQUEST_LOGS, queue, (Row r, String instance, JsonRow row) -> {
                    if (r.id().equals("bad")) {
                        row.string("half", "written");
                        throw new IllegalStateException("cannot");
                    }
                    encode(r, instance, row);
                }))));
        queue.offer(new Row("good", Instant.now(), false, ""));
        queue.offer(new Row("bad", Instant.now(), false, ""));
        queue.offer(new Row("good2", Instant.now(), false, ""));
        TelemetryPublisher.Lane<?> lane = publisher.lanes().get(0);
        await(() -> lane.published() == 2, "the good rows published");
        assertEquals(1, lane.dropped());
        List<JsonNode> rows = rows(messages(c.jetStreamManagement(), name));
        assertEquals(List.of("good", "good2"), rows.stream().map(r -> r.path("request_id").asText()).toList(),
                "nothing of the row that failed half-way");
    }

    @Test
    void settingsDefaults() {
        TelemetrySettings s = TelemetrySettings.defaults("nats://x:4222", "c");
        assertEquals(TelemetryWire.STREAM, s.stream());
        assertEquals(TelemetryWire.SUBJECT_PREFIX, s.subjectPrefix());
        assertEquals(TelemetryWire.REQUEST_LOGS, s.subject(TelemetryWire.REQUEST_LOGS));
        assertEquals(Duration.ofDays(7), s.maxAge());
        assertEquals(1L << 30, s.maxBytes());
        assertEquals(Duration.ofMillis(250), s.flushInterval());
        assertTrue(s.instance().matches("[a-z0-9._-]+-[a-z0-9]+"), s.instance());
        assertTrue(TelemetrySettings.enabled(java.util.Optional.empty(), java.util.Optional.of("nats://x")));
        assertFalse(TelemetrySettings.enabled(java.util.Optional.empty(), java.util.Optional.empty()));
        assertFalse(TelemetrySettings.enabled(java.util.Optional.of(true), java.util.Optional.of(" ")));
        assertFalse(TelemetrySettings.enabled(java.util.Optional.of(false), java.util.Optional.of("nats://x")));
        assertEquals("2026-01-02 03:04:05", JsonRow.dateTime(Instant.parse("2026-01-02T03:04:05.999Z")));
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(20);
        }
    }
}
