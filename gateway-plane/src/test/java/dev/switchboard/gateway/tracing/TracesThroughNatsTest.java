package dev.switchboard.gateway.tracing;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.gateway.telemetry.RequestLogExport;
import dev.switchboard.model.telemetry.TelemetryWire;
import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.runtime.telemetry.TelemetryPublisher;
import dev.switchboard.runtime.telemetry.TelemetrySettings;
import dev.switchboard.runtime.tracing.OtlpSender;
import dev.switchboard.runtime.tracing.SpanRelay;
import dev.switchboard.runtime.tracing.TraceSettings;
import dev.switchboard.teststack.PrivateNats;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.testsupport.fakes.OtlpReceiver;
import io.opentelemetry.proto.trace.v1.Span;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The article's path for traces, end to end: a request made with the official OpenAI SDK through the gateway, its
 * spans handed to NATS (a private {@code nats-server} of this test, to stop and start), taken from JetStream by the
 * control plane's relay ({@link SpanRelay}, the class the control plane runs) and forwarded to real OTLP receivers,
 * one over HTTP/protobuf and one over gRPC, each decoding {@code ExportTraceServiceRequest} with OpenTelemetry's proto
 * classes. Stream, subjects and consumers are this test's own.
 *
 * <p>Here request logs are on (the default with NATS), so the spans go in the request logs' rows and the relay makes
 * them ({@link SpanRelay#fromRequestLogs}); {@link SpansLaneThroughNatsTest} runs the same with request logs off, where
 * the gateway publishes its spans encoded.
 */
@QuarkusTest
@TestProfile(TracesThroughNatsTest.Profile.class)
@EnabledIf(value = "dev.switchboard.teststack.PrivateNats#installed",
        disabledReason = "/usr/sbin/nats-server is not installed: this test stops and starts a NATS of its own")
class TracesThroughNatsTest {

    private static final String NAME = "GW_TRACES_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10)
            .toUpperCase();
    private static final String PREFIX = "test.traces." + NAME.toLowerCase() + ".";
    private static final int BUFFER = 20;
    private static final Duration WAIT = Duration.ofSeconds(30);
    static PrivateNats nats;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path cache;
            try {
                cache = Files.createTempDirectory("switchboard-traces-test").resolve("snapshot.json.gz");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (nats == null) {
                nats = new PrivateNats().start();
            }
            return Map.ofEntries(Map.entry(FeedSettings.NATS_URL, nats.url()),
                    Map.entry(TelemetrySettings.ENABLED, Boolean.toString(requestLogs())),
                    Map.entry(TelemetrySettings.BUFFER_SIZE, Integer.toString(BUFFER)),
                    Map.entry(FeedSettings.BUCKET, "no-such-bucket-" + NAME.toLowerCase()),
                    Map.entry(FeedSettings.CACHE_FILE, cache.toString()),
                    Map.entry(TraceSettings.EXPORT, "nats"),
                    Map.entry(TraceSettings.BUFFER_SIZE, Integer.toString(BUFFER)),
                    Map.entry(TelemetrySettings.STREAM, NAME),
                    Map.entry(TelemetrySettings.SUBJECT_PREFIX, PREFIX),
                    Map.entry(TelemetrySettings.FLUSH_INTERVAL, "50ms"),
                    Map.entry(TelemetrySettings.RETRY_MAX, "500ms"));
        }

        /** Whether the gateway logs requests: its spans then go in the rows. */
        boolean requestLogs() {
            return true;
        }
    }

    @TestHTTPResource("/v1")
    URL gateway;

    @Inject
    TraceExport traces;

    @Inject
    RequestLogExport requestLogs;

    static OtlpReceiver http;
    static OtlpReceiver grpc;
    static SpanRelay httpRelay;
    static SpanRelay grpcRelay;

    @BeforeEach
    void relaysToReceivers() {
        if (httpRelay != null) {
            return;
        }
        http = OtlpReceiver.http();
        grpc = OtlpReceiver.grpc();
        httpRelay = relay(relay("http"), OtlpSender.create(OtlpSender.Protocol.HTTP_PROTOBUF, http.endpoint(), null));
        grpcRelay = relay(relay("grpc"), OtlpSender.create(OtlpSender.Protocol.GRPC, grpc.endpoint(), null));
    }

    /** The control plane's relay of this way of sending spans. */
    SpanRelay relay(SpanRelay.Settings settings, OtlpSender sender) {
        assertTrue(traces.inRequestLogs(), "request logs on, traces to NATS: the spans go in the rows");
        assertNull(traces.export(), "no span lane of its own");
        return SpanRelay.fromRequestLogs(settings, sender);
    }

    /** The lane the spans leave by. */
    TelemetryPublisher.Lane<?> lane() {
        TelemetryPublisher.Lane<?> lane = requestLogs.publisher().lanes().get(0);
        assertEquals(TelemetryWire.REQUEST_LOGS, lane.wireSubject());
        return lane;
    }

    TelemetryPublisher publisher() {
        return requestLogs.publisher();
    }

    private static SpanRelay.Settings relay(String protocol) {
        return new SpanRelay.Settings(nats.url(), NAME, PREFIX, "spans-" + protocol + "-" + NAME.toLowerCase(),
                Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    @AfterAll
    static void stop() {
        httpRelay.close();
        grpcRelay.close();
        http.close();
        grpc.close();
        nats.close();
        httpRelay = null;
        grpcRelay = null;
        nats = null;
    }

    @Test
    void aFailedAttemptAndItsFallbackAreSiblingClientSpansInTheCallersTrace() {
        FakeOpenAi openAi = GatewayTestResource.openAi;
        openAi.reset();
        openAi.setUsage(1000, 500);
        // the first target (fake/gpt-4o-mini, priority 0) answers 404, a fallback status it is not retried on
        openAi.failNext(404);
        String traceId = hex(16);
        String callerSpan = hex(8);

        ChatCompletion completion = sdk().chat().completions().create(ChatCompletionCreateParams.builder()
                .model("assistant").addUserMessage("hi").maxCompletionTokens(64).temperature(0.25)
                .putAdditionalHeader("traceparent", "00-" + traceId + "-" + callerSpan + "-01").build());
        assertEquals("gpt-4o", completion.model(), "served by the fallback");

        for (OtlpReceiver receiver : List.of(http, grpc)) {
            List<OtlpReceiver.Received> spans = Gateway.awaitValue(WAIT, "3 spans of the trace at " + receiver.endpoint(),
                    () -> java.util.Optional.of(receiver.spansOfTrace(traceId)).filter(s -> s.size() >= 3));
            assertEquals(3, spans.size(), "one server span and two client spans, once each");
            OtlpReceiver.Received server = only(spans, Span.SpanKind.SPAN_KIND_SERVER);
            assertEquals(callerSpan, server.parentSpanId(), "the server span is a child of the caller's");
            assertEquals("chat assistant", server.span().getName());
            assertEquals("switchboard-gateway-plane", server.resourceString("service.name"));
            assertEquals("chat", server.string("gen_ai.operation.name"));
            assertEquals("openai-compatible", server.string("gen_ai.provider.name"));
            assertEquals("assistant", server.string("gen_ai.request.model"));
            assertEquals("gpt-4o", server.string("gen_ai.response.model"));
            assertEquals(completion.id(), server.string("gen_ai.response.id"));
            assertEquals(List.of("stop"), server.attribute("gen_ai.response.finish_reasons").getArrayValue()
                    .getValuesList().stream().map(v -> v.getStringValue()).toList());
            assertEquals(1000, server.attribute("gen_ai.usage.input_tokens").getIntValue());
            assertEquals(500, server.attribute("gen_ai.usage.output_tokens").getIntValue());
            assertEquals(64, server.attribute("gen_ai.request.max_tokens").getIntValue());
            assertEquals(0.25, server.attribute("gen_ai.request.temperature").getDoubleValue());
            assertEquals("user:alice", server.string("switchboard.subject"));
            assertNull(server.string("switchboard.team"), "an API key of a user counts for no team (RequestLog.teamOf)");
            assertEquals("alice-key", server.string("switchboard.api_key"));
            assertEquals("assistant", server.string("switchboard.virtual_model"));
            assertEquals("fake/gpt-4o", server.string("switchboard.resolved_model"));
            assertEquals(0.0, server.attribute("switchboard.cost_usd").getDoubleValue(), "fake/gpt-4o has no price");
            assertTrue(server.attribute("switchboard.ttft_ms").getDoubleValue() >= 0);
            assertEquals(2, server.attribute("switchboard.attempts").getIntValue());
            assertNull(server.attribute("switchboard.rate_limit"), "no limit refused it");
            assertNoSecret(spans);

            List<OtlpReceiver.Received> clients = spans.stream()
                    .filter(s -> s.span().getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
                    .sorted(java.util.Comparator.comparingLong(s -> s.span().getStartTimeUnixNano())).toList();
            assertEquals(2, clients.size());
            OtlpReceiver.Received failed = clients.get(0);
            OtlpReceiver.Received fallback = clients.get(1);
            for (OtlpReceiver.Received client : clients) {
                assertEquals(server.spanId(), client.parentSpanId(), "attempts are siblings under the server span");
            }
            assertEquals("chat gpt-4o-mini", failed.span().getName());
            assertEquals("fake/gpt-4o-mini", failed.string("switchboard.target"));
            assertEquals(404, failed.attribute("http.response.status_code").getIntValue());
            assertEquals("404", failed.string("error.type"));
            assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR,
                    failed.span().getStatus().getCode());
            assertEquals("chat gpt-4o", fallback.span().getName());
            assertEquals("gpt-4o", fallback.string("gen_ai.request.model"));
            assertEquals(200, fallback.attribute("http.response.status_code").getIntValue());
            assertEquals(completion.id(), fallback.string("gen_ai.response.id"));
            assertEquals(500, fallback.attribute("gen_ai.usage.output_tokens").getIntValue());
            assertTrue(failed.span().getEndTimeUnixNano() <= fallback.span().getStartTimeUnixNano(),
                    "the fallback started after the failed attempt ended");

            // each attempt carried its own span id upstream: the provider joins the trace under it
            List<String> upstream = openAi.requests().stream().map(r -> r.header("traceparent")).toList();
            assertEquals(List.of("00-" + traceId + "-" + failed.spanId() + "-01",
                    "00-" + traceId + "-" + fallback.spanId() + "-01"), upstream);
        }
    }

    @Test
    void aRequestWithoutTraceparentStartsATraceOfItsOwnWithItsCost() {
        FakeOpenAi openAi = GatewayTestResource.openAi;
        openAi.reset();
        openAi.setUsage(1000, 500);
        ChatCompletion completion = Gateway.sdk(gateway, ALICE_KEY).chat().completions().create(
                ChatCompletionCreateParams.builder().model("fake/gpt-4o-mini").addUserMessage("hi").build());
        String traceId = openAi.lastRequest().header("traceparent").substring(3, 35);

        OtlpReceiver.Received server = Gateway.awaitValue(WAIT, "the server span", () -> http.spansOfTrace(traceId)
                .stream().filter(s -> s.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER).findFirst());
        assertTrue(server.span().getParentSpanId().isEmpty(), "a root span");
        assertEquals(completion.id(), server.string("gen_ai.response.id"));
        assertEquals(0.002, server.attribute("switchboard.cost_usd").getDoubleValue(), 1e-12,
                "1000 tokens in at $1/M and 500 out at $2/M");
        assertNull(server.attribute("switchboard.virtual_model"), "a model named directly");
        assertNull(server.attribute("gen_ai.request.temperature"), "not sent, not recorded");
    }

    @Test
    void natsStoppedMidRunFailsNoRequestCountsItsDropsAndSpansAfterItsReturnArrive() throws Exception {
        FakeOpenAi openAi = GatewayTestResource.openAi;
        openAi.reset();
        OpenAIClient sdk = Gateway.sdk(gateway, ALICE_KEY);
        TelemetryPublisher.Lane<?> lane = lane();
        long droppedBefore = lane.dropped();
        long publishedBefore = lane.published();

        nats.stop();
        Gateway.await(Duration.ofSeconds(10), "the publisher to notice", () -> !"connected".equals(
                publisher().status()));
        int during = BUFFER * 3;
        Set<String> traceIds = new java.util.HashSet<>();
        for (int i = 0; i < during; i++) {
            // any failure here throws: the requests must all succeed while spans cannot leave
            sdk.chat().completions().create(ChatCompletionCreateParams.builder().model("fake/gpt-4o-mini")
                    .addUserMessage("during " + i).build());
            traceIds.add(openAi.lastRequest().header("traceparent").substring(3, 35));
        }

        nats.start();
        // recovered: what the queue kept is published. A request's span is offered as its answer ends, so the last
        // one may come just after the client has it: count once every span of the outage is published or dropped.
        Gateway.await(WAIT, "every span of the outage published or dropped",
                () -> lane.published() - publishedBefore + lane.dropped() - droppedBefore == during);
        long dropped = lane.dropped() - droppedBefore;
        // one more may be kept than the queue holds: the row the publisher had taken when NATS went away
        assertTrue(dropped >= during - BUFFER - 1 && dropped <= during - BUFFER,
                "a queue of " + BUFFER + " keeps that many and drops the rest: dropped " + dropped);
        assertEquals(0, lane.queued(), "the queue drained");
        String after = hex(16);
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("fake/gpt-4o-mini")
                .addUserMessage("after").putAdditionalHeader("traceparent", "00-" + after + "-" + hex(8) + "-01").build();
        sdk.chat().completions().create(params);
        Gateway.await(WAIT, "the spans of a request after NATS returned",
                () -> http.spansOfTrace(after).stream().map(OtlpReceiver.Received::spanId).distinct().count() == 2);

        // every request of the outage is either delivered (server span) or counted as dropped, never both
        Gateway.await(WAIT, "the kept spans of the outage", () -> serverSpansOf(traceIds).size() + dropped == during);
        assertEquals(during, serverSpansOf(traceIds).size() + dropped);
    }

    private static Set<String> serverSpansOf(Set<String> traceIds) {
        return http.spans().stream().filter(s -> s.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER)
                .map(OtlpReceiver.Received::traceId).filter(traceIds::contains).collect(Collectors.toSet());
    }

    private OpenAIClient sdk() {
        return Gateway.sdk(gateway, ALICE_KEY);
    }

    private static OtlpReceiver.Received only(List<OtlpReceiver.Received> spans, Span.SpanKind kind) {
        List<OtlpReceiver.Received> of = spans.stream().filter(s -> s.span().getKind() == kind).toList();
        assertEquals(1, of.size(), kind.toString());
        return of.get(0);
    }

    /** Neither the caller's key nor the upstream's is anywhere in a span. */
    private static void assertNoSecret(List<OtlpReceiver.Received> spans) {
        for (OtlpReceiver.Received s : spans) {
            String text = s.span().toString();
            assertFalse(text.contains(ALICE_KEY), "the caller's key");
            assertFalse(text.contains("sk-upstream-secret-value"), "the provider's key");
            assertFalse(text.toLowerCase().contains("authorization"), "no header");
        }
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1;
        return HexFormat.of().formatHex(b);
    }
}
