package dev.switchboard.mcpgateway.audit;

import static dev.switchboard.mcpgateway.support.McpTestResource.BOB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.model.telemetry.TelemetryWire;
import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.runtime.telemetry.TelemetrySettings;
import dev.switchboard.teststack.LocalStack;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Through the MCP gateway: a tools/call leaves a {@code tool_calls} row on NATS JetStream, in the contract's columns.
 * The gateway publishes to a stream and subjects of this test's own (the shared NATS may hold the real stream); its
 * config comes from the suite's file (the bucket it watches does not exist).
 */
@QuarkusTest
@TestProfile(ToolCallExportTest.Profile.class)
class ToolCallExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "MCP_TELEMETRY_" + UUID.randomUUID().toString().replace("-", "")
            .substring(0, 10).toUpperCase();
    private static final String PREFIX = "test.telemetry." + NAME.toLowerCase() + ".";
    private static final String INSTANCE = "mcp-test-" + NAME.toLowerCase();

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path cache;
            try {
                cache = Files.createTempDirectory("switchboard-mcp-telemetry-test").resolve("snapshot.json.gz");
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
                    TelemetrySettings.INSTANCE_ID, INSTANCE,
                    TelemetrySettings.MAX_AGE, "1h");
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Inject
    ToolCallExport export;

    @Inject
    RowQueue<ToolCallRecord> audit;

    private static Connection nats;

    @BeforeAll
    static void connect() throws Exception {
        nats = Nats.connect(LocalStack.get().natsUrl());
    }

    @AfterAll
    static void deleteStream() throws Exception {
        try {
            nats.jetStreamManagement().deleteStream(NAME);
        } finally {
            nats.close();
        }
    }

    @Test
    void aToolCallYieldsAToolCallsRowOnNats() throws Exception {
        assertNotNull(export.publisher(), "telemetry is on");
        McpHttp mcp = new McpHttp(root);
        String session = mcp.initialize("alpha", BOB_KEY);
        String token = "telemetry-" + UUID.randomUUID();
        McpHttp.Reply reply = mcp.call("alpha", BOB_KEY, session, "echo", "{\"message\":\"" + token + "\"}");
        assertEquals(200, reply.status(), reply.body());

        JsonNode row = await(token);
        List<String> columns = new ArrayList<>();
        row.fieldNames().forEachRemaining(columns::add);
        assertEquals(TelemetryWire.TOOL_CALL_COLUMNS, columns, "the contract's columns, in table order");
        assertTrue(row.path(TelemetryWire.EVENT_ID).asText().matches(java.util.regex.Pattern.quote(INSTANCE) + "-\\d+"),
                "an event id of the publisher's: " + row);
        assertEquals(INSTANCE, row.path("instance").asText());
        assertTrue(!row.path("request_id").asText("").isEmpty(), row.toString());
        assertTrue(!row.path("session_id").asText("").isEmpty(), "the session, as the audit record names it");
        assertEquals("user:bob", row.path("subject").asText());
        assertEquals("api_key:bob-key", row.path("credential").asText());
        assertEquals("alpha", row.path("server").asText());
        assertEquals("echo", row.path("tool").asText());
        assertEquals("ok", row.path("outcome").asText());
        assertTrue(row.path("error").isNull());
        assertTrue(row.path("latency_us").asLong() > 0);
        assertTrue(row.path("at").asText().matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}"), row.path("at").asText());
        assertTrue(Math.abs(System.currentTimeMillis() - row.path("at_ms").asLong()) < 60_000);
        assertEquals(token, JSON.readTree(row.path("request").asText()).path("message").asText(), row.toString());
        assertEquals(0, row.path("request_truncated").asInt());
        assertTrue(row.path("request_truncated").isInt(), "booleans are 0/1");
        assertTrue(row.path("request_withheld").isNull(), row.toString());
        assertTrue(row.path("response").asText().contains(token), row.toString());
        assertEquals(0, row.path("response_truncated").asInt());
        assertTrue(JSON.readTree(row.path("guardrails").asText()).isArray());
        assertTrue(row.path("approval").isNull(), "no approval asked");

        McpHttpAwait.until(() -> audit.size() == 0, "the buffer drained by the publisher");
    }

    private static JsonNode await(String token) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<JsonNode> row = find(token);
            if (row.isPresent()) {
                return row.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no tool_calls row with " + token + " on NATS");
    }

    private static Optional<JsonNode> find(String token) {
        try {
            JetStreamManagement jsm = nats.jetStreamManagement();
            long last = jsm.getStreamInfo(NAME).getStreamState().getLastSequence();
            for (long seq = last; seq >= 1; seq--) {
                MessageInfo m = jsm.getMessage(NAME, seq);
                assertEquals(PREFIX + "tool_calls", m.getSubject());
                String id = m.getHeaders().getFirst("Nats-Msg-Id");
                assertTrue(id.matches(INSTANCE + "-\\d+"), id);
                for (String line : new String(m.getData(), StandardCharsets.UTF_8).split("\n")) {
                    if (line.contains(token)) {
                        return Optional.of(JSON.readTree(line));
                    }
                }
            }
            return Optional.empty();
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            return Optional.empty(); // the stream is not there yet
        }
    }

    /** A small wait, without the Gateway helper of the other module. */
    static final class McpHttpAwait {
        static void until(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out waiting for " + what);
                }
                Thread.sleep(20);
            }
        }
    }
}
