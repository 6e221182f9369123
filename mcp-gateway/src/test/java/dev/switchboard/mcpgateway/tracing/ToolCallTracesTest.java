package dev.switchboard.mcpgateway.tracing;

import static dev.switchboard.mcpgateway.support.McpTestResource.BOB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.runtime.telemetry.TelemetrySettings;
import dev.switchboard.runtime.tracing.OtlpSender;
import dev.switchboard.runtime.tracing.SpanRelay;
import dev.switchboard.runtime.tracing.TraceSettings;
import dev.switchboard.teststack.LocalStack;
import dev.switchboard.testsupport.fakes.OtlpReceiver;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.opentelemetry.proto.trace.v1.Span;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tool call's spans take the gateway plane's path: handed to NATS (the shared test NATS, a stream and subjects of
 * this test's own), forwarded by the control plane's relay to a real OTLP receiver, in the trace of the agent's
 * {@code traceparent}.
 */
@QuarkusTest
@TestProfile(ToolCallTracesTest.Profile.class)
class ToolCallTracesTest {

    private static final String NAME = "MCP_TRACES_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10)
            .toUpperCase();
    private static final String PREFIX = "test.traces." + NAME.toLowerCase() + ".";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path cache;
            try {
                cache = Files.createTempDirectory("switchboard-mcp-traces-test").resolve("snapshot.json.gz");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of(
                    FeedSettings.NATS_URL, LocalStack.get().natsUrl(),
                    FeedSettings.BUCKET, "no-such-bucket-" + NAME.toLowerCase(),
                    FeedSettings.CACHE_FILE, cache.toString(),
                    TraceSettings.EXPORT, "nats",
                    TelemetrySettings.STREAM, NAME,
                    TelemetrySettings.SUBJECT_PREFIX, PREFIX,
                    TelemetrySettings.FLUSH_INTERVAL, "50ms",
                    TelemetrySettings.MAX_AGE, "1h");
        }
    }

    @TestHTTPResource("/")
    URL root;

    static OtlpReceiver receiver;
    static SpanRelay relay;

    @BeforeAll
    static void relayToReceiver() {
        receiver = OtlpReceiver.http();
        relay = SpanRelay.start(new SpanRelay.Settings(LocalStack.get().natsUrl(), NAME, PREFIX,
                        "spans-" + NAME.toLowerCase(), Duration.ofMillis(100), Duration.ofSeconds(1)),
                OtlpSender.create(OtlpSender.Protocol.HTTP_PROTOBUF, receiver.endpoint(), null));
    }

    @AfterAll
    static void stop() throws Exception {
        relay.close();
        receiver.close();
        try (Connection nats = Nats.connect(LocalStack.get().natsUrl())) {
            nats.jetStreamManagement().deleteStream(NAME);
        }
    }

    @Test
    void aToolCallIsASpanInTheAgentsTraceAfterTheNatsHop() {
        McpHttp mcp = new McpHttp(root);
        String session = mcp.initialize("alpha", BOB_KEY);
        String traceId = hex(16);
        String agentSpan = hex(8);
        Map<String, String> headers = new HashMap<>(McpHttp.headers(BOB_KEY, session));
        headers.put("traceparent", "00-" + traceId + "-" + agentSpan + "-01");
        McpHttp.Reply reply = mcp.post("alpha", headers, McpHttp.request(7, "tools/call",
                "{\"name\":\"echo\",\"arguments\":{\"message\":\"traced\"}}"));
        assertEquals(200, reply.status(), reply.body());

        List<OtlpReceiver.Received> spans = awaitSpans(traceId, 2);
        OtlpReceiver.Received tool = spans.stream().filter(s -> s.span().getName().equals("tools/call echo"))
                .findFirst().orElseThrow(() -> new AssertionError("no tools/call span in " + spans));
        OtlpReceiver.Received request = spans.stream().filter(s -> s.spanId().equals(tool.parentSpanId()))
                .findFirst().orElseThrow(() -> new AssertionError("the tool call's parent is not in the trace"));
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
            assertFalse(s.span().toString().contains("traced"), "never a payload");
        }
    }

    private static List<OtlpReceiver.Received> awaitSpans(String traceId, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<OtlpReceiver.Received> spans = receiver.spansOfTrace(traceId);
            if (spans.size() >= atLeast) {
                return spans;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("fewer than " + atLeast + " spans of " + traceId + " after 30 s: "
                + receiver.spansOfTrace(traceId) + Optional.ofNullable(relay.problem()).map(p -> " (" + p + ")").orElse(""));
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1;
        return HexFormat.of().formatHex(b);
    }
}
