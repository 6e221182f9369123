package dev.switchboard.model.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/**
 * A {@link RequestLog} as one {@code request_logs} row of {@link TelemetryWire} ({@code JSONEachRow}, the columns of
 * {@link TelemetryWire#REQUEST_LOG_COLUMNS} in table order): {@code started_at} as a UTC {@code DateTime} plus
 * {@code started_at_ms}, {@code stream} as 0/1, the attempts and the guardrail verdicts as JSON text, the metadata as the parallel arrays
 * {@code metadata_keys} and {@code metadata_values}. A column whose value is its type's default (the empty string,
 * 0, an empty array, null for a {@code Nullable} one) and the column's default in the table too is left out: ClickHouse
 * fills it in with that value whatever its version, and the row is shorter on the wire (the bench's row: 1,140
 * bytes instead of 1,311 with every column). Columns written always: {@code request_id}, the times, {@code instance},
 * {@code subject}, {@code endpoint}, {@code requested_model}, {@code status}, the numbers (-1 for a time or count that is
 * not known), {@code attempts}, {@code guardrails} and {@code audio_seconds} (whose table default, -1, is not what
 * 18.16 fills in for a column left out). A time that is not a number is written as -1. Runs on the telemetry
 * publisher's thread, never on a request.
 *
 * <p>When a plane's spans go through its request logs ({@code switchboard.traces.export=nats} with request logs on),
 * a traced request's row carries in {@code trace} what its spans need beyond the other columns (see {@link #read});
 * the control plane builds the spans from the row. Otherwise the row has no {@code trace}.
 */
