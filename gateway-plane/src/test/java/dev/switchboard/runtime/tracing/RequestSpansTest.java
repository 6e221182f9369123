package dev.switchboard.runtime.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.model.telemetry.RequestLog;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestSpansTest {

    private static final RequestSpans SPANS = new RequestSpans(Resource.empty());
    private static final long START = 1_700_000_000_000_000_000L;

    private static RequestLog log(int status, String errorCode, String limitRule, List<RequestLog.Attempt> attempts,
                                  List<RequestLog.GuardrailVerdict> verdicts) {
        return new RequestLog("req-1", Instant.ofEpochMilli(START / 1_000_000), "user:alice", "ml",
                "api_key:alice-key", "/v1/chat/completions", "assistant", "fake/gpt-4o", false, status, errorCode, 12.5,
                3.0, 10, 20, 1.0, 0.25, attempts, verdicts, Map.of(), List.of(), limitRule,
                new RequestLog.Trace(1, 2, 3, 4, START, "assistant", 64, Double.NaN, "cmpl-1", "gpt-4o", "stop"), null);
    }

    /** {@code plain} with other metadata and payloads. */
    private static RequestLog with(RequestLog plain, Map<String, String> metadata, RequestLog.Payloads payloads) {
        return new RequestLog(plain.requestId(), plain.startedAt(), plain.subject(), plain.team(), plain.credential(),
                plain.endpoint(), plain.requestedModel(), plain.resolvedModel(), plain.stream(), plain.status(),
                plain.errorCode(), plain.latencyMs(), plain.timeToFirstTokenMs(), plain.promptTokens(),
                plain.completionTokens(), plain.timePerOutputTokenMs(), plain.costUsd(), plain.attempts(),
                plain.guardrails(), metadata, plain.limitKeys(), plain.limitRule(), plain.trace(), payloads);
    }

    @Test
    void aRateLimitedRequestIsOneFailedServerSpanNamingTheRule() {
        List<SpanData> spans = SPANS.of(log(429, "rate_limit_exceeded", "team-ml-rpm", List.of(), List.of()));
        assertEquals(1, spans.size(), "no attempt was made");
        SpanData server = spans.get(0);
        assertEquals(SpanKind.SERVER, server.getKind());
        assertEquals("team-ml-rpm", server.getAttributes().get(AttributeKey.stringKey("switchboard.rate_limit")));
        assertEquals("rate_limit_exceeded", server.getAttributes().get(AttributeKey.stringKey("error.type")));
        assertEquals(StatusCode.ERROR, server.getStatus().getStatusCode());
        assertNull(server.getAttributes().get(AttributeKey.stringKey("gen_ai.response.id")), "nothing was answered");
        assertEquals(64L, server.getAttributes().get(AttributeKey.longKey("gen_ai.request.max_tokens")));
        assertNull(server.getAttributes().get(AttributeKey.doubleKey("gen_ai.request.temperature")), "not sent");
    }

    @Test
    void payloadsAreEventsOfTheServerSpanOnly() {
        RequestLog plain = log(200, null, null, List.of(new RequestLog.Attempt("fake/gpt-4o", 200, 10, "openai", 9,
                START)), List.of());
        RequestLog log = with(plain, plain.metadata(),
                new RequestLog.Payloads("{\"messages\":[]}", false, "Hi there", true));

        List<SpanData> spans = SPANS.of(log);

        List<EventData> events = spans.get(0).getEvents();
        assertEquals(List.of("gen_ai.content.prompt", "gen_ai.content.completion"),
                events.stream().map(EventData::getName).toList());
        assertEquals("{\"messages\":[]}", events.get(0).getAttributes().get(AttributeKey.stringKey("gen_ai.prompt")));
        assertEquals(START, events.get(0).getEpochNanos());
        assertEquals("Hi there", events.get(1).getAttributes().get(AttributeKey.stringKey("gen_ai.completion")));
        assertEquals(true, events.get(1).getAttributes().get(AttributeKey.booleanKey("switchboard.truncated")));
        assertEquals(spans.get(0).getEndEpochNanos(), events.get(1).getEpochNanos());
        assertEquals(List.of(), spans.get(1).getEvents(), "the attempt's span has none");
        assertEquals(List.of(), SPANS.of(plain).get(0).getEvents(), "payloads not logged: no events");
    }

    @Test
    void guardrailVerdictsAreListedAndTheBlockerNamed() {
        List<SpanData> spans = SPANS.of(log(400, "guardrail_violation", null, List.of(), List.of(
                new RequestLog.GuardrailVerdict("llm_input", "pii-in", "pii", "enforce", "violation", true, "email", 1),
                new RequestLog.GuardrailVerdict("llm_input", "watch", "regex", "audit", "pass", false, null, 1))));
        SpanData server = spans.get(0);
        assertEquals(List.of("llm_input:pii-in:enforce:violation:blocked", "llm_input:watch:audit:pass"),
                server.getAttributes().get(AttributeKey.stringArrayKey("switchboard.guardrail.verdicts")));
        assertEquals("pii-in", server.getAttributes().get(AttributeKey.stringKey("switchboard.guardrail.blocked_by")));
    }

    @Test
    void attemptsAreClientChildrenOfTheServerSpanAndOnlyTheServingOneHasTheAnswer() {
        List<SpanData> spans = SPANS.of(log(200, null, null, List.of(
                new RequestLog.Attempt("fake/gpt-4o-mini", -1, 2, "openai-compatible", 7, START + 1_000),
                new RequestLog.Attempt("fake/gpt-4o", 200, 9, "openai-compatible", 8, START + 3_000_000)), List.of()));
        assertEquals(3, spans.size());
        SpanData server = spans.get(0);
        SpanData failed = spans.get(1);
        SpanData served = spans.get(2);
        assertEquals("0000000000000003", server.getParentSpanId(), "the caller's span");
        assertEquals("00000000000000010000000000000002", server.getTraceId());
        for (SpanData client : List.of(failed, served)) {
            assertEquals(SpanKind.CLIENT, client.getKind());
            assertEquals(server.getSpanId(), client.getParentSpanId());
        }
        assertEquals("no_response", failed.getAttributes().get(AttributeKey.stringKey("error.type")));
        assertNull(failed.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
        assertFalse(failed.getAttributes().asMap().containsKey(AttributeKey.stringKey("gen_ai.response.id")));
        assertEquals("cmpl-1", served.getAttributes().get(AttributeKey.stringKey("gen_ai.response.id")));
        assertEquals(20L, served.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")));
        assertEquals(START + 3_000_000 + 9_000_000, served.getEndEpochNanos());
        assertEquals(0.25, server.getAttributes().get(AttributeKey.doubleKey("switchboard.cost_usd")));
        assertEquals("alice-key", server.getAttributes().get(AttributeKey.stringKey("switchboard.api_key")));
        assertTrue(server.getEndEpochNanos() >= served.getEndEpochNanos() - 1_000_000);
    }

    @Test
    void theAttributesAreThoseTheSdksBuilderMakesInItsOrder() {
        List<SpanData> spans = SPANS.of(log(200, null, "team-ml-rpm", List.of(
                new RequestLog.Attempt("fake/gpt-4o-mini", 503, 2, "openai-compatible", 7, START + 1_000),
                new RequestLog.Attempt("fake/gpt-4o", 200, 9, "openai-compatible", 8, START + 3_000_000)),
                List.of(new RequestLog.GuardrailVerdict("llm_input", "pii-in", "pii", "enforce", "pass", false, null,
                        0.5))));
        for (SpanData span : spans) {
            io.opentelemetry.api.common.Attributes sdk = io.opentelemetry.api.common.Attributes.builder()
                    .putAll(span.getAttributes()).build();
            List<String> sdkOrder = new java.util.ArrayList<>();
            sdk.forEach((k, v) -> sdkOrder.add(k.getKey()));
            List<String> order = new java.util.ArrayList<>();
            span.getAttributes().forEach((k, v) -> order.add(k.getKey()));
            assertEquals(sdkOrder, order, span.getName());
            assertEquals(sdk.asMap(), span.getAttributes().asMap());
        }
        assertEquals(22, spans.get(0).getAttributes().size(), spans.get(0).getAttributes().toString());
    }

    @Test
    void theRequestsMetadataIsOnTheServerSpanOnly() {
        RequestLog plain = log(200, null, null, List.of(new RequestLog.Attempt("fake/gpt-4o", 200, 10, "openai", 9,
                START)), List.of());
        RequestLog log = with(plain, Map.of("customer_id", "acme", "env", "prod"), null);

        List<SpanData> spans = SPANS.of(log);

        SpanData server = spans.get(0);
        assertEquals("acme", server.getAttributes().get(AttributeKey.stringKey("switchboard.metadata.customer_id")));
        assertEquals("prod", server.getAttributes().get(AttributeKey.stringKey("switchboard.metadata.env")));
        assertEquals(SPANS.of(plain).get(0).getAttributes().size() + 2, server.getAttributes().size(),
                "the other attributes as they were");
        assertNull(spans.get(1).getAttributes().get(AttributeKey.stringKey("switchboard.metadata.env")),
                "the attempt's span has none");
    }

    @Test
    void aLogWithoutTraceHasNoSpans() {
        RequestLog log = log(200, null, null, List.of(), List.of());
        RequestLog untraced = new RequestLog(log.requestId(), log.startedAt(), log.subject(), log.team(),
                log.credential(), log.endpoint(), log.requestedModel(), log.resolvedModel(), log.stream(), log.status(),
                log.errorCode(), log.latencyMs(), log.timeToFirstTokenMs(), log.promptTokens(), log.completionTokens(),
                log.timePerOutputTokenMs(), log.costUsd(), log.attempts(), log.guardrails(), log.metadata(),
                log.limitKeys(), log.limitRule(), null, null);
        assertTrue(SPANS.of(untraced).isEmpty());
    }

    @Test
    void everyEndpointHasTheOperationNameOfWhatItDoes() {
        Map<Endpoint, String> expected = new java.util.EnumMap<>(Endpoint.class);
        for (Endpoint endpoint : Endpoint.values()) {
            expected.put(endpoint, "chat");
        }
        expected.put(Endpoint.EMBEDDINGS, "embeddings");
        expected.put(Endpoint.COMPLETIONS, "text_completion");
        expected.put(Endpoint.MODERATIONS, "moderation");
        expected.put(Endpoint.RERANK, "rerank");
        expected.put(Endpoint.IMAGES_GENERATIONS, "image_generation");
        expected.put(Endpoint.AUDIO_SPEECH, "speech");
        expected.put(Endpoint.AUDIO_TRANSCRIPTIONS, "transcription");
        expected.put(Endpoint.AUDIO_TRANSLATIONS, "translation");
        expected.forEach((endpoint, operation) ->
                assertEquals(operation, RequestSpans.operation(endpoint.logName()), endpoint.name()));
    }
}
