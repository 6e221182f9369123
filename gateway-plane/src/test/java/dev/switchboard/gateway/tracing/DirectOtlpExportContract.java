package dev.switchboard.gateway.tracing;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.runtime.tracing.TraceSettings;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.testsupport.fakes.OtlpReceiver;
import io.opentelemetry.proto.trace.v1.Span;
import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code switchboard.traces.export=otlp}: the gateway sends its spans straight to a collector, no NATS on the way; here
 * a real OTLP receiver ({@link OtlpReceiver}, OpenTelemetry's proto classes) over the protocol each subclass sets. A
 * request made with the official OpenAI SDK in the caller's trace arrives as one trace: the server span a child of the
 * caller's span, the GenAI attributes, one client span per attempt.
 */
abstract class DirectOtlpExportContract {

    /** The config a subclass's profile gives: otlp export to {@code receiver} over {@code protocol}. */
    static Map<String, String> otlpTo(OtlpReceiver receiver, String protocol) {
        return Map.of(
                TraceSettings.EXPORT, "otlp",
                TraceSettings.OTLP_ENDPOINT, receiver.endpoint(),
                TraceSettings.OTLP_PROTOCOL, protocol);
    }

    @TestHTTPResource("/v1")
    URL gateway;

    abstract OtlpReceiver receiver();

    @Test
    void aRequestsSpansGoStraightToTheCollectorInTheCallersTrace() {
        FakeOpenAi openAi = GatewayTestResource.openAi;
        openAi.reset();
        openAi.setUsage(1000, 500);
        String traceId = hex(16);
        String callerSpan = hex(8);

        ChatCompletion completion = Gateway.sdk(gateway, ALICE_KEY).chat().completions().create(
                ChatCompletionCreateParams.builder().model("fake/gpt-4o-mini").addUserMessage("hi")
                        .maxCompletionTokens(32).temperature(0.5)
                        .putAdditionalHeader("traceparent", "00-" + traceId + "-" + callerSpan + "-01").build());

        List<OtlpReceiver.Received> spans = Gateway.awaitValue(Duration.ofSeconds(30), "2 spans of the trace at "
                + receiver().endpoint(), () -> Optional.of(receiver().spansOfTrace(traceId)).filter(s -> s.size() >= 2));
        assertEquals(2, spans.size(), "one server span and one client span: " + spans);
        OtlpReceiver.Received server = spans.stream().filter(s -> s.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER)
                .findFirst().orElseThrow();
        OtlpReceiver.Received client = spans.stream().filter(s -> s.span().getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
                .findFirst().orElseThrow();
        assertEquals(traceId, server.traceId(), "the inbound traceparent's trace id");
        assertEquals(callerSpan, server.parentSpanId(), "a child of the caller's span");
        assertEquals(server.spanId(), client.parentSpanId());
        assertEquals("switchboard-gateway-plane", server.resourceString("service.name"));
        assertEquals("chat fake/gpt-4o-mini", server.span().getName());
        assertEquals("chat", server.string("gen_ai.operation.name"));
        assertEquals("openai-compatible", server.string("gen_ai.provider.name"));
        assertEquals("fake/gpt-4o-mini", server.string("gen_ai.request.model"));
        assertEquals(completion.model(), server.string("gen_ai.response.model"));
        assertEquals(completion.id(), server.string("gen_ai.response.id"));
        assertEquals(1000, server.attribute("gen_ai.usage.input_tokens").getIntValue());
        assertEquals(500, server.attribute("gen_ai.usage.output_tokens").getIntValue());
        assertEquals(32, server.attribute("gen_ai.request.max_tokens").getIntValue());
        assertEquals(0.5, server.attribute("gen_ai.request.temperature").getDoubleValue());
        assertEquals("user:alice", server.string("switchboard.subject"));
        assertEquals("alice-key", server.string("switchboard.api_key"));
        assertEquals(0.002, server.attribute("switchboard.cost_usd").getDoubleValue(), 1e-12,
                "1000 tokens in at $1/M and 500 out at $2/M");
        assertEquals("chat gpt-4o-mini", client.span().getName());
        assertEquals("fake/gpt-4o-mini", client.string("switchboard.target"));
        assertEquals(200, client.attribute("http.response.status_code").getIntValue());
        assertEquals("00-" + traceId + "-" + client.spanId() + "-01", openAi.lastRequest().header("traceparent"),
                "the attempt carried its own span id upstream");
        for (OtlpReceiver.Received s : spans) {
            assertFalse(s.span().toString().contains(ALICE_KEY), "never the caller's key");
            assertFalse(s.span().toString().contains("sk-upstream-secret-value"), "never the provider's key");
        }
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1;
        return HexFormat.of().formatHex(b);
    }
}
