package dev.switchboard.mcpgateway.tracing;

import static dev.switchboard.mcpgateway.support.McpTestResource.BOB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.testsupport.fakes.OtlpReceiver;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * An agent's {@code tools/call} of alpha's {@code echo} in a trace of its own, and what its spans must look like once a
 * receiver has them, for the tests of each way spans leave the MCP gateway.
 */
final class AgentTrace {

    final String traceId = hex(16);
    final String agentSpan = hex(8);
    final String message;

    private AgentTrace(String message) {
        this.message = message;
    }

    /** Bob calls alpha's echo with {@code message}, sending {@code traceparent}. */
    static AgentTrace callEcho(URL root, String message) {
        AgentTrace trace = new AgentTrace(message);
        McpHttp mcp = new McpHttp(root);
        String session = mcp.initialize("alpha", BOB_KEY);
        Map<String, String> headers = new HashMap<>(McpHttp.headers(BOB_KEY, session));
        headers.put("traceparent", "00-" + trace.traceId + "-" + trace.agentSpan + "-01");
        McpHttp.Reply reply = mcp.post("alpha", headers, McpHttp.request(7, "tools/call",
                "{\"name\":\"echo\",\"arguments\":{\"message\":\"" + message + "\"}}"));
        assertEquals(200, reply.status(), reply.body());
        return trace;
    }

    /**
     * Waits for the trace's spans at {@code receiver} and checks them: the request's server span a child of the agent's,
     * the tool call's span under it with the MCP and GenAI attributes, no key and no payload anywhere.
     *
     * @param problem what to add to a timeout's message (the relay's last problem, say)
     */
    void assertArrived(OtlpReceiver receiver, Supplier<String> problem) {
        List<OtlpReceiver.Received> spans = awaitSpans(receiver, problem);
        OtlpReceiver.Received tool = spans.stream().filter(s -> s.span().getName().equals("tools/call echo"))
                .findFirst().orElseThrow(() -> new AssertionError("no tools/call span in " + spans));
        OtlpReceiver.Received request = spans.stream().filter(s -> s.spanId().equals(tool.parentSpanId()))
                .findFirst().orElseThrow(() -> new AssertionError("the tool call's parent is not in the trace"));
        assertEquals(traceId, tool.traceId(), "the inbound traceparent's trace id");
        assertEquals(agentSpan, request.parentSpanId(), "the HTTP request's span joins the agent's trace");
        assertEquals(Span.SpanKind.SPAN_KIND_SERVER, request.span().getKind());
        assertEquals("switchboard-mcp-gateway", tool.resourceString("service.name"));
        assertEquals("tools/call", tool.string("mcp.method.name"));
        assertEquals("execute_tool", tool.string("gen_ai.operation.name"));
        assertEquals("echo", tool.string("gen_ai.tool.name"));
        assertEquals("alpha", tool.string("switchboard.mcp.server"));
        assertEquals("ok", tool.string("switchboard.outcome"));
        assertEquals("user:bob", tool.string("switchboard.subject"));
        for (OtlpReceiver.Received s : spans) {
            assertFalse(s.span().toString().contains(BOB_KEY), "never the caller's key");
            assertFalse(s.span().toString().contains(message), "never a payload: alpha does not log them");
        }
    }

    private List<OtlpReceiver.Received> awaitSpans(OtlpReceiver receiver, Supplier<String> problem) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<OtlpReceiver.Received> spans = receiver.spansOfTrace(traceId);
            if (spans.size() >= 2) {
                return spans;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("fewer than 2 spans of " + traceId + " after 30 s at " + receiver.endpoint() + ": "
                + receiver.spansOfTrace(traceId) + problem.get());
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1;
        return HexFormat.of().formatHex(b);
    }
}
