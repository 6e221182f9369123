package dev.switchboard.mcpgateway.guardrail;

import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.AWS_KEY;
import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.BOB_KEY;
import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.CARD;
import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.EMAIL;
import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.ERIN_KEY;
import static dev.switchboard.mcpgateway.support.SdkClients.client;
import static dev.switchboard.mcpgateway.support.SdkClients.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.mcpgateway.support.FakeMcpServer;
import dev.switchboard.mcpgateway.support.McpHttp;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The MCP pre-tool and post-tool hooks through the gateway, with the official MCP Java SDK as the client. */
class ToolGuardrailsTest {

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

    private static McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) {
        return erin.callTool(new McpSchema.CallToolRequest(tool, arguments));
    }

    private static JsonNode argumentsReceived(FakeMcpServer server, String tool) {
        return server.received().stream().filter(r -> tool.equals(r.toolName())).findFirst()
                .map(r -> r.body().path("params").path("arguments")).orElseThrow();
    }

    @Test
    void aDropTableRefusedByTheSqlGuardrailNeverReachesTheUpstream() {
        McpSchema.CallToolResult result = call("run_sql", Map.of("query", "DROP TABLE customers"));
        assertTrue(result.isError());
        String text = text(result);
        assertTrue(text.startsWith("Blocked by guardrail 'sql-read-only' (sql): "), text);
        assertTrue(text.contains("The tool 'run_sql' did not run."), text);
        assertEquals(Map.of("reason", "guardrail_blocked", "guardrail", "sql-read-only", "hook", "mcp_pre_tool"),
                result.meta().get("dev.switchboard/refusal"));
        assertEquals(List.of(), world.gamma.calledTools());
    }

    @Test
    void aReadOnlyQueryGoesThroughUnchanged() {
        McpSchema.CallToolResult result = call("run_sql", Map.of("query", "SELECT name FROM customers WHERE id = 1"));
        assertFalse(Boolean.TRUE.equals(result.isError()), text(result));
        assertEquals(List.of("run_sql"), world.gamma.calledTools());
        assertEquals("SELECT name FROM customers WHERE id = 1",
                argumentsReceived(world.gamma, "run_sql").path("query").asText());
    }

    @Test
    void piiInTheArgumentsIsMaskedBeforeTheUpstreamSeesIt() {
        McpSchema.CallToolResult result = call("echo", Map.of("message", "mail " + EMAIL + " card " + CARD));
        String sent = argumentsReceived(world.gamma, "echo").path("message").asText();
        assertFalse(sent.contains(EMAIL) || sent.contains(CARD), sent);
        assertTrue(sent.startsWith("mail ") && sent.contains("*"), sent);
        assertEquals("gamma: " + sent, text(result));
    }

    @Test
    void anEmailAndACardInAToolResultAreMaskedOnTheWayBack() {
        McpSchema.CallToolResult result = call("lookup", Map.of("message", "owner " + EMAIL + ", card " + CARD));
        // the upstream got the arguments as they were: only the result is checked for this tool
        assertEquals("owner " + EMAIL + ", card " + CARD, argumentsReceived(world.gamma, "lookup").path("message").asText());
        String text = text(result);
        assertFalse(text.contains(EMAIL), text);
        assertFalse(text.contains(CARD), text);
        assertTrue(text.startsWith("gamma/lookup: owner ") && text.contains("****"), text);
        assertFalse(Boolean.TRUE.equals(result.isError()));
    }

    @Test
    void aSecretInAToolResultIsWithheldAndTheCallerToldWhy() {
        McpSchema.CallToolResult result = call("leak", Map.of("message", "key " + AWS_KEY));
        assertTrue(result.isError());
        String text = text(result);
        assertTrue(text.startsWith("The result of 'leak' was withheld by guardrail 'no-secrets-out' (secrets): "), text);
        assertFalse(text.contains(AWS_KEY), text);
        assertEquals(List.of("leak"), world.gamma.calledTools());
        ToolCallRecord record = world.gateway.drainAudit(1).get(0);
        assertEquals("result_blocked", record.outcome());
        assertFalse(record.response().json().contains(AWS_KEY), record.response().json());
    }

    @Test
    void anAuditModeFindingLetsTheResultThroughAndKeepsItOutOfTheAuditRecord() {
        McpSchema.CallToolResult result = call("peek", Map.of("message", "write to " + EMAIL));
        assertEquals("gamma/peek: write to " + EMAIL, text(result));
        ToolCallRecord record = world.gateway.drainAudit(1).get(0);
        assertEquals("ok", record.outcome());
        ToolCallRecord.GuardrailVerdict v = record.guardrails().get(0);
        assertEquals(List.of("mcp_post_tool", "pii-watch", "pii", "audit", "violation", "false"),
                List.of(v.hook(), v.guardrail(), v.type(), v.mode(), v.outcome(), String.valueOf(v.blocked())));
        assertNull(record.response().json());
        assertEquals("guardrail_finding", record.response().withheld());
    }

    @Test
    void aToolNoGuardrailAppliesToGoesStraightThroughAndIsRecordedAsItWent() {
        McpSchema.CallToolResult result = call("whoami", Map.of("message", "plain"));
        assertFalse(Boolean.TRUE.equals(result.isError()), text(result));
        ToolCallRecord record = world.gateway.drainAudit(1).get(0);
        assertEquals(List.of(), record.guardrails());
        assertEquals("{\"message\":\"plain\"}", record.request().json());
        assertFalse(record.request().truncated());
    }

    @Test
    void aPassingGuardrailLeavesAPassVerdict() {
        McpHttp mcp = new McpHttp(world.gateway.baseUrl());
        String session = mcp.initialize("gamma", BOB_KEY);
        McpHttp.Reply reply = mcp.call("gamma", BOB_KEY, session, "echo", "{\"message\":\"plain\"}");
        assertEquals("gamma: plain", reply.message().path("result").path("content").get(0).path("text").asText());
        ToolCallRecord record = world.gateway.drainAudit(1).get(0);
        assertEquals(1, record.guardrails().size());
        assertEquals("pii-in", record.guardrails().get(0).guardrail());
        assertEquals("pass", record.guardrails().get(0).outcome());
        assertEquals("{\"message\":\"plain\"}", record.request().json());
    }

    @Test
    void aBlockedCallLooksTheSameThroughTheRawWire() {
        McpHttp mcp = new McpHttp(world.gateway.baseUrl());
        String session = mcp.initialize("gamma", ERIN_KEY);
        McpHttp.Reply reply = mcp.call("gamma", ERIN_KEY, session, "run_sql", "{\"query\":\"DELETE FROM customers\"}");
        assertEquals(200, reply.status());
        JsonNode result = reply.message().path("result");
        assertEquals(7, reply.message().path("id").asInt());
        assertTrue(result.path("isError").asBoolean());
        assertEquals("guardrail_blocked", result.path("_meta").path("dev.switchboard/refusal").path("reason").asText());
        assertEquals(List.of(), world.gamma.calledTools());
    }
}
