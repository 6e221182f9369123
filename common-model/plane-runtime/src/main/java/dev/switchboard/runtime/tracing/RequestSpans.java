package dev.switchboard.runtime.tracing;

import dev.switchboard.model.config.ProviderType;
import dev.switchboard.model.telemetry.RequestLog;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.List;

/**
 * The spans of one LLM request, built from its request log off the request path (the request path only took ids and
 * timestamps): on the gateway's export thread, or by the control plane from the request log's row
 * ({@link RequestLogSpans}): a SERVER span for the request and a CLIENT span per upstream attempt, so that retries and
 * fallbacks show as siblings. Attributes follow the OpenTelemetry GenAI semantic conventions ({@code gen_ai.*}) plus
 * the gateway's own ({@code switchboard.*}). Never a secret: the API key is named, never its value; no header is copied.
 */
public final class RequestSpans {

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final String PROMPT_EVENT = "gen_ai.content.prompt";
    static final String COMPLETION_EVENT = "gen_ai.content.completion";
    static final AttributeKey<String> PROMPT = AttributeKey.stringKey("gen_ai.prompt");
    static final AttributeKey<String> COMPLETION = AttributeKey.stringKey("gen_ai.completion");
    static final AttributeKey<Boolean> PAYLOAD_TRUNCATED = AttributeKey.booleanKey("switchboard.truncated");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("switchboard.request_id");
    static final AttributeKey<String> SUBJECT = AttributeKey.stringKey("switchboard.subject");
    static final AttributeKey<String> TEAM = AttributeKey.stringKey("switchboard.team");
    static final AttributeKey<String> API_KEY = AttributeKey.stringKey("switchboard.api_key");
    static final AttributeKey<String> VIRTUAL_MODEL = AttributeKey.stringKey("switchboard.virtual_model");
    static final AttributeKey<String> RESOLVED_MODEL = AttributeKey.stringKey("switchboard.resolved_model");
    static final AttributeKey<String> TARGET = AttributeKey.stringKey("switchboard.target");
    static final AttributeKey<Double> COST = AttributeKey.doubleKey("switchboard.cost_usd");
    static final AttributeKey<Double> TTFT = AttributeKey.doubleKey("switchboard.ttft_ms");
    static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("switchboard.stream");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("switchboard.attempts");
    static final AttributeKey<String> RATE_LIMIT = AttributeKey.stringKey("switchboard.rate_limit");
    static final AttributeKey<List<String>> VERDICTS = AttributeKey.stringArrayKey("switchboard.guardrail.verdicts");
    static final AttributeKey<String> BLOCKED_BY = AttributeKey.stringKey("switchboard.guardrail.blocked_by");
    static final String METADATA_PREFIX = "switchboard.metadata.";

    /** Every key a request's spans may have: their attributes are put in slots, in the SDK's order. */
    private static final SpanAttributes.Keys KEYS = new SpanAttributes.Keys(OPERATION, PROVIDER, REQUEST_MODEL,
            RESPONSE_MODEL, RESPONSE_ID, FINISH_REASONS, INPUT_TOKENS, OUTPUT_TOKENS, MAX_TOKENS, TEMPERATURE,
            ERROR_TYPE, HTTP_STATUS, REQUEST_ID, SUBJECT, TEAM, API_KEY, VIRTUAL_MODEL, RESOLVED_MODEL, TARGET, COST, TTFT,
            STREAM, ATTEMPTS, RATE_LIMIT, VERDICTS, BLOCKED_BY);
    private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("dev.switchboard.gateway");
    private static final String API_KEY_PREFIX = "api_key:";

    private final Resource resource;

    public RequestSpans(Resource resource) {
        this.resource = resource;
    }

