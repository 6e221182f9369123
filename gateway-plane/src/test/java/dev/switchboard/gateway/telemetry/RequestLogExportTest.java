package dev.switchboard.gateway.telemetry;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.snapshot.GatewayState;
import dev.switchboard.gateway.snapshot.SnapshotHolder;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.model.telemetry.TelemetryWire;
import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.runtime.telemetry.TelemetrySettings;
import dev.switchboard.teststack.LocalStack;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Through the gateway: a chat completion leaves a {@code request_logs} row on NATS JetStream, in the contract's
 * columns, with the request id, the models, the status, the tokens and the guardrail verdicts. The gateway publishes
 * to a stream and subjects of this test's own (the shared NATS may hold the real stream); its config comes from the
 * suite's file (the bucket it watches does not exist).
 */
@QuarkusTest
@TestProfile(RequestLogExportTest.Profile.class)
class RequestLogExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "GW_TELEMETRY_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10)
            .toUpperCase();
    private static final String PREFIX = "test.telemetry." + NAME.toLowerCase() + ".";
    private static final Duration RELOAD = Duration.ofSeconds(5);

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path cache;
            try {
                cache = Files.createTempDirectory("switchboard-telemetry-test").resolve("snapshot.json.gz");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of(
                    TelemetrySettings.ENABLED, "true",
                    FeedSettings.NATS_URL, LocalStack.get().natsUrl(),
                    FeedSettings.BUCKET, "no-such-bucket-" + NAME.toLowerCase(),
                    FeedSettings.CACHE_FILE, cache.toString(),
                    TelemetrySettings.STREAM, NAME,
                    TelemetrySettings.SUBJECT_PREFIX, PREFIX,
                    TelemetrySettings.FLUSH_INTERVAL, "50ms",
                    TelemetrySettings.INSTANCE_ID, "gw-test-" + NAME.toLowerCase());
        }
    }

    @Inject
    RequestLogExport export;

    @Inject
    RowQueue<RequestLog> logs;

    private static String original;
    private static Connection nats;

    @BeforeAll
    static void watchHello() throws Exception {
        nats = Nats.connect(LocalStack.get().natsUrl());
        Path file = GatewayTestResource.configFile;
        original = Files.readString(file, StandardCharsets.UTF_8);
        write(original + """
                guardrails:
                  - name: telemetry-watch-hello
                    type: regex
                    mode: audit
                    hooks: [llm_input]
                    models: [fake/gpt-4o-mini]
                    regex: {deny: ['(?i)hello']}
                """);
        SnapshotHolder holder = Arc.container().instance(SnapshotHolder.class).get();
        Gateway.await(RELOAD, "the guardrail to be applied", () -> guardrailCount(holder) == 1);
    }

    @AfterAll
    static void restore() throws Exception {
        write(original);
        SnapshotHolder holder = Arc.container().instance(SnapshotHolder.class).get();
        Gateway.await(RELOAD, "the original config to be back", () -> guardrailCount(holder) == 0);
        try {
            nats.jetStreamManagement().deleteStream(NAME);
        } finally {
            nats.close();
        }
    }

    @Test
    void aChatCompletionYieldsARequestLogRowOnNats() throws Exception {
        FakeOpenAi openAi = GatewayTestResource.openAi;
        openAi.reset();
        openAi.setUsage(1000, 500);
        String id = "tel-" + UUID.randomUUID();
        given().header("Authorization", "Bearer " + ALICE_KEY).header("x-request-id", id)
                .contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);

        assertNotNull(export.publisher(), "telemetry is on");
        MessageInfo message = Gateway.awaitValue(Duration.ofSeconds(20), "the row on NATS", () -> find(id));
        assertEquals(PREFIX + "request_logs", message.getSubject());
        String msgId = message.getHeaders().getFirst("Nats-Msg-Id");
        assertTrue(msgId.matches("gw-test-" + NAME.toLowerCase() + "-[0-9a-z]+-\\d+"), msgId);

        JsonNode row = rowOf(message, id).orElseThrow();
        List<String> columns = new ArrayList<>();
        row.fieldNames().forEachRemaining(columns::add);
        // the contract's columns in table order, but those at their types' defaults: no team, not streamed, no error,
        // no metadata, no limit counted or refusing, no payloads, no trace (ClickHouse fills them in)
        Set<String> leftOut = Set.of("team", "stream", "error_code", "metadata_keys", "metadata_values",
                "limit_keys", "limit_rule", "prompt", "prompt_truncated", "completion", "completion_truncated", "trace");
        assertEquals(TelemetryWire.REQUEST_LOG_COLUMNS.stream().filter(c -> !leftOut.contains(c)).toList(), columns,
                "the contract's columns, in table order");
        assertTrue(row.path(TelemetryWire.EVENT_ID).asText().matches(java.util.regex.Pattern.quote("gw-test-" + NAME.toLowerCase()) + "-\\d+"),
                "an event id of the publisher's: " + row);
        assertEquals("gw-test-" + NAME.toLowerCase(), row.path("instance").asText());
        assertEquals("user:alice", row.path("subject").asText());
        assertEquals("api_key:alice-key", row.path("credential").asText());
        assertEquals("/v1/chat/completions", row.path("endpoint").asText());
        assertEquals("fake/gpt-4o-mini", row.path("requested_model").asText());
        assertEquals("fake/gpt-4o-mini", row.path("resolved_model").asText());
        assertTrue(row.path("stream").isMissingNode(), "false: left out");
        assertEquals(200, row.path("status").asInt());
        assertTrue(row.path("error_code").isMissingNode(), "null: left out");
        assertEquals(1000, row.path("prompt_tokens").asLong());
        assertEquals(500, row.path("completion_tokens").asLong());
        assertEquals(0.002, row.path("cost_usd").asDouble(), 1e-9);
        assertTrue(row.path("latency_ms").asDouble() > 0);
        assertTrue(row.path("started_at").asText().matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}"),
                row.path("started_at").asText());
        long ms = row.path("started_at_ms").asLong();
        assertTrue(Math.abs(System.currentTimeMillis() - ms) < 60_000, "started_at_ms: " + ms);

        JsonNode attempts = JSON.readTree(row.path("attempts").asText());
        assertEquals(1, attempts.size(), attempts.toString());
        assertEquals("fake/gpt-4o-mini", attempts.get(0).path("target").asText());
        assertEquals(200, attempts.get(0).path("status").asInt());

        JsonNode guardrails = JSON.readTree(row.path("guardrails").asText());
        assertEquals(1, guardrails.size(), guardrails.toString());
        JsonNode verdict = guardrails.get(0);
        assertEquals("llm_input", verdict.path("hook").asText());
        assertEquals("telemetry-watch-hello", verdict.path("guardrail").asText());
        assertEquals("regex", verdict.path("type").asText());
        assertEquals("audit", verdict.path("mode").asText());
        assertEquals("violation", verdict.path("outcome").asText());
        assertEquals(false, verdict.path("blocked").asBoolean());

        var stream = nats.jetStreamManagement().getStreamInfo(NAME).getConfiguration();
        assertEquals(Duration.ofDays(7), stream.getMaxAge(), "the default max age");
        assertEquals(1L << 30, stream.getMaxBytes(), "the default max bytes");
        assertEquals(Duration.ofMinutes(2), stream.getDuplicateWindow());

        Gateway.await(Duration.ofSeconds(5), "the buffer drained by the publisher", () -> logs.size() == 0);
        String metrics = given().get("/q/metrics").asString();
        assertTrue(metrics.contains("switchboard_telemetry_published_rows_total{kind=\"request_logs\"}"), metrics);
        assertTrue(metrics.contains("switchboard_telemetry_dropped_rows_total{kind=\"request_logs\"}"), metrics);
        assertTrue(metrics.contains("switchboard_telemetry_queued_rows{kind=\"request_logs\"}"), metrics);
    }

    /** The stream's message holding the row of {@code requestId}, if it arrived. */
    private static Optional<MessageInfo> find(String requestId) {
        try {
            JetStreamManagement jsm = nats.jetStreamManagement();
            long last = jsm.getStreamInfo(NAME).getStreamState().getLastSequence();
            for (long seq = last; seq >= 1; seq--) {
                MessageInfo m = jsm.getMessage(NAME, seq);
                if (rowOf(m, requestId).isPresent()) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty(); // the stream is not there yet
        }
    }

    private static Optional<JsonNode> rowOf(MessageInfo message, String requestId) {
        for (String line : new String(message.getData(), StandardCharsets.UTF_8).split("\n")) {
            if (line.contains(requestId)) {
                try {
                    JsonNode row = JSON.readTree(line);
                    if (requestId.equals(row.path("request_id").asText())) {
                        return Optional.of(row);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return Optional.empty();
    }

    private static int guardrailCount(SnapshotHolder holder) {
        GatewayState state = holder.current();
        return state == null ? -1 : state.snapshot().config().guardrails().size();
    }

    private static void write(String content) {
        Path file = GatewayTestResource.configFile;
        try {
            Path tmp = Files.createTempFile(file.getParent(), "switchboard-edit", ".yaml");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
