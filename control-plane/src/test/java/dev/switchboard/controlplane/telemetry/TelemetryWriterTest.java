package dev.switchboard.controlplane.telemetry;

import static dev.switchboard.controlplane.telemetry.Telemetry.await;
import static dev.switchboard.controlplane.telemetry.Telemetry.body;
import static dev.switchboard.controlplane.telemetry.Telemetry.countQuietly;
import static dev.switchboard.controlplane.telemetry.Telemetry.publish;
import static dev.switchboard.controlplane.telemetry.Telemetry.requestLog;
import static dev.switchboard.controlplane.telemetry.Telemetry.subject;
import static dev.switchboard.controlplane.telemetry.Telemetry.toolCall;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ClickHouseHttp;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.model.telemetry.JsonRow;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.model.telemetry.RequestLogRows;
import dev.switchboard.model.telemetry.TelemetryWire;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamInfo;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Telemetry from JetStream into the real ClickHouse 18.16, through the control plane's writer. */
@QuarkusTest
@QuarkusTestResource(value = ControlPlaneTestStack.class, restrictToAnnotatedClass = false)
class TelemetryWriterTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static Connection nc;

    @Inject
    TelemetryWriter writer;

    @BeforeAll
    static void connect() throws Exception {
        nc = Nats.connect(ControlPlaneTestStack.natsUrl);
        Telemetry.ensureStream(nc);
        Telemetry.awaitTables();
    }

    @AfterAll
    static void close() throws Exception {
        nc.close();
        String log = Files.readString(ControlPlaneTestStack.logFile);
        assertFalse(log.contains(Telemetry.ROW_SECRET), "a row's contents reached the log");
        assertFalse(log.contains("not a time"), "a poison row's contents reached the log");
    }

    @Test
    void theTablesHaveExactlyTheContractsColumns() throws Exception {
        assertEquals(TelemetryWire.REQUEST_LOG_COLUMNS, columns(TelemetryKind.REQUEST_LOGS));
        assertEquals(TelemetryWire.TOOL_CALL_COLUMNS, columns(TelemetryKind.TOOL_CALLS));
    }

    private static List<String> columns(TelemetryKind kind) throws Exception {
        return Arrays.stream(ClickHouseHttp.run("DESCRIBE TABLE " + Telemetry.table(kind)).split("\n"))
                .filter(l -> !l.isBlank()).map(l -> l.split("\t")[0]).toList();
    }

    @Test
    void theStreamHasThePublishersLimits() throws Exception {
        StreamInfo info = nc.jetStreamManagement().getStreamInfo(ControlPlaneTestStack.telemetryStream);
        assertEquals(List.of(ControlPlaneTestStack.telemetryPrefix + ">"), info.getConfiguration().getSubjects());
        assertEquals(Duration.ofDays(7), info.getConfiguration().getMaxAge());
        assertEquals(1L << 30, info.getConfiguration().getMaxBytes());
        assertEquals(Duration.ofMinutes(2), info.getConfiguration().getDuplicateWindow());
    }

    @Test
    void batchesOfBothKindsAreWritten() throws Exception {
        String run = "w-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        publish(nc, subject(TelemetryKind.REQUEST_LOGS), run + "-1", body(List.of(
                requestLog(run + "-a", "alice", "chat", now, 200),
                requestLog(run + "-b", "alice", "chat", now.plusMillis(5), 200),
                requestLog(run + "-c", "bob", "spare", now.plusMillis(9), 429))));
        publish(nc, subject(TelemetryKind.TOOL_CALLS), run + "-2", body(List.of(
                toolCall(run + "-d", "alice", "files", "read", "ok", now),
                toolCall(run + "-e", "alice", "files", "write", "error", now))));
        String mine = "request_id LIKE '" + run + "-%'";
        await("3 request logs", WAIT, () -> countQuietly(TelemetryKind.REQUEST_LOGS, mine) == 3);
        await("2 tool calls", WAIT, () -> countQuietly(TelemetryKind.TOOL_CALLS, mine) == 2);
        String row = ClickHouseHttp.run("SELECT started_at, started_at_ms, stream, status, attempts FROM "
                + Telemetry.table(TelemetryKind.REQUEST_LOGS) + " WHERE request_id = '" + run + "-c' FORMAT JSONEachRow");
        JsonNode r = Admin.json(row);
        assertEquals(Telemetry.CH_TIME.format(now.plusMillis(9)), r.get("started_at").asText()); // may be the next second
        assertEquals(now.toEpochMilli() + 9, r.get("started_at_ms").asLong());
        assertEquals(429, r.get("status").asInt());
        assertTrue(r.get("attempts").asText().contains("acct/spare"));
    }

    @Test
    void payloadsGoThroughNatsIntoClickHouseAndBackThroughTheAdminApi() throws Exception {
        String run = "p-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        var logged = requestLog(run + "-a", run, "chat", now, 200);
        logged.put("prompt", "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi ****\"}]}");
        logged.put("prompt_truncated", 0);
        logged.put("completion", "Grüße, [REDACTED:email]");
        logged.put("completion_truncated", 1);
        var cut = requestLog(run + "-b", run, "chat", now.plusMillis(1), 200);
        cut.put("prompt", "{\"model\":\"chat\",\"mess");
        cut.put("prompt_truncated", 1);
        cut.put("completion", "");
        cut.put("completion_truncated", 0);
        publish(nc, subject(TelemetryKind.REQUEST_LOGS), run + "-1", body(List.of(logged, cut,
                requestLog(run + "-c", run, "chat", now.plusMillis(2), 200))));
        await("3 request logs", WAIT, () -> countQuietly(TelemetryKind.REQUEST_LOGS, "subject = '" + run + "'") == 3);

        JsonNode items = Admin.json(Admin.admin().queryParam("subject", run).get("/admin/v1/request-logs")).get("items");

        JsonNode plain = items.get(0);
        assertEquals(run + "-c", plain.get("request_id").asText());
        for (String field : List.of("prompt", "prompt_truncated", "completion", "completion_truncated")) {
            assertFalse(plain.has(field), "no payloads logged: no " + field);
        }
        JsonNode truncated = items.get(1);
        assertEquals("{\"model\":\"chat\",\"mess", truncated.get("prompt").asText(), "cut JSON stays a string");
        assertTrue(truncated.get("prompt_truncated").asBoolean());
        assertEquals("", truncated.get("completion").asText());
        JsonNode full = items.get(2);
        assertEquals("hi ****", full.at("/prompt/messages/0/content").asText(), "the prompt as JSON");
        assertFalse(full.get("prompt_truncated").asBoolean());
        assertEquals("Grüße, [REDACTED:email]", full.get("completion").asText());
        assertTrue(full.get("completion_truncated").asBoolean());
    }

    @Test
    void aBatchPublishedTwiceIsStoredOnce() throws Exception {
        String run = "d-" + UUID.randomUUID();
        byte[] batch = body(List.of(requestLog(run + "-a", "carol", "chat", Instant.now(), 200)));
        PublishAck first = publish(nc, subject(TelemetryKind.REQUEST_LOGS), run + "-1", batch);
        PublishAck again = publish(nc, subject(TelemetryKind.REQUEST_LOGS), run + "-1", batch);
        assertFalse(first.isDuplicate());
        assertTrue(again.isDuplicate());
        // a later message written means the earlier ones were handled
        publish(nc, subject(TelemetryKind.REQUEST_LOGS), run + "-2",
                body(List.of(requestLog(run + "-marker", "carol", "chat", Instant.now(), 200))));
        await("the marker", WAIT, () -> countQuietly(TelemetryKind.REQUEST_LOGS, "request_id = '" + run + "-marker'") == 1);
        assertEquals(1, Telemetry.count(TelemetryKind.REQUEST_LOGS, "request_id = '" + run + "-a'"));
    }

    @Test
    void whileClickHouseIsAwayMessagesWaitAndAreWrittenWhenItIsBack() throws Exception {
        String run = "o-" + UUID.randomUUID();
        String outageLine = "messages stay in the stream";
        long linesBefore = countLines(outageLine);
        ControlPlaneTestStack.clickhouseProxy.down();
        try {
            for (int i = 0; i < 3; i++) {
                publish(nc, subject(TelemetryKind.TOOL_CALLS), run + "-" + i,
                        body(List.of(toolCall(run + "-" + i, "dave", "files", "read", "ok", Instant.now()))));
            }
            await("the writer to notice", WAIT, () -> !writer.status().clickhouseReachable());
            Thread.sleep(1_500); // several retry rounds (200 ms apart in the tests)
            assertEquals(0, Telemetry.count(TelemetryKind.TOOL_CALLS, "request_id LIKE '" + run + "-%'"));
            ConsumerInfo consumer = nc.jetStreamManagement().getConsumerInfo(ControlPlaneTestStack.telemetryStream,
                    "writer-" + ControlPlaneTestStack.runId);
            assertTrue(consumer.getNumPending() + consumer.getNumAckPending() >= 3, consumer.toString());
            // readiness stays up and says why it lags; the admin API still works
            JsonNode ready = Admin.json(given().get("/q/health/ready").then().statusCode(200).extract().asString());
            JsonNode check = check(ready, "telemetry-writer");
            assertEquals("UP", check.get("status").asText());
            assertFalse(check.path("data").path("clickhouse_reachable").asBoolean(true));
            assertTrue(check.path("data").path("lagging").asBoolean(false));
            Admin.get("/admin/v1/users").then().statusCode(200);
            assertEquals(1, countLines(outageLine) - linesBefore, "one log line per outage");
        } finally {
            ControlPlaneTestStack.clickhouseProxy.up();
        }
        await("the 3 tool calls after the outage", WAIT,
                () -> countQuietly(TelemetryKind.TOOL_CALLS, "request_id LIKE '" + run + "-%'") == 3);
        await("the writer to see ClickHouse back", WAIT, () -> writer.status().clickhouseReachable());
    }

    @Test
    void aPoisonMessageIsTerminatedAndTheNextOnesAreStillWritten() throws Exception {
        String run = "p-" + UUID.randomUUID();
        long terminatedBefore = writer.status().terminated();
        publish(nc, subject(TelemetryKind.REQUEST_LOGS), run + "-poison", ("{\"request_id\":\"" + run
                + "-bad\",\"started_at\":\"not a time\"}\n").getBytes());
        for (int i = 0; i < 3; i++) {
            publish(nc, subject(TelemetryKind.REQUEST_LOGS), run + "-" + i,
                    body(List.of(requestLog(run + "-" + i, "erin", "chat", Instant.now(), 200))));
        }
        await("the good messages", WAIT,
                () -> countQuietly(TelemetryKind.REQUEST_LOGS, "request_id LIKE '" + run + "-%'") == 3);
        await("the poison message to be terminated", WAIT, () -> writer.status().terminated() == terminatedBefore + 1);
        assertEquals(0, Telemetry.count(TelemetryKind.REQUEST_LOGS, "request_id = '" + run + "-bad'"));
        String log = Files.readString(ControlPlaneTestStack.logFile);
        assertTrue(log.contains("after " + ControlPlaneTestStack.MAX_DELIVERIES + " deliveries: ClickHouse refused"),
                "the termination is logged");
    }

    @Test
    void aDroppedTableIsCreatedAgainAndNothingIsLost() throws Exception {
        String run = "t-" + UUID.randomUUID();
        long terminatedBefore = writer.status().terminated();
        ClickHouseHttp.run("DROP TABLE " + Telemetry.table(TelemetryKind.TOOL_CALLS));
        for (int i = 0; i < 2 * ControlPlaneTestStack.MAX_DELIVERIES; i++) {
            publish(nc, subject(TelemetryKind.TOOL_CALLS), run + "-" + i,
                    body(List.of(toolCall(run + "-" + i, "fred", "files", "read", "ok", Instant.now()))));
        }
        await("the tool calls in the re-created table", WAIT, () -> countQuietly(TelemetryKind.TOOL_CALLS,
                "request_id LIKE '" + run + "-%'") == 2L * ControlPlaneTestStack.MAX_DELIVERIES);
        assertEquals(terminatedBefore, writer.status().terminated(), "a missing table is not a poison message");
    }

    @Test
    void oneBadRowInABatchCostsOnlyItself() throws Exception {
        String run = "r-" + UUID.randomUUID();
        long terminatedBefore = writer.status().terminated();
        long droppedBefore = writer.status().droppedRows();
        var good1 = requestLog(run + "-1", "hank", "chat", Instant.now(), 200);
        good1.putNull("endpoint"); // null where the publishers may write it
        good1.putNull("resolved_model");
        good1.putNull("credential");
        var bad = requestLog(run + "-bad", "hank", "chat", Instant.now(), 200);
        bad.putNull("subject"); // a sort-key column: 18.16 refuses null there
        var good2 = requestLog(run + "-2", "hank", "chat", Instant.now(), 200);
        publish(nc, subject(TelemetryKind.REQUEST_LOGS), run, body(List.of(good1, bad, good2)));
        await("the two good rows", WAIT,
                () -> countQuietly(TelemetryKind.REQUEST_LOGS, "request_id LIKE '" + run + "-%'") == 2);
        await("the bad row to be counted", WAIT, () -> writer.status().droppedRows() == droppedBefore + 1);
        assertEquals(terminatedBefore, writer.status().terminated());
        assertEquals(0, Telemetry.count(TelemetryKind.REQUEST_LOGS, "request_id = '" + run + "-bad'"));
    }

    @Test
    void aRowWithAColumnTheTableLacksIsStoredWithoutIt() throws Exception {
        // a plane newer than this control plane: its rows carry a column a later schema adds
        String run = "n-" + UUID.randomUUID();
        long droppedBefore = writer.status().droppedRows();
        var newer = requestLog(run + "-1", "ivan", "chat", Instant.now(), 200);
        newer.put("a_column_of_a_later_schema", "{\"x\":1}");
        publish(nc, subject(TelemetryKind.REQUEST_LOGS), run, body(List.of(newer,
                requestLog(run + "-2", "ivan", "chat", Instant.now(), 200))));
        await("both rows", WAIT, () -> countQuietly(TelemetryKind.REQUEST_LOGS, "request_id LIKE '" + run + "-%'") == 2);
        assertEquals(droppedBefore, writer.status().droppedRows());
    }

    @Test
    void aRowLeavingOutColumnsAtTheirDefaultsIsStoredWithThemAndReadsBackAsWritten() throws Exception {
        // as a gateway writes it: no team, credential, resolved model, error, metadata, limits, payloads or trace
        String run = "d-" + UUID.randomUUID();
        RequestLog log = new RequestLog(run, Instant.now().truncatedTo(ChronoUnit.MILLIS), "user:judy", "", null,
                "/v1/embeddings", "emb", null, false, 200, null, 12.5, -1, 7, -1, -1, 0.25,
                List.of(new RequestLog.Attempt("acct/emb", 200, 11.75, null, 0, 0)), List.of(), Map.of(), List.of(),
                null, null, null, -1);
        JsonRow row = new JsonRow(1024);
        RequestLogRows.write(log, "gw-defaults", row.begin(), true);
        row.string(TelemetryWire.EVENT_ID, "gw-defaults", 1).finish();
        byte[] body = row.copy(0, row.size());
        for (String leftOut : List.of("\"team\"", "\"credential\"", "\"resolved_model\"", "\"stream\"",
                "\"error_code\"", "\"metadata_keys\"", "\"limit_keys\"", "\"limit_rule\"", "\"prompt\"",
                "\"completion_truncated\"", "\"trace\"")) {
            assertFalse(new String(body, java.nio.charset.StandardCharsets.UTF_8).contains(leftOut + ":"), leftOut);
        }
        publish(nc, subject(TelemetryKind.REQUEST_LOGS), run, body);
        await("the row", WAIT, () -> countQuietly(TelemetryKind.REQUEST_LOGS, "request_id = '" + run + "'") == 1);

        JsonNode stored = Admin.json(ClickHouseHttp.run("SELECT * FROM " + Telemetry.table(TelemetryKind.REQUEST_LOGS)
                + " WHERE request_id = '" + run + "' FORMAT JSONEachRow"));
        assertEquals("", stored.get("team").asText());
        assertTrue(stored.get("credential").isNull(), stored.toString());
        assertTrue(stored.get("resolved_model").isNull());
        assertEquals(0, stored.get("stream").asInt());
        assertTrue(stored.get("error_code").isNull());
        assertTrue(stored.get("metadata_keys").isArray() && stored.get("metadata_keys").isEmpty());
        assertTrue(stored.get("metadata_values").isArray() && stored.get("metadata_values").isEmpty());
        assertTrue(stored.get("limit_keys").isArray() && stored.get("limit_keys").isEmpty());
        assertTrue(stored.get("limit_rule").isNull());
        assertEquals("", stored.get("prompt").asText());
        assertEquals(0, stored.get("prompt_truncated").asInt());
        assertEquals("", stored.get("completion").asText());
        assertEquals(0, stored.get("completion_truncated").asInt());
        assertEquals(-1, stored.get("audio_seconds").asDouble(), "written: 18.16 would fill in 0, not the table's -1");
        assertEquals("", stored.get("trace").asText());
        assertEquals(log, RequestLogRows.read(stored), "the stored row reads back as the request log written");
    }

    @Test
    void aSubjectNamingNoTableIsTerminated() throws Exception {
        String run = "u-" + UUID.randomUUID();
        long terminatedBefore = writer.status().terminated();
        publish(nc, ControlPlaneTestStack.telemetryPrefix + "no_such_table", run + "-0",
                body(List.of(requestLog(run + "-0", "gina", "chat", Instant.now(), 200))));
        publish(nc, subject(TelemetryKind.REQUEST_LOGS), run + "-1",
                body(List.of(requestLog(run + "-1", "gina", "chat", Instant.now(), 200))));
        await("the next message", WAIT, () -> countQuietly(TelemetryKind.REQUEST_LOGS, "request_id = '" + run + "-1'") == 1);
        await("the stray message to be terminated", WAIT, () -> writer.status().terminated() == terminatedBefore + 1);
    }

    @Test
    void aStopDuringAnInsertFinishesItAndTheBatchIsStoredOnce() throws Exception {
        String run = "s-" + UUID.randomUUID();
        List<com.fasterxml.jackson.databind.node.ObjectNode> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(requestLog(run + "-" + i, "ivan", "chat", Instant.now(), 200));
        }
        rows.add(requestLog(run + "-last", "ivan", "chat", Instant.now(), 200));
        var sent = ControlPlaneTestStack.clickhouseProxy.watch(run + "-last");
        ControlPlaneTestStack.clickhouseProxy.holdAnswers();
        Thread stopping = new Thread(() -> writer.stop(null), "test-stop");
        try {
            publish(nc, subject(TelemetryKind.REQUEST_LOGS), run, body(rows));
            assertTrue(sent.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), "the insert reached ClickHouse");
            stopping.start(); // SIGTERM while ClickHouse has the rows and the writer waits for its answer
            await("the stop to begin", WAIT, () -> !writer.running());
        } finally {
            ControlPlaneTestStack.clickhouseProxy.releaseAnswers();
        }
        stopping.join(WAIT.toMillis());
        assertFalse(stopping.isAlive(), "the stop ended");
        assertEquals(41, Telemetry.count(TelemetryKind.REQUEST_LOGS, "request_id LIKE '" + run + "-%'"));
        ConsumerInfo consumer = nc.jetStreamManagement().getConsumerInfo(ControlPlaneTestStack.telemetryStream,
                "writer-" + ControlPlaneTestStack.runId);
        assertEquals(0, consumer.getNumPending() + consumer.getNumAckPending(), "acknowledged before the stop ended");

        writer.start(null); // the next start: nothing is delivered again
        publish(nc, subject(TelemetryKind.REQUEST_LOGS), run + "-marker",
                body(List.of(requestLog(run + "-marker", "ivan", "chat", Instant.now(), 200))));
        await("the marker", WAIT, () -> countQuietly(TelemetryKind.REQUEST_LOGS, "request_id = '" + run + "-marker'") == 1);
        assertEquals(42, Telemetry.count(TelemetryKind.REQUEST_LOGS, "request_id LIKE '" + run + "-%'"));
    }

    @Test
    void whileNatsIsAwayReadinessSaysSoAndWhenTheOutageEnded() throws Exception {
        await("NATS connected", WAIT, () -> writer.status().natsConnected());
        ControlPlaneTestStack.natsProxy.down();
        JsonNode during;
        try {
            await("the writer to notice", WAIT, () -> writer.status().outageSince() != null);
            during = check(Admin.json(given().get("/q/health/ready").then().extract().asString()), "telemetry-writer")
                    .path("data");
        } finally {
            ControlPlaneTestStack.natsProxy.up();
        }
        assertFalse(during.path("nats_connected").asBoolean(true), during.toString());
        assertEquals(-1, during.path("pending").asLong(), "not known while NATS is away");
        assertTrue(during.path("lagging").asBoolean(false), during.toString());
        assertTrue(during.has("outage_since"), during.toString());
        assertTrue(during.path("last_error").asText().contains("NATS"), during.toString());

        await("the outage to end", WAIT, () -> writer.status().natsConnected() && writer.status().outageSince() == null);
        JsonNode after = check(Admin.json(given().get("/q/health/ready").then().statusCode(200).extract().asString()),
                "telemetry-writer").path("data");
        assertFalse(after.has("last_error"), "no error once the outage is over: " + after);
        assertFalse(after.has("outage_since"), after.toString());
        assertFalse(Instant.parse(after.path("last_outage_ended").asText())
                .isBefore(Instant.parse(during.path("outage_since").asText())), after.toString());
        assertEquals(during.path("last_error").asText(), after.path("last_outage_error").asText());
    }

    @Test
    void readinessShowsTheWriter() {
        JsonNode ready = Admin.json(given().get("/q/health/ready").then().statusCode(200).extract().asString());
        JsonNode check = check(ready, "telemetry-writer");
        assertEquals("UP", check.get("status").asText());
        assertEquals("running", check.path("data").path("state").asText());
        assertTrue(check.path("data").has("pending"));
    }

    private static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.get("checks")) {
            if (name.equals(c.get("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }

    private static long countLines(String text) throws Exception {
        return Files.readAllLines(ControlPlaneTestStack.logFile).stream().filter(l -> l.contains(text)).count();
    }
}
