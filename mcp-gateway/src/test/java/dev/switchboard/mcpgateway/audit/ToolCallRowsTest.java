package dev.switchboard.mcpgateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.model.telemetry.TelemetryWire;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tool_calls row of a record with everything set: a withheld and a truncated payload, verdicts, an approval. */
class ToolCallRowsTest {

    /** The row as the publisher writes it, without the event id it adds last. */
    static byte[] row(ToolCallRecord record) {
        dev.switchboard.model.telemetry.JsonRow row = dev.switchboard.model.telemetry.JsonRow.start();
        ToolCallRows.write(record, "inst-1", row);
        return row.end();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFullRecordAsARow() throws Exception {
        Instant at = Instant.parse("2026-11-25T08:09:10.456Z");
        ToolCallRecord record = new ToolCallRecord(at, "req-1", "sess-1", "user:alice", "api_key:alice-key",
                "server:alpha", "alpha", "wipe", 1234, "denied", "denied by bob",
                ToolCallRecord.Payload.withheld("guardrail_finding"),
                new ToolCallRecord.Payload("{\"content\":[{\"type\":\"text\",\"text\":\"abc", true, null),
                List.of(new ToolCallRecord.GuardrailVerdict("mcp_pre_tool", "no-keys", "secrets", "enforce",
                        "violation", false, "aws_access_key", 42)),
                new ToolCallRecord.Approval("ap-1", "api", "denied", "user:bob", at.plusSeconds(3), "no", 3000));
        JsonNode row = JSON.readTree(row(record));
        List<String> columns = new ArrayList<>();
        row.fieldNames().forEachRemaining(columns::add);
        // the contract's columns in table order, but the event id, which the publisher adds
        assertEquals(TelemetryWire.TOOL_CALL_COLUMNS.stream().filter(c -> !c.equals(TelemetryWire.EVENT_ID)).toList(), columns);
        assertEquals("2026-11-25 08:09:10", row.path("at").asText());
        assertEquals(at.toEpochMilli(), row.path("at_ms").asLong());
        assertEquals(1234, row.path("latency_us").asLong());
        assertTrue(row.path("request").isNull());
        assertEquals(0, row.path("request_truncated").asInt());
        assertEquals("guardrail_finding", row.path("request_withheld").asText());
        assertEquals("{\"content\":[{\"type\":\"text\",\"text\":\"abc", row.path("response").asText());
        assertEquals(1, row.path("response_truncated").asInt());
        assertTrue(row.path("response_withheld").isNull());
        JsonNode verdict = JSON.readTree(row.path("guardrails").asText()).get(0);
        assertEquals("mcp_pre_tool", verdict.path("hook").asText());
        assertEquals(42, verdict.path("latency_us").asLong());
        assertEquals(false, verdict.path("blocked").asBoolean());
        JsonNode approval = JSON.readTree(row.path("approval").asText());
        assertEquals("ap-1", approval.path("id").asText());
        assertEquals("denied", approval.path("decision").asText());
        assertEquals("user:bob", approval.path("decided_by").asText());
        assertEquals("2026-11-25 08:09:13", approval.path("decided_at").asText());
        assertEquals(3000, approval.path("waited_ms").asLong());
    }
}
