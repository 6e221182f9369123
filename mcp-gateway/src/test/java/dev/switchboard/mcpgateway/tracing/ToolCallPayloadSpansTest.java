package dev.switchboard.mcpgateway.tracing;

import static dev.switchboard.mcpgateway.support.SdkClients.client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.mcpgateway.support.FakeMcpServer;
import dev.switchboard.mcpgateway.support.GovernedGateway;
import dev.switchboard.model.config.ApiKey;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code log_payloads} on an MCP server: its tool calls' spans carry the arguments and the result as events, as the
 * guardrails left them and cut at the server's cap; another server's spans carry none; the audit record keeps its
 * payloads either way.
 */
class ToolCallPayloadSpansTest {

    static final String KEY = "sk-sb-payload-erin-000000000";
    static final String EMAIL = "carol@example.com";
    static final int CAP = 300;

    static FakeMcpServer logged;
    static FakeMcpServer quiet;
    static GovernedGateway gateway;
    static McpSyncClient toLogged;
    static McpSyncClient toQuiet;

    @BeforeAll
    static void start() {
        logged = FakeMcpServer.start("logged");
        logged.addTool("lookup");
        quiet = FakeMcpServer.start("quiet");
        gateway = new GovernedGateway("""
                users:
                  - {name: erin, email: erin@example.com}
                api_keys:
                  - {name: erin-key, subject: user:erin, key_hash: %s}
                mcp_servers:
                  - {name: logged, url: "%s", log_payloads: true, log_payloads_max_bytes: %d}
                  - {name: quiet, url: "%s"}
                guardrails:
                  - name: pii-in
                    type: pii
                    hooks: [mcp_pre_tool]
                    tools: [logged/echo, quiet/echo]
                    pii: {detect: [email], redact: mask}
                  - name: pii-out
                    type: pii
                    hooks: [mcp_post_tool]
                    tools: [logged/lookup]
                    pii: {detect: [email], redact: mask}
                tool_policies:
                  - {name: erin-logged, subjects: [user:erin], server: logged}
                  - {name: erin-quiet, subjects: [user:erin], server: quiet}
                """.formatted(ApiKey.hashOf(KEY), logged.url(), CAP, quiet.url()), Duration.ofMinutes(1));
        toLogged = client(gateway.baseUrl(), "logged", KEY);
        toLogged.initialize();
        toQuiet = client(gateway.baseUrl(), "quiet", KEY);
        toQuiet.initialize();
    }

    @AfterAll
    static void stop() {
        toLogged.close();
        toQuiet.close();
        gateway.close();
        logged.close();
        quiet.close();
    }

    @BeforeEach
    void clear() {
        gateway.drainAudit(0);
        gateway.spans().reset();
    }

    private static SpanData toolSpan(String tool) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (SpanData s : gateway.spans().getFinishedSpanItems()) {
                if (s.getName().equals("tools/call " + tool)) {
                    return s;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no span for " + tool + ": " + gateway.spans().getFinishedSpanItems());
    }

    private static EventData event(SpanData span, String name) {
        return span.getEvents().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no event " + name + " on " + span));
    }

    private static String text(EventData e, String key) {
        return e.getAttributes().get(AttributeKey.stringKey(key));
    }

    private static Boolean truncated(EventData e) {
        return e.getAttributes().get(AttributeKey.booleanKey("switchboard.truncated"));
    }

    @Test
    void argumentsAndResultAreSpanEventsAfterTheGuardrailsRedactedThem() {
        toLogged.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "write to " + EMAIL)));
        SpanData span = toolSpan("echo");
        EventData arguments = event(span, "gen_ai.tool.call.arguments");
        String sent = text(arguments, "gen_ai.tool.call.arguments");
        assertTrue(sent.startsWith("{\"message\":\"write to "), sent);
        assertFalse(sent.contains(EMAIL), "masked by pii-in before it left: " + sent);
        assertEquals(Boolean.FALSE, truncated(arguments));
        String result = text(event(span, "gen_ai.tool.call.result"), "gen_ai.tool.call.result");
        assertTrue(result.contains("logged: write to "), result);
        assertFalse(result.contains(EMAIL), result);

        // a result redacted on the way back: the arguments are as they went (no guardrail on them), the result masked
        gateway.spans().reset();
        toLogged.callTool(new McpSchema.CallToolRequest("lookup", Map.of("message", EMAIL)));
        SpanData lookup = toolSpan("lookup");
        assertTrue(text(event(lookup, "gen_ai.tool.call.arguments"), "gen_ai.tool.call.arguments").contains(EMAIL));
        String masked = text(event(lookup, "gen_ai.tool.call.result"), "gen_ai.tool.call.result");
        assertTrue(masked.contains("logged/lookup: "), masked);
        assertFalse(masked.contains(EMAIL), "masked by pii-out before it went back: " + masked);
    }

    @Test
    void payloadsOnSpansAreCutAtTheServersCapAndTheAuditRecordKeepsItsOwn() {
        String big = "x".repeat(5_000);
        toLogged.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", big)));
        SpanData span = toolSpan("echo");
        EventData arguments = event(span, "gen_ai.tool.call.arguments");
        assertEquals(Boolean.TRUE, truncated(arguments));
        assertEquals(CAP, text(arguments, "gen_ai.tool.call.arguments").getBytes(StandardCharsets.UTF_8).length);
        EventData result = event(span, "gen_ai.tool.call.result");
        assertEquals(Boolean.TRUE, truncated(result));
        assertEquals(CAP, text(result, "gen_ai.tool.call.result").getBytes(StandardCharsets.UTF_8).length);

        ToolCallRecord record = gateway.drainAudit(1).get(0);
        assertFalse(record.request().truncated(), "the audit record's own cap, 16 KiB");
        assertTrue(record.request().json().contains(big));
    }

    @Test
    void aServerWithoutLogPayloadsHasNoPayloadOnItsSpans() {
        toQuiet.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "quietly " + EMAIL)));
        SpanData span = toolSpan("echo");
        assertEquals("quiet", span.getAttributes().get(AttributeKey.stringKey("switchboard.mcp.server")));
        assertEquals(List.of(), span.getEvents());
        assertFalse(span.toString().contains("quietly"), span.toString());

        ToolCallRecord record = gateway.drainAudit(1).get(0);
        assertNotNull(record.request().json(), "the audit record stores the arguments as before");
        assertTrue(record.request().json().contains("quietly"), record.request().json());
    }
}
