package dev.switchboard.gateway.telemetry;

import dev.switchboard.model.telemetry.JsonRow;
import dev.switchboard.model.telemetry.TelemetryWire;

/**
 * A {@link RequestLog} as one {@code request_logs} row of {@link TelemetryWire} ({@code JSONEachRow}, the columns of
 * {@link TelemetryWire#REQUEST_LOG_COLUMNS} in table order): {@code started_at} as a UTC {@code DateTime} plus
 * {@code started_at_ms}, {@code stream} as 0/1, the attempts and the guardrail verdicts as JSON text, the metadata as the parallel arrays
 * {@code metadata_keys} and {@code metadata_values} (empty arrays when none). A column that
 * is not {@code Nullable} in the table never gets null (the payload columns are "" and 0 when none were logged) (an empty string; -1 for a time that is not a number); the
 * {@code Nullable} ones ({@code credential}, {@code resolved_model}, {@code error_code}) do. Runs on the telemetry
 * publisher's thread, never on a request.
 */
public final class RequestLogRows {

    private RequestLogRows() {
    }

    /** The row's columns, into a row begun for it (the publisher's, which ends it with the event id). */
    public static void write(RequestLog log, String instance, JsonRow row) {
        row.requiredString("request_id", log.requestId())
                .time("started_at", "started_at_ms", log.startedAt())
                .requiredString("instance", instance)
                .requiredString("subject", log.subject())
                .requiredString("team", log.team())
                .string("credential", log.credential())
                .requiredString("endpoint", log.endpoint())
                .requiredString("requested_model", log.requestedModel())
                .string("resolved_model", log.resolvedModel())
                .bool("stream", log.stream())
                .number("status", log.status())
                .string("error_code", log.errorCode())
                .number("latency_ms", finite(log.latencyMs()))
                .number("time_to_first_token_ms", finite(log.timeToFirstTokenMs()))
                .number("prompt_tokens", log.promptTokens())
                .number("completion_tokens", log.completionTokens())
                .number("time_per_output_token_ms", finite(log.timePerOutputTokenMs()))
                .number("cost_usd", finite(log.costUsd()))
                .nested("attempts", json -> attempts(log, json))
                .nested("guardrails", json -> guardrails(log, json))
                .strings("metadata_keys", log.metadata() == null ? null : log.metadata().keySet())
                .strings("metadata_values", log.metadata() == null ? null : log.metadata().values())
                .strings("limit_keys", log.limitKeys())
                .string("limit_rule", log.limitRule())
                .requiredString("prompt", log.payloads() == null ? "" : log.payloads().prompt())
                .bool("prompt_truncated", log.payloads() != null && log.payloads().promptTruncated())
                .requiredString("completion", log.payloads() == null ? "" : log.payloads().completion())
                .bool("completion_truncated", log.payloads() != null && log.payloads().completionTruncated())
                .number("audio_seconds", finite(log.audioSeconds()));
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