    /** The request's spans; none for a log without trace ids. */
    public List<SpanData> of(RequestLog log) {
        RequestLog.Trace t = log.trace();
        if (t == null) {
            return List.of();
        }
        List<SpanData> spans = new ArrayList<>(1 + log.attempts().size());
        String operation = operation(log.endpoint());
        String traceId = TraceParent.traceId(t.traceHigh(), t.traceLow());
        SpanContext server = FinishedSpan.context(traceId, t.spanId());
        List<RequestLog.Attempt> attempts = log.attempts();
        // the gateway relayed the last attempt's answer, unless it answered the caller itself (an error code)
        RequestLog.Attempt served = attempts.isEmpty() || log.errorCode() != null ? null : attempts.get(attempts.size() - 1);

        SpanAttributes a = KEYS.attributes()
                .put(OPERATION, operation)
                .put(REQUEST_MODEL, log.requestedModel())
                .put(REQUEST_ID, log.requestId())
                .put(SUBJECT, log.subject())
                .put(STREAM, log.stream())
                .put(ATTEMPTS, attempts.size())
                .put(HTTP_STATUS, log.status());
        putIfSet(a, TEAM, log.team());
        if (log.credential() != null && log.credential().startsWith(API_KEY_PREFIX)) {
            a.put(API_KEY, log.credential().substring(API_KEY_PREFIX.length()));
        }
        putIfSet(a, VIRTUAL_MODEL, t.virtualModel());
        putIfSet(a, RESOLVED_MODEL, log.resolvedModel());
        if (!attempts.isEmpty()) {
            putIfSet(a, PROVIDER, attempts.get(attempts.size() - 1).provider());
        }
        requestParameters(a, t);
        if (served != null) {
            response(a, log, t);
            a.put(COST, log.costUsd());
            if (log.timeToFirstTokenMs() >= 0) {
                a.put(TTFT, log.timeToFirstTokenMs());
            }
        }
        putIfSet(a, RATE_LIMIT, log.limitRule());
        guardrails(a, log.guardrails());
        boolean failed = log.status() >= 500 || log.errorCode() != null && log.status() >= 400;
        if (failed) {
            a.put(ERROR_TYPE, log.errorCode() != null ? log.errorCode() : Integer.toString(log.status()));
        }
        long end = Math.max(t.startEpochNanos() + (long) (log.latencyMs() * 1_000_000), t.startEpochNanos());
        spans.add(new FinishedSpan(operation + " " + log.requestedModel(), SpanKind.SERVER, server,
                FinishedSpan.remoteParent(traceId, t.parentSpanId()),
                failed ? StatusData.create(StatusCode.ERROR, log.errorCode()) : StatusData.unset(),
                t.startEpochNanos(), end, withMetadata(a, log.metadata()), resource, SCOPE,
                payloadEvents(log.payloads(), t.startEpochNanos(), end)));

        for (RequestLog.Attempt attempt : attempts) {
            if (attempt.spanId() == 0) {
                continue;
            }
            String model = modelOf(attempt.target());
            SpanAttributes c = KEYS.attributes()
                    .put(OPERATION, operation)
                    .put(REQUEST_MODEL, model)
                    .put(TARGET, attempt.target());
            putIfSet(c, PROVIDER, attempt.provider());
            requestParameters(c, t);
            boolean ok = attempt.status() >= 200 && attempt.status() < 400;
            if (attempt.status() > 0) {
                c.put(HTTP_STATUS, attempt.status());
            }
            if (attempt == served && ok) {
                response(c, log, t);
            }
            if (!ok) {
                c.put(ERROR_TYPE, attempt.status() < 0 ? "no_response" : Integer.toString(attempt.status()));
            }
            long attemptEnd = attempt.startEpochNanos() + (long) (attempt.latencyMs() * 1_000_000);
            spans.add(new FinishedSpan(operation + " " + model, SpanKind.CLIENT,
                    FinishedSpan.context(traceId, attempt.spanId()), server,
                    ok ? StatusData.unset() : StatusData.create(StatusCode.ERROR, null),
                    attempt.startEpochNanos(), Math.max(attemptEnd, attempt.startEpochNanos()), c, resource,
                    SCOPE, null));
        }
        return spans;
    }

