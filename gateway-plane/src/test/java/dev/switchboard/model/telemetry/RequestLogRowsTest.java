package dev.switchboard.model.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.pipeline.RequestMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The request_logs row of a request the gateway answered itself after two failed attempts, metadata included. */
class RequestLogRowsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The row as the publisher writes it, without the event id it adds last. */
    static byte[] row(RequestLog log) {
        dev.switchboard.model.telemetry.JsonRow row = dev.switchboard.model.telemetry.JsonRow.start();
        RequestLogRows.write(log, "gw-1", row, false);
        return row.end();
    }

    @Test
    void aFailedStreamingRequestAsARow() throws Exception {
        Instant at = Instant.parse("2026-11-25T23:59:59.987Z");
        RequestLog log = new RequestLog("req-9", at, "user:alice", "ml", "jwt:test-idp", "/v1/chat/completions",
                "assistant", null, true, 502, "upstream_unavailable", 12.5, -1, -1, -1, -1, 0,
                List.of(new RequestLog.Attempt("fake/gpt-4o", 503, 4.25, null, 0, 0),
                        new RequestLog.Attempt("fake/x", -1, 8, null, 0, 0)),
                List.of(new RequestLog.GuardrailVerdict("llm_input", "pii-in", "pii", "enforce", "pass", false, null,
                        0.5)), RequestMetadata.parse("{\"customer_id\":\"acme \\\"eu\\\"\",\"env\":\"prod\"}"),
                List.of("budget|ml-monthly|month|team:ml"), "team-ml-rpm", null, null);
        JsonNode row = JSON.readTree(row(log));
        List<String> columns = new ArrayList<>();
        row.fieldNames().forEachRemaining(columns::add);
        // the contract's columns in table order, but the event id, which the publisher adds, and those at their
        // defaults: no resolved model (null), no payloads ("" and 0), no trace ("")
        Set<String> leftOut = Set.of(TelemetryWire.EVENT_ID, "resolved_model", "prompt", "prompt_truncated",
                "completion", "completion_truncated", "trace");
        assertEquals(TelemetryWire.REQUEST_LOG_COLUMNS.stream().filter(c -> !leftOut.contains(c)).toList(), columns);
        assertEquals("2026-11-25 23:59:59", row.path("started_at").asText());
        assertEquals(at.toEpochMilli(), row.path("started_at_ms").asLong());
        assertEquals("gw-1", row.path("instance").asText());
        assertTrue(row.path("resolved_model").isMissingNode());
        assertEquals(1, row.path("stream").asInt());
        assertEquals(502, row.path("status").asInt());
        assertEquals("upstream_unavailable", row.path("error_code").asText());
        assertEquals(-1, row.path("prompt_tokens").asLong());
        assertEquals(-1.0, row.path("time_to_first_token_ms").asDouble());
        JsonNode attempts = JSON.readTree(row.path("attempts").asText());
        assertEquals(2, attempts.size());
        assertEquals("fake/gpt-4o", attempts.get(0).path("target").asText());
        assertEquals(503, attempts.get(0).path("status").asInt());
        assertEquals(4.25, attempts.get(0).path("latency_ms").asDouble());
        assertEquals(-1, attempts.get(1).path("status").asInt());
        JsonNode verdict = JSON.readTree(row.path("guardrails").asText()).get(0);
        assertEquals("pii-in", verdict.path("guardrail").asText());
        assertEquals("pass", verdict.path("outcome").asText());
        assertTrue(verdict.path("reason").isNull());
        assertEquals("ml", row.path("team").asText());
        assertEquals(JSON.readTree("[\"customer_id\",\"env\"]"), row.path("metadata_keys"));
        assertEquals(JSON.readTree("[\"acme \\\"eu\\\"\",\"prod\"]"), row.path("metadata_values"));
        assertEquals(JSON.readTree("[\"budget|ml-monthly|month|team:ml\"]"), row.path("limit_keys"));
        assertEquals("team-ml-rpm", row.path("limit_rule").asText());
    }

    @Test
    void aColumnAtItsTypesDefaultIsLeftOutAndOneThatIsNotNullableNeverGetsNull() throws Exception {
        RequestLog log = new RequestLog("req-10", Instant.now(), "user:bob", null, null, "/v1/chat/completions", null,
                null, false, 400, "invalid_request", Double.NaN, -1, -1, -1, -1, 0, List.of(), List.of(), null, null,
                null, null, null);
        JsonNode row = JSON.readTree(row(log));
        List<String> columns = new ArrayList<>();
        row.fieldNames().forEachRemaining(columns::add);
        // ClickHouse fills in what is left out with the type's default, which is the table's default for each of
        // these: "" (team, prompt, completion, trace), null (credential, resolved_model, limit_rule), 0 (stream, the
        // truncation flags), [] (the metadata, limit_keys)
        assertEquals(List.of("request_id", "started_at", "started_at_ms", "instance", "subject", "endpoint",
                "requested_model", "status", "error_code", "latency_ms", "time_to_first_token_ms", "prompt_tokens",
                "completion_tokens", "time_per_output_token_ms", "cost_usd", "attempts", "guardrails",
                "audio_seconds"), columns);
        assertEquals("", row.path("requested_model").asText());
        assertTrue(row.path("requested_model").isTextual(), "not Nullable: the empty string for null");
        assertEquals(-1.0, row.path("latency_ms").asDouble(), "a time that is not a number");
        assertEquals("[]", row.path("attempts").asText());
        assertEquals("[]", row.path("guardrails").asText(), "the table's String default is not [], so it is written");
        assertEquals(-1.0, row.path("audio_seconds").asDouble(), "its table default (-1) is not the type's: written");

        RequestLog read = RequestLogRows.read(row);
        assertEquals("", read.team());
        assertNull(read.credential());
        assertNull(read.resolvedModel());
        assertNull(read.limitRule());
        assertFalse(read.stream());
        assertTrue(read.metadata().isEmpty());
        assertTrue(read.limitKeys().isEmpty());
        assertNull(read.payloads());
        assertNull(read.trace());
    }

    @Test
    void payloadsAreTwoTextColumnsWithTheirTruncationFlags() throws Exception {
        RequestLog log = new RequestLog("req-11", Instant.now(), "user:bob", "", null, "CHAT_COMPLETIONS", "m", "a/m",
                true, 200, null, 5, 1, 3, 4, 1, 0, List.of(), List.of(), null, null, null, null,
                new RequestLog.Payloads("{\"messages\":[]}", false, "Hello \"you\"", true));

        JsonNode row = JSON.readTree(row(log));

        assertEquals("{\"messages\":[]}", row.path("prompt").asText());
        assertEquals(0, row.path("prompt_truncated").asInt());
        assertEquals("Hello \"you\"", row.path("completion").asText());
        assertEquals(1, row.path("completion_truncated").asInt());
    }
}
