package dev.switchboard.mcpgateway.telemetry;

import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.mcpgateway.pipeline.ToolCall;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.ArrayList;
import java.util.List;

/**
 * One OpenTelemetry span per tool call, a child of the HTTP request's span: named {@code tools/call <tool>} with the
 * MCP and GenAI semantic-convention attributes ({@code mcp.method.name}, {@code mcp.session.id},
 * {@code gen_ai.operation.name}, {@code gen_ai.tool.name}) and the gateway's own ({@code switchboard.*}: subject,
 * endpoint, server, outcome, each guardrail verdict, the approval and how long the call waited for it). Payloads only
 * for a server with {@code log_payloads}: the arguments and the result as two events ({@link #payloads}), as the
 * guardrails left them and capped; the audit record keeps its own copy either way.
 */
public final class ToolCallSpans {

    public static final String INSTRUMENTATION = "dev.switchboard.mcp-gateway";

    static final AttributeKey<String> METHOD = AttributeKey.stringKey("mcp.method.name");
    static final AttributeKey<String> SESSION = AttributeKey.stringKey("mcp.session.id");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> TOOL = AttributeKey.stringKey("gen_ai.tool.name");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> SUBJECT = AttributeKey.stringKey("switchboard.subject");
    static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("switchboard.mcp.endpoint");
    static final AttributeKey<String> SERVER = AttributeKey.stringKey("switchboard.mcp.server");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("switchboard.outcome");
    static final AttributeKey<List<String>> VERDICTS = AttributeKey.stringArrayKey("switchboard.guardrail.verdicts");
    static final AttributeKey<String> BLOCKED_BY = AttributeKey.stringKey("switchboard.guardrail.blocked_by");
    static final AttributeKey<String> APPROVAL = AttributeKey.stringKey("switchboard.approval.id");
    static final AttributeKey<String> APPROVAL_CHANNEL = AttributeKey.stringKey("switchboard.approval.channel");
    static final AttributeKey<String> APPROVAL_DECISION = AttributeKey.stringKey("switchboard.approval.decision");
    static final AttributeKey<String> APPROVAL_BY = AttributeKey.stringKey("switchboard.approval.decided_by");
    static final AttributeKey<Long> APPROVAL_WAIT = AttributeKey.longKey("switchboard.approval.wait_ms");
    static final String ARGUMENTS_EVENT = "gen_ai.tool.call.arguments";
    static final String RESULT_EVENT = "gen_ai.tool.call.result";
    static final AttributeKey<String> ARGUMENTS = AttributeKey.stringKey("gen_ai.tool.call.arguments");
    static final AttributeKey<String> RESULT = AttributeKey.stringKey("gen_ai.tool.call.result");
    static final AttributeKey<Boolean> TRUNCATED = AttributeKey.booleanKey("switchboard.truncated");
    static final AttributeKey<String> WITHHELD = AttributeKey.stringKey("switchboard.withheld");

    /** No tracing: every span is a no-op. */
    public static final ToolCallSpans NONE = new ToolCallSpans(OpenTelemetry.noop());

    private final Tracer tracer;

    public ToolCallSpans(OpenTelemetry otel) {
        this.tracer = otel.getTracer(INSTRUMENTATION);
    }

    /** Starts the call's span under the current context (the HTTP request's span). */
    public Span start(ToolCall call) {
        Span span = tracer.spanBuilder("tools/call " + call.tool()).setSpanKind(SpanKind.INTERNAL).startSpan();
        if (span.isRecording()) {
            span.setAttribute(METHOD, "tools/call");
            span.setAttribute(OPERATION, "execute_tool");
            span.setAttribute(TOOL, call.tool());
            span.setAttribute(SUBJECT, call.principal().subject().toString());
            span.setAttribute(ENDPOINT, call.endpoint());
            span.setAttribute(SERVER, call.server());
            if (call.sessionId() != null) {
                span.setAttribute(SESSION, call.sessionId());
            }
        }
        return span;
    }

    /**
     * Puts a tool call's payloads on its span as two events, {@code gen_ai.tool.call.arguments} and
     * {@code gen_ai.tool.call.result}: each the JSON text (the arguments that went to the server, the result or error
     * that went back to the caller), at most {@code cap} UTF-8 bytes, with {@code switchboard.truncated}; or, where
     * the audit record withholds it, only {@code switchboard.withheld} with the reason. No event for a payload there
     * was not (a call refused before its arguments were read, no answer); none at all when {@code cap} is 0.
     */
    public void payloads(Span span, ToolCallRecord.Payload arguments, ToolCallRecord.Payload result, int cap) {
        if (cap <= 0 || !span.isRecording()) {
            return;
        }
        for (ToolCallRecord.Payload p : new ToolCallRecord.Payload[] {arguments, result}) {
            if (!"none".equals(p.withheld())) {
                span.addEvent(p == arguments ? ARGUMENTS_EVENT : RESULT_EVENT,
                        payload(p == arguments ? ARGUMENTS : RESULT, p));
            }
        }
    }

    private static Attributes payload(AttributeKey<String> key, ToolCallRecord.Payload p) {
        if (p.withheld() != null) {
            return Attributes.of(WITHHELD, p.withheld());
        }
        return Attributes.of(key, p.json(), TRUNCATED, p.truncated());
    }

    /** Ends the span with what the audit record says of the call. */
    public void end(Span span, ToolCallRecord record) {
        if (span.isRecording()) {
            span.setAttribute(OUTCOME, record.outcome());
            if (!record.guardrails().isEmpty()) {
                List<String> verdicts = new ArrayList<>(record.guardrails().size());
                for (ToolCallRecord.GuardrailVerdict v : record.guardrails()) {
                    verdicts.add(v.hook() + ":" + v.guardrail() + ":" + v.mode() + ":" + v.outcome()
                            + (v.blocked() ? ":blocked" : ""));
                    if (v.blocked()) {
                        span.setAttribute(BLOCKED_BY, v.guardrail());
                    }
                }
                span.setAttribute(VERDICTS, verdicts);
            }
            ToolCallRecord.Approval approval = record.approval();
            if (approval != null) {
                span.setAttribute(APPROVAL, approval.id());
                span.setAttribute(APPROVAL_CHANNEL, approval.channel());
                span.setAttribute(APPROVAL_DECISION, approval.decision());
                span.setAttribute(APPROVAL_WAIT, approval.waitedMillis());
                if (approval.decidedBy() != null) {
                    span.setAttribute(APPROVAL_BY, approval.decidedBy());
                }
            }
            if (!"ok".equals(record.outcome())) {
                span.setAttribute(ERROR_TYPE, record.error() != null ? record.error() : record.outcome());
                span.setStatus(StatusCode.ERROR, record.outcome());
            }
        }
        span.end();
    }
}