    /**
     * The request's {@code x-tfy-metadata} on its server span, a {@code switchboard.metadata.<key>} attribute per key
     * (keys are 1 to 64 of {@code A-Z a-z 0-9 _ . -}, so never a clash with another attribute); a request without
     * metadata keeps its slotted attributes as they are.
     */
    static Attributes withMetadata(SpanAttributes a, java.util.Map<String, String> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return a;
        }
        io.opentelemetry.api.common.AttributesBuilder b = Attributes.builder().putAll(a);
        metadata.forEach((k, v) -> b.put(METADATA_PREFIX + k, v));
        return b.build();
    }

    /**
     * The payloads as events of the server span, in the GenAI conventions' event form: the prompt at the start, the
     * completion at the end, each only when there is one. None when the request's payloads are not logged.
     */
    static List<EventData> payloadEvents(RequestLog.Payloads p, long start, long end) {
        if (p == null) {
            return List.of();
        }
        List<EventData> events = new ArrayList<>(2);
        if (!p.prompt().isEmpty()) {
            events.add(EventData.create(start, PROMPT_EVENT,
                    Attributes.of(PROMPT, p.prompt(), PAYLOAD_TRUNCATED, p.promptTruncated())));
        }
        if (!p.completion().isEmpty()) {
            events.add(EventData.create(end, COMPLETION_EVENT,
                    Attributes.of(COMPLETION, p.completion(), PAYLOAD_TRUNCATED, p.completionTruncated())));
        }
        return events;
    }

    private static void requestParameters(SpanAttributes a, RequestLog.Trace t) {
        if (t.maxTokens() >= 0) {
            a.put(MAX_TOKENS, t.maxTokens());
        }
        if (!Double.isNaN(t.temperature())) {
            a.put(TEMPERATURE, t.temperature());
        }
    }

    private static void response(SpanAttributes a, RequestLog log, RequestLog.Trace t) {
        putIfSet(a, RESPONSE_ID, t.responseId());
        putIfSet(a, RESPONSE_MODEL, t.responseModel());
        if (t.finishReason() != null) {
            a.put(FINISH_REASONS, List.of(t.finishReason()));
        }
        if (log.promptTokens() >= 0) {
            a.put(INPUT_TOKENS, log.promptTokens());
        }
        if (log.completionTokens() >= 0) {
            a.put(OUTPUT_TOKENS, log.completionTokens());
        }
    }

    /** Each verdict as {@code hook:guardrail:mode:outcome[:blocked]}, as the MCP gateway's tool-call spans have them. */
    private static void guardrails(SpanAttributes a, List<RequestLog.GuardrailVerdict> verdicts) {
        if (verdicts == null || verdicts.isEmpty()) {
            return;
        }
        List<String> out = new ArrayList<>(verdicts.size());
        for (RequestLog.GuardrailVerdict v : verdicts) {
            out.add(v.hook() + ":" + v.guardrail() + ":" + v.mode() + ":" + v.outcome() + (v.blocked() ? ":blocked" : ""));
            if (v.blocked()) {
                a.put(BLOCKED_BY, v.guardrail());
            }
        }
        a.put(VERDICTS, out);
    }

    private static void putIfSet(SpanAttributes a, AttributeKey<String> key, String value) {
        if (value != null && !value.isEmpty()) {
            a.put(key, value);
        }
    }

    /**
     * {@code gen_ai.operation.name} of a gateway endpoint: the convention's own names where it has one (chat, text
     * completion, embeddings), a plain name of what the endpoint does where it has none.
     */
    static String operation(String endpoint) {
        return switch (endpoint) {
            case "/v1/embeddings" -> "embeddings";
            case "/v1/completions" -> "text_completion";
            case "/v1/moderations" -> "moderation";
            case "/v1/rerank" -> "rerank";
            case "/v1/images/generations" -> "image_generation";
            case "/v1/audio/speech" -> "speech";
            case "/v1/audio/transcriptions" -> "transcription";
            case "/v1/audio/translations" -> "translation";
            default -> "chat";
        };
    }

    /** The model id of a target ({@code <account>/<model-id>}), as the provider is asked for it. */
    private static String modelOf(String target) {
        int slash = target.indexOf('/');
        return slash < 0 ? target : target.substring(slash + 1);
    }

    /**
     * {@code gen_ai.provider.name} of an account type: the conventions' names for OpenAI, Anthropic, Azure OpenAI,
     * Gemini, Vertex AI and Bedrock, the config's own words for the others (an OpenAI-compatible server is not OpenAI).
     */
    public static String provider(ProviderType type) {
        if (type == null) {
            return null;
        }
        return switch (type) {
            case OPENAI -> "openai";
            case ANTHROPIC -> "anthropic";
            case OPENAI_COMPATIBLE -> "openai-compatible";
            case DATABRICKS -> "databricks";
            case AZURE_OPENAI -> "azure.ai.openai";
            case GEMINI -> "gcp.gemini";
            case VERTEX_AI -> "gcp.vertex_ai";
            case BEDROCK -> "aws.bedrock";
        };
    }
}
