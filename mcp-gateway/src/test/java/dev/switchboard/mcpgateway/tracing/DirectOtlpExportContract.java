package dev.switchboard.mcpgateway.tracing;

import static dev.switchboard.mcpgateway.support.McpTestResource.BOB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.runtime.tracing.TraceSettings;
import dev.switchboard.teststack.LocalStack;
import dev.switchboard.testsupport.fakes.OtlpReceiver;
import io.opentelemetry.proto.trace.v1.Span;
import io.quarkus.test.common.http.TestHTTPResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code switchboard.traces.export=otlp} on the MCP gateway: a tool call's spans go straight to a real OTLP receiver
 * ({@link OtlpReceiver}) over the protocol each subclass sets, in the agent's trace.
 */
abstract class DirectOtlpExportContract {

    /** The config a subclass's profile gives: otlp export to {@code receiver} over {@code protocol}. */
    static Map<String, String> otlpTo(OtlpReceiver receiver, String protocol) {
        String name = "no-such-bucket-" + UUID.randomUUID();
        try {
            return Map.of(
                    FeedSettings.NATS_URL, LocalStack.get().natsUrl(),
                    FeedSettings.BUCKET, name,
                    FeedSettings.CACHE_FILE, Files.createTempDirectory("switchboard-mcp-otlp-test")
                            .resolve("snapshot.json.gz").toString(),
                    TraceSettings.EXPORT, "otlp",
                    TraceSettings.OTLP_ENDPOINT, receiver.endpoint(),
                    TraceSettings.OTLP_PROTOCOL, protocol);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TestHTTPResource("/")
    URL root;

    abstract OtlpReceiver receiver();

    @Test
    void aToolCallsSpansGoStraightToTheCollectorInTheAgentsTrace() {
        McpHttp mcp = new McpHttp(root);
        String session = mcp.initialize("alpha", BOB_KEY);
        String traceId = hex(16);
        String agentSpan = hex(8);
        Map<String, String> headers = new HashMap<>(McpHttp.headers(BOB_KEY, session));
        headers.put("traceparent", "00-" + traceId + "-" + agentSpan + "-01");
        McpHttp.Reply reply = mcp.post("alpha", headers, McpHttp.request(7, "tools/call",
                "{\"name\":\"echo\",\"arguments\":{\"message\":\"direct\"}}"));
        assertEquals(200, reply.status(), reply.body());

        List<OtlpReceiver.Received> spans = awaitSpans(traceId, 2);
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
            assertFalse(s.span().toString().contains("direct"), "no payload: alpha does not log them");
        }
    }

    private List<OtlpReceiver.Received> awaitSpans(String traceId, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<OtlpReceiver.Received> spans = receiver().spansOfTrace(traceId);
            if (spans.size() >= atLeast) {
                return spans;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("fewer than " + atLeast + " spans of " + traceId + " after 30 s at "
                + receiver().endpoint() + ": " + receiver().spansOfTrace(traceId));
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1;
        return HexFormat.of().formatHex(b);
    }
}
