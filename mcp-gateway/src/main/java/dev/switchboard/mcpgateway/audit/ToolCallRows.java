package dev.switchboard.mcpgateway.audit;

import dev.switchboard.model.telemetry.JsonRow;
import dev.switchboard.model.telemetry.TelemetryWire;
import java.time.Instant;

/**
 * A {@link ToolCallRecord} as one {@code tool_calls} row of {@link TelemetryWire} ({@code JSONEachRow}, the columns
 * of {@link TelemetryWire#TOOL_CALL_COLUMNS} in table order): {@code at} as a UTC {@code DateTime} plus {@code at_ms};
 * each payload as its recorded text with its truncated flag (0/1) and the reason it was withheld (null when it was
 * not); the guardrail verdicts and the approval as JSON text (the approval null when the call needed none). A column
 * that is not {@code Nullable} in the table never gets null (an empty string). Runs on the telemetry publisher's
 * thread, never on a call.
 */
public final class ToolCallRows {

    private ToolCallRows() {
    }

    /** The row's columns, into a row begun for it (the publisher's, which ends it with the event id). */
    public static void write(ToolCallRecord r, String instance, JsonRow row) {
        ToolCallRecord.Payload request = r.request() == null ? ToolCallRecord.Payload.withheld("none") : r.request();
        ToolCallRecord.Payload response = r.response() == null ? ToolCallRecord.Payload.withheld("none") : r.response();
        row.requiredString("request_id", r.requestId())
                .time("at", "at_ms", r.at())
                .requiredString("instance", instance)
                .string("session_id", r.sessionId())
                .requiredString("subject", r.subject())
                .string("credential", r.credential())
                .requiredString("endpoint", r.endpoint())
                .requiredString("server", r.server())
                .requiredString("tool", r.tool())
                .number("latency_us", r.latencyMicros())
                .requiredString("outcome", r.outcome())
                .string("error", r.error())
                .string("request", request.json())
                .bool("request_truncated", request.truncated())
                .string("request_withheld", request.withheld())
                .string("response", response.json())
                .bool("response_truncated", response.truncated())
                .string("response_withheld", response.withheld())
                .requiredString("guardrails", guardrails(r))
                .string("approval", approval(r.approval()));
    }

    /** {@code [{"hook":…,"guardrail":…,"type":…,"mode":…,"outcome":…,"blocked":…,"reason":…,"latency_us":…}]}. */
    static String guardrails(ToolCallRecord r) {
        return JsonRow.text(json -> {
            json.writeStartArray();
            for (ToolCallRecord.GuardrailVerdict v : r.guardrails()) {
                json.writeStartObject();
                json.writeStringField("hook", v.hook());
                json.writeStringField("guardrail", v.guardrail());
                json.writeStringField("type", v.type());
                json.writeStringField("mode", v.mode());
                json.writeStringField("outcome", v.outcome());
                json.writeBooleanField("blocked", v.blocked());
                json.writeStringField("reason", v.reason());
                json.writeNumberField("latency_us", v.micros());
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }

    /**
     * {@code {"id":…,"channel":…,"decision":…,"decided_by":…,"decided_at":"YYYY-MM-DD hh:mm:ss","decided_at_ms":…,
     * "reason":…,"waited_ms":…}}, or null when the call needed no approval.
     */
    static String approval(ToolCallRecord.Approval a) {
        if (a == null) {
            return null;
        }
        return JsonRow.text(json -> {
            json.writeStartObject();
            json.writeStringField("id", a.id());
            json.writeStringField("channel", a.channel());
            json.writeStringField("decision", a.decision());
            json.writeStringField("decided_by", a.decidedBy());
            Instant at = a.decidedAt();
            json.writeStringField("decided_at", at == null ? null : JsonRow.dateTime(at));
            if (at == null) {
                json.writeNullField("decided_at_ms");
            } else {
                json.writeNumberField("decided_at_ms", at.toEpochMilli());
            }
            json.writeStringField("reason", a.reason());
            json.writeNumberField("waited_ms", a.waitedMillis());
            json.writeEndObject();
        });
    }
}
