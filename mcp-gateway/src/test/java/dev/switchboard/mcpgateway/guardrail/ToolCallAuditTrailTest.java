package dev.switchboard.mcpgateway.guardrail;

import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.DAVE_KEY;
import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.ERIN_KEY;
import static dev.switchboard.mcpgateway.support.SdkClients.client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.mcpgateway.audit.AuditPayloads;
import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every tool call's audit record and span: verdicts, the approval, payload caps, and no payload in a span. */
class ToolCallAuditTrailTest {

    static GovernedFixture world;
    static McpSyncClient erin;

    @BeforeAll
    static void start() {
        world = new GovernedFixture(Duration.ofMinutes(1));
        erin = client(world.gateway.baseUrl(), "gamma", ERIN_KEY);
        erin.initialize();
    }

    @AfterAll
    static void stop() {
        erin.close();
        world.close();
    }

    @BeforeEach
    void clear() {
        world.gamma.clear();
        world.gateway.drainAudit(0);
        world.gateway.spans().reset();
    }

    private static SpanData toolSpan(String tool) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            for (SpanData s : world.gateway.spans().getFinishedSpanItems()) {
                if (s.getName().equals("tools/call " + tool)) {
                    return s;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no span for " + tool + ": " + world.gateway.spans().getFinishedSpanItems());
    }

    private static String attr(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    @Test
    void aBlockedCallIsRecordedWithItsVerdictAndSpannedWithoutItsArguments() {
        erin.callTool(new McpSchema.CallToolRequest("run_sql", Map.of("query", "DROP TABLE secret_plans")));
        ToolCallRecord record = world.gateway.drainAudit(1).get(0);
        assertEquals(List.of("user:erin", "api_key:erin-key", "gamma", "gamma", "run_sql", "blocked", "guardrail_blocked"),
                List.of(record.subject(), record.credential(), record.endpoint(), record.server(), record.tool(),
                        record.outcome(), record.error()));
        ToolCallRecord.GuardrailVerdict v = record.guardrails().get(0);
        assertEquals(List.of("mcp_pre_tool", "sql-read-only", "sql", "enforce", "violation", "true"),
                List.of(v.hook(), v.guardrail(), v.type(), v.mode(), v.outcome(), String.valueOf(v.blocked())));
        assertEquals("guardrail_finding", record.request().withheld());
        assertTrue(record.response().json().contains("sql-read-only"), record.response().json());
        assertTrue(record.latencyMicros() > 0);

        SpanData span = toolSpan("run_sql");
        assertEquals("user:erin", attr(span, "switchboard.subject"));
        assertEquals("gamma", attr(span, "switchboard.mcp.server"));
        assertEquals("run_sql", attr(span, "gen_ai.tool.name"));
        assertEquals("tools/call", attr(span, "mcp.method.name"));
        assertEquals("blocked", attr(span, "switchboard.outcome"));
        assertEquals("sql-read-only", attr(span, "switchboard.guardrail.blocked_by"));
        assertEquals(List.of("mcp_pre_tool:sql-read-only:enforce:violation:blocked"),
                span.getAttributes().get(AttributeKey.stringArrayKey("switchboard.guardrail.verdicts")));
        assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
        assertFalse(span.getAttributes().toString().contains("secret_plans"), span.getAttributes().toString());
    }

    @Test
    void anApprovedCallIsRecordedAndSpannedWithItsApprover() throws Exception {
        ApprovalClient api = new ApprovalClient(world.gateway.baseUrl());
        CompletableFuture<McpSchema.CallToolResult> call = CompletableFuture.supplyAsync(
                () -> erin.callTool(new McpSchema.CallToolRequest("wipe", Map.of("message", "t"))));
        String id = api.awaitPending(DAVE_KEY, "wipe").path("id").asText();
        api.approve(DAVE_KEY, id, null);
        call.get(10, TimeUnit.SECONDS);
        ToolCallRecord record = world.gateway.drainAudit(1).get(0);
        assertEquals("ok", record.outcome());
        assertEquals("user:dave", record.approval().decidedBy());
        assertTrue(record.approval().waitedMillis() >= 0);
        SpanData span = toolSpan("wipe");
        assertEquals(List.of(id, "api", "approved", "user:dave"), List.of(attr(span, "switchboard.approval.id"),
                attr(span, "switchboard.approval.channel"), attr(span, "switchboard.approval.decision"),
                attr(span, "switchboard.approval.decided_by")));
        assertEquals("ok", attr(span, "switchboard.outcome"));
        assertEquals(StatusCode.UNSET, span.getStatus().getStatusCode());
    }

    @Test
    void largePayloadsAreCutTo16KiBAndMarkedTruncated() {
        String big = "x".repeat(40_000);
        erin.callTool(new McpSchema.CallToolRequest("whoami", Map.of("message", big)));
        ToolCallRecord record = world.gateway.drainAudit(1).get(0);
        assertTrue(record.request().truncated());
        assertEquals(AuditPayloads.MAX_BYTES, record.request().json().getBytes(StandardCharsets.UTF_8).length);
        assertTrue(record.request().json().startsWith("{\"message\":\"xxx"));
        assertFalse(record.response().truncated(), "whoami's answer is small");
    }

    @Test
    void aRefusedCallIsRecordedWithoutItsUninspectedArguments() {
        try (McpSyncClient bob = client(world.gateway.baseUrl(), "gamma", GovernedFixture.BOB_KEY)) {
            bob.initialize();
            try {
                bob.callTool(new McpSchema.CallToolRequest("run_sql", Map.of("query", "SELECT 1")));
            } catch (RuntimeException expected) {
                // -32602: not one of bob's tools
            }
        }
        ToolCallRecord record = world.gateway.drainAudit(1).get(0);
        assertEquals("refused", record.outcome());
        assertEquals("tool_not_permitted", record.error());
        assertEquals("not_inspected", record.request().withheld());
    }
}
