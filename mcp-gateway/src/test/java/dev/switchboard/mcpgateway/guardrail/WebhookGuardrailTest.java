package dev.switchboard.mcpgateway.guardrail;

import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.ERIN_KEY;
import static dev.switchboard.mcpgateway.support.SdkClients.client;
import static dev.switchboard.mcpgateway.support.SdkClients.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A webhook guardrail at the pre-tool hook, in each mode, when the service fails (HTTP 500), stalls past the
 * guardrail's timeout, reports a violation or rewrites the arguments. A blocked call never reaches the upstream.
 */
class WebhookGuardrailTest {

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
    }

    /** Calls {@code tool}; returns the result and the call's only verdict. */
    private static Outcome call(String tool) {
        McpSchema.CallToolResult result = erin.callTool(new McpSchema.CallToolRequest(tool, Map.of("message", "hi")));
        ToolCallRecord record = world.gateway.drainAudit(1).get(0);
        assertEquals(1, record.guardrails().size(), record.toString());
        return new Outcome(result, record, record.guardrails().get(0));
    }

    private record Outcome(McpSchema.CallToolResult result, ToolCallRecord record, ToolCallRecord.GuardrailVerdict verdict) {
        boolean reached() {
            return !world.gamma.calledTools().isEmpty();
        }
    }

    @Test
    void enforceBlocksWhenTheWebhookFails() {
        Outcome o = call("wh_enforce");
        assertTrue(o.result().isError());
        assertEquals("Blocked by guardrail 'hook-enforce-error' (webhook): webhook answered HTTP 500. "
                + "The tool 'wh_enforce' did not run.", text(o.result()));
        assertFalse(o.reached());
        assertEquals(List.of("enforce", "error", "true"),
                List.of(o.verdict().mode(), o.verdict().outcome(), String.valueOf(o.verdict().blocked())));
        assertEquals("blocked", o.record().outcome());
        assertNull(o.record().request().json(), "a blocked call's arguments stay out of the record");
    }

    @Test
    void enforceButIgnoreOnErrorLetsTheCallThroughWhenTheWebhookFails() {
        Outcome o = call("wh_ignore");
        assertEquals("gamma/wh_ignore: hi", text(o.result()));
        assertTrue(o.reached());
        assertEquals(List.of("enforce_but_ignore_on_error", "error", "false"),
                List.of(o.verdict().mode(), o.verdict().outcome(), String.valueOf(o.verdict().blocked())));
        assertEquals("ok", o.record().outcome());
    }

    @Test
    void enforceBlocksWhenTheWebhookTimesOut() {
        Outcome o = call("wh_slow_enforce");
        assertTrue(o.result().isError());
        assertTrue(text(o.result()).contains("'hook-enforce-timeout'"), text(o.result()));
        assertFalse(o.reached());
        assertEquals(List.of("timeout", "true"), List.of(o.verdict().outcome(), String.valueOf(o.verdict().blocked())));
    }

    @Test
    void enforceButIgnoreOnErrorLetsTheCallThroughWhenTheWebhookTimesOut() {
        Outcome o = call("wh_slow_ignore");
        assertEquals("gamma/wh_slow_ignore: hi", text(o.result()));
        assertTrue(o.reached());
        assertEquals(List.of("timeout", "false"), List.of(o.verdict().outcome(), String.valueOf(o.verdict().blocked())));
    }

    @Test
    void enforceButIgnoreOnErrorStillBlocksAViolation() {
        Outcome o = call("wh_violation");
        assertTrue(o.result().isError());
        assertEquals("Blocked by guardrail 'hook-violation' (webhook): the webhook says no. "
                + "The tool 'wh_violation' did not run.", text(o.result()));
        assertFalse(o.reached());
    }

    @Test
    void auditRecordsAViolationAndBlocksNothing() {
        Outcome o = call("wh_audit");
        assertEquals("gamma/wh_audit: hi", text(o.result()));
        assertTrue(o.reached());
        assertEquals(List.of("audit", "violation", "false"),
                List.of(o.verdict().mode(), o.verdict().outcome(), String.valueOf(o.verdict().blocked())));
        assertEquals("guardrail_finding", o.record().request().withheld());
    }

    @Test
    void aWebhookThatRewritesTheArgumentsSendsTheCallOnRewritten() {
        Outcome o = call("wh_rewrite");
        assertEquals("gamma/wh_rewrite: [rewritten]", text(o.result()));
        assertEquals("redacted", o.verdict().outcome());
        assertEquals("{\"message\":\"[rewritten]\"}", o.record().request().json());
        JsonNode asked = world.webhook.received().stream()
                .filter(b -> "hook-rewrite".equals(b.path("guardrail").asText())).findFirst().orElseThrow();
        assertEquals("mcp_pre_tool", asked.path("hook").asText());
        assertEquals("user:erin", asked.path("subject").asText());
        assertEquals("gamma", asked.path("server").asText());
        assertEquals("wh_rewrite", asked.path("tool").asText());
        assertEquals("hi", asked.path("payload").path("message").asText());
    }
}
