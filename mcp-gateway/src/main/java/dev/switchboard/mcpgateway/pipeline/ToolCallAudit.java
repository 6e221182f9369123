package dev.switchboard.mcpgateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.audit.AuditPayloads;
import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.metrics.ToolCallMetrics;
import dev.switchboard.mcpgateway.telemetry.ToolCallSpans;
import dev.switchboard.mcpgateway.upstream.McpReply;
import dev.switchboard.runtime.telemetry.RowQueue;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Records every tool call, however it ends (refused ones too): an audit record into the bounded buffer (never
 * blocking the call), the call's span (with the payloads for a server that logs them) and its Prometheus meters. Payloads are recorded as the guardrails left them: the arguments that went
 * to the upstream, the result or error that went back to the caller, each capped ({@link AuditPayloads}); a payload in
 * which a guardrail found something it did not redact, or one no guardrail has seen, is withheld.
 */
public final class ToolCallAudit implements ToolCallInterceptor {

    private static final Logger LOG = Logger.getLogger(ToolCallAudit.class);

    private final RowQueue<ToolCallRecord> buffer;
    private final Clock clock;
    private final ToolCallSpans spans;
    private final ToolCallMetrics metrics;

    public ToolCallAudit(RowQueue<ToolCallRecord> buffer, Clock clock, ToolCallSpans spans, ToolCallMetrics metrics) {
        this.buffer = buffer;
        this.clock = clock;
        this.spans = spans;
        this.metrics = metrics;
    }

    @Override
    public Future<McpReply> intercept(ToolCall call, Chain chain) {
        Span span = spans.start(call);
        Future<McpReply> done;
        try (Scope ignored = span.makeCurrent()) {
            done = chain.proceed(call);
        }
        return done.onComplete(ar -> {
            try {
                ToolCallRecord record = record(call, ar, span);
                buffer.offer(record);
                metrics.record(record);
                spans.end(span, record);
            } catch (RuntimeException e) {
                // recording must never keep the answer from the caller
                LOG.error("cannot record a tool call", e);
                span.end();
            }
        });
    }

    private ToolCallRecord record(ToolCall call, AsyncResult<McpReply> ar, Span span) {
        String outcome;
        String error = null;
        JsonNode response = null;
        if (ar.succeeded()) {
            McpReply reply = ar.result();
            if (reply.closedForResumption()) {
                outcome = "resumable";
            } else if (reply.isError()) {
                outcome = "error";
                error = reply.message().path("error").path("message").asText(null);
                response = reply.message().get("error");
            } else {
                outcome = reply.message().path("result").path("isError").asBoolean(false) ? "tool_error" : "ok";
                response = reply.message().get("result");
            }
        } else if (ar.cause() instanceof McpError e) {
            outcome = switch (e.reason()) {
                case "upstream_timeout" -> "timeout";
                case "upstream_failed", "session_not_found" -> "upstream_failed";
                default -> "refused";
            };
            error = e.reason();
            response = e.toJson().get("error");
        } else {
            outcome = "upstream_failed";
            error = "internal_error";
        }
        ToolCallNotes notes = call.notes();
        if (notes.outcome() != null) {
            outcome = notes.outcome();
            error = notes.reason();
        }
        ToolCallRecord.Payload request = null;
        ToolCallRecord.Payload answer = null;
        if (buffer.hasRoom()) {
            request = payload(notes.arguments(), notes.withheldArguments(), AuditPayloads.MAX_BYTES);
            answer = payload(response, notes.responseWithheld() ? "guardrail_finding" : null, AuditPayloads.MAX_BYTES);
        }
        int spanCap = call.state().payloadCap(call.server());
        if (spanCap > 0 && span.isRecording()) { // the server's own cap, so a copy of its own
            spans.payloads(span, payload(notes.arguments(), notes.withheldArguments(), spanCap),
                    payload(response, notes.responseWithheld() ? "guardrail_finding" : null, spanCap), spanCap);
        }
        long micros = (System.nanoTime() - call.startNanos()) / 1000;
        return new ToolCallRecord(clock.instant(), call.requestId(), call.sessionId(),
                call.principal().subject().toString(), call.principal().credential(), call.endpoint(),
                call.server(), call.tool(), micros, outcome, error, request, answer, notes.verdicts(),
                notes.approval());
    }

    /** A payload as the guardrails left it, capped; withheld for the reason given, if one is. */
    private static ToolCallRecord.Payload payload(JsonNode node, String withheld, int cap) {
        return withheld != null ? ToolCallRecord.Payload.withheld(withheld) : AuditPayloads.of(node, cap);
    }
}