public final class RequestLogRows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestLogRows() {
    }

    /**
     * The row's columns, the trace too when {@code withTrace} and the request was traced, into a row begun for it (the
     * publisher's, which ends it with the event id).
     */
    public static void write(RequestLog log, String instance, JsonRow row, boolean withTrace) {
        row.requiredString("request_id", log.requestId())
                .time("started_at", "started_at_ms", log.startedAt())
                .requiredString("instance", instance)
                .requiredString("subject", log.subject());
        // what follows leaves out a column that holds its type's default ("", 0, [], null; see the class comment)
        if (present(log.team())) {
            row.string("team", log.team());
        }
        if (log.credential() != null) {
            row.string("credential", log.credential());
        }
        row.requiredString("endpoint", log.endpoint())
                .requiredString("requested_model", log.requestedModel());
        if (log.resolvedModel() != null) {
            row.string("resolved_model", log.resolvedModel());
        }
        if (log.stream()) {
            row.bool("stream", true);
        }
        row.number("status", log.status());
        if (log.errorCode() != null) {
            row.string("error_code", log.errorCode());
        }
        row.number("latency_ms", finite(log.latencyMs()))
                .number("time_to_first_token_ms", finite(log.timeToFirstTokenMs()))
                .number("prompt_tokens", log.promptTokens())
                .number("completion_tokens", log.completionTokens())
                .number("time_per_output_token_ms", finite(log.timePerOutputTokenMs()))
                .number("cost_usd", finite(log.costUsd()))
                .nested("attempts", json -> attempts(log, json))
                .nested("guardrails", json -> guardrails(log, json));
        if (log.metadata() != null && !log.metadata().isEmpty()) {
            row.strings("metadata_keys", log.metadata().keySet())
                    .strings("metadata_values", log.metadata().values());
        }
        if (log.limitKeys() != null && !log.limitKeys().isEmpty()) {
            row.strings("limit_keys", log.limitKeys());
        }
        if (log.limitRule() != null) {
            row.string("limit_rule", log.limitRule());
        }
        RequestLog.Payloads payloads = log.payloads();
        if (payloads != null) {
            if (present(payloads.prompt())) {
                row.string("prompt", payloads.prompt());
            }
            if (payloads.promptTruncated()) {
                row.bool("prompt_truncated", true);
            }
            if (present(payloads.completion())) {
                row.string("completion", payloads.completion());
            }
            if (payloads.completionTruncated()) {
                row.bool("completion_truncated", true);
            }
        }
        // -1 is the column's DEFAULT, which ClickHouse 18.16 does not apply to a column a row leaves out: written
        row.number("audio_seconds", finite(log.audioSeconds()));
        if (withTrace && log.trace() != null) {
            row.nested("trace", json -> trace(log, json));
        }
    }

    private static boolean present(String s) {
        return s != null && !s.isEmpty();
    }

    /**
     * {@code {"trace_id":…,"span_id":…,"parent_span_id":…,"start_ns":…,"virtual_model":…,"max_tokens":…,
     * "temperature":…,"response_id":…,"response_model":…,"finish_reason":…,"attempts":[{"span_id":…,"provider":…,
     * "start_ns":…}]}}: ids in lowercase hex as W3C trace context writes them, one entry per attempt in the
     * {@code attempts} column's order; what is unknown or unset is left out.
     */
    private static void trace(RequestLog log, JsonRow.Text json) {
        RequestLog.Trace t = log.trace();
        json.writeStartObject();
        json.writeHexField("trace_id", t.traceHigh(), t.traceLow());
        json.writeHexField("span_id", t.spanId());
        if (t.parentSpanId() != 0) {
            json.writeHexField("parent_span_id", t.parentSpanId());
        }
        json.writeNumberField("start_ns", t.startEpochNanos());
        if (t.virtualModel() != null) {
            json.writeStringField("virtual_model", t.virtualModel());
        }
        if (t.maxTokens() >= 0) {
            json.writeNumberField("max_tokens", t.maxTokens());
        }
        if (Double.isFinite(t.temperature())) {
            json.writeNumberField("temperature", t.temperature());
        }
        if (t.responseId() != null) {
            json.writeStringField("response_id", t.responseId());
        }
        if (t.responseModel() != null) {
            json.writeStringField("response_model", t.responseModel());
        }
        if (t.finishReason() != null) {
            json.writeStringField("finish_reason", t.finishReason());
        }
        json.writeArrayFieldStart("attempts");
        if (log.attempts() != null) {
            for (RequestLog.Attempt a : log.attempts()) {
                json.writeStartObject();
                if (a.spanId() != 0) {
                    json.writeHexField("span_id", a.spanId());
                }
                if (a.provider() != null) {
                    json.writeStringField("provider", a.provider());
                }
                json.writeNumberField("start_ns", a.startEpochNanos());
                json.writeEndObject();
            }
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /**
     * A row as {@link #write} wrote it, back as the request log it came from: every column, the trace when the row has
     * one. {@code startedAt} to the millisecond ({@code started_at_ms}); a traced row's spans take their times from
     * {@code trace}, to the nanosecond. A column a row written before it lacks reads as its table default.
     *
     * @throws IllegalArgumentException when the row is not one (a column of the wrong type, a nested text that is not
     *                                  JSON)
     */
    public static RequestLog read(JsonNode row) {
        try {
            JsonNode trace = nested(row, "trace");
            JsonNode traceAttempts = trace == null ? null : trace.path("attempts");
            List<RequestLog.Attempt> attempts = new ArrayList<>();
            JsonNode a = nested(row, "attempts");
            if (a != null) {
                for (int i = 0; i < a.size(); i++) {
                    JsonNode at = a.get(i);
                    JsonNode tr = traceAttempts == null ? null : traceAttempts.get(i);
                    attempts.add(new RequestLog.Attempt(at.path("target").asText(), at.path("status").asInt(-1),
                            at.path("latency_ms").asDouble(-1),
                            tr == null ? null : text(tr, "provider"),
                            tr == null || !tr.has("span_id") ? 0 : id(tr.get("span_id").asText()),
                            tr == null ? 0 : tr.path("start_ns").asLong()));
                }
            }
            List<RequestLog.GuardrailVerdict> verdicts = new ArrayList<>();
            JsonNode g = nested(row, "guardrails");
            if (g != null) {
                for (JsonNode v : g) {
                    verdicts.add(new RequestLog.GuardrailVerdict(text(v, "hook"), text(v, "guardrail"), text(v, "type"),
                            text(v, "mode"), text(v, "outcome"), v.path("blocked").asBoolean(),
                            text(v, "reason"), v.path("latency_ms").asDouble(-1)));
                }
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            JsonNode keys = row.path("metadata_keys");
            for (int i = 0; i < keys.size(); i++) {
                metadata.put(keys.get(i).asText(), row.path("metadata_values").path(i).asText());
            }
            List<String> limitKeys = new ArrayList<>();
            for (JsonNode k : row.path("limit_keys")) {
                limitKeys.add(k.asText());
            }
            String prompt = row.path("prompt").asText("");
            String completion = row.path("completion").asText("");
            RequestLog.Payloads payloads = prompt.isEmpty() && completion.isEmpty() ? null
                    : new RequestLog.Payloads(prompt, row.path("prompt_truncated").asInt() != 0, completion,
                    row.path("completion_truncated").asInt() != 0);
            return new RequestLog(text(row, "request_id"), Instant.ofEpochMilli(row.path("started_at_ms").asLong()),
                    row.path("subject").asText(""), row.path("team").asText(""), text(row, "credential"),
                    row.path("endpoint").asText(""), row.path("requested_model").asText(""),
                    text(row, "resolved_model"), row.path("stream").asInt() != 0, row.path("status").asInt(),
                    text(row, "error_code"), row.path("latency_ms").asDouble(-1),
                    row.path("time_to_first_token_ms").asDouble(-1), row.path("prompt_tokens").asLong(-1),
                    row.path("completion_tokens").asLong(-1), row.path("time_per_output_token_ms").asDouble(-1),
                    row.path("cost_usd").asDouble(0), Collections.unmodifiableList(attempts),
                    Collections.unmodifiableList(verdicts), Collections.unmodifiableMap(metadata),
                    Collections.unmodifiableList(limitKeys), text(row, "limit_rule"), trace == null ? null : trace(trace),
                    payloads, row.path("audio_seconds").asDouble(-1));
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not a request_logs row: " + e.getMessage(), e);
        }
    }

    private static RequestLog.Trace trace(JsonNode t) {
        String traceId = t.path("trace_id").asText();
        if (traceId.length() != 32) {
            throw new IllegalArgumentException("trace.trace_id is not 32 hex digits");
        }
        return new RequestLog.Trace(id(traceId.substring(0, 16)), id(traceId.substring(16)),
                t.has("parent_span_id") ? id(t.get("parent_span_id").asText()) : 0, id(t.path("span_id").asText()),
                t.path("start_ns").asLong(), text(t, "virtual_model"), t.path("max_tokens").asLong(-1),
                t.has("temperature") ? t.get("temperature").asDouble() : Double.NaN, text(t, "response_id"),
                text(t, "response_model"), text(t, "finish_reason"));
    }

    /** A column holding JSON text, parsed; null when the row lacks it or it is "". */
    private static JsonNode nested(JsonNode row, String column)
            throws com.fasterxml.jackson.core.JsonProcessingException {
        String text = row.path(column).asText("");
        return text.isEmpty() ? null : JSON.readTree(text);
    }

    /** A text field, null when missing or JSON null. */
    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static long id(String hex) {
        if (hex.length() != 16) {
            throw new IllegalArgumentException("a span id is 16 hex digits: " + hex);
        }
        return java.util.HexFormat.fromHexDigitsToLong(hex);
    }

    /** {@code [{"target":…,"status":…,"latency_ms":…}]}, in the order they were made. */
    private static void attempts(RequestLog log, JsonRow.Text json) {
        json.writeStartArray();
        if (log.attempts() != null) {
            for (RequestLog.Attempt a : log.attempts()) {
                json.writeStartObject();
                json.writeStringField("target", a.target());
                json.writeNumberField("status", a.status());
                json.writeNumberField("latency_ms", finite(a.latencyMs()));
                json.writeEndObject();
            }
        }
        json.writeEndArray();
    }

    /** {@code [{"hook":…,"guardrail":…,"type":…,"mode":…,"outcome":…,"blocked":…,"reason":…,"latency_ms":…}]}. */
    private static void guardrails(RequestLog log, JsonRow.Text json) {
        json.writeStartArray();
        if (log.guardrails() != null) {
            for (RequestLog.GuardrailVerdict v : log.guardrails()) {
                json.writeStartObject();
                json.writeStringField("hook", v.hook());
                json.writeStringField("guardrail", v.guardrail());
                json.writeStringField("type", v.type());
                json.writeStringField("mode", v.mode());
                json.writeStringField("outcome", v.outcome());
                json.writeBooleanField("blocked", v.blocked());
                json.writeStringField("reason", v.reason());
                json.writeNumberField("latency_ms", finite(v.latencyMs()));
                json.writeEndObject();
            }
        }
        json.writeEndArray();
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : -1;
    }
}
