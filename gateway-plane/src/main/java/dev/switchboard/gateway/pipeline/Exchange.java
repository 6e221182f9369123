package dev.switchboard.gateway.pipeline;

import dev.switchboard.gateway.guardrail.AnswerText;
import dev.switchboard.gateway.guardrail.GuardrailAudit;
import dev.switchboard.model.access.Principal;
import dev.switchboard.gateway.routing.RoutePlan;
import dev.switchboard.gateway.snapshot.GatewayState;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.guardrail.GuardScope;
import dev.switchboard.model.limits.Admission;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.tracing.TraceParent;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One request on its way through the pipeline: what was asked, by whom, the targets to try in order (one for a model
 * named directly, the routing plan's order for a virtual model), the deadline, and the attempts made so far; and,
 * once a guardrail applies, its scope and verdicts.
 */
public final class Exchange {

    final String requestId;
    final long startNanos;
    final long startMillis;
    final GatewayState state;
    final Principal principal;
    /** The {@code x-tfy-metadata} header, parsed and checked ({@link RequestMetadata}); empty when not sent. */
    final Map<String, String> metadata;
    /** As the caller sent it, or as the input guardrails rewrote it. */
    LlmRequest request;
    final List<LoadBalanceTarget> targets;
    final RoutePlan plan;
    final long deadlineNanos;
    final List<RequestLog.Attempt> attempts = new ArrayList<>(2);
    /** The request's own context, where guardrail results come back to. */
    final Context context;
    /**
     * The trace the request's spans go to (the caller's {@code traceparent}, or a new one) and the server span's id;
     * {@code spanId} 0 when traces are off. Longs, so that tracing allocates nothing on the way.
     */
    long traceHigh;
    long traceLow;
    long parentSpanId;
    long spanId;
    /** The span id of the attempt under way, sent upstream in its {@code traceparent}. */
    long attemptSpanId;
    /**
     * The payload cap in bytes of the model or virtual model asked for, 0 when its payloads are not logged (the
     * default); and the answer's text once one is relayed.
     */
    final int payloadCap;
    AnswerText answer;
    /** Set once the input guardrails let the request through to its attempts (also when none applied). */
    boolean screened;
    /** What the limit step counted and reserved, settled when the request ends. */
    Admission admission = Admission.NONE;
    private GuardScope guardScope;
    private GuardrailAudit audit;

    Exchange(String requestId, long startNanos, long startMillis, GatewayState state, Principal principal,
             Map<String, String> metadata, LlmRequest request, List<LoadBalanceTarget> targets, RoutePlan plan,
             long deadlineNanos, Context context, int payloadCap) {
        this.context = context;
        this.requestId = requestId;
        this.startNanos = startNanos;
        this.startMillis = startMillis;
        this.state = state;
        this.principal = principal;
        this.metadata = metadata;
        this.request = request;
        this.targets = targets;
        this.plan = plan;
        this.deadlineNanos = deadlineNanos;
        this.payloadCap = payloadCap;
    }

    /**
     * Where the LLM hooks check: the caller and the model as asked for (a model or a virtual model), the names the
     * access rules match too. Made only once a guardrail is attached to an LLM hook.
     */
    GuardScope guardScope() {
        if (guardScope == null) {
            guardScope = GuardScope.llm(principal, request.model());
        }
        return guardScope;
    }

    GuardrailAudit audit() {
        if (audit == null) {
            audit = new GuardrailAudit();
        }
        return audit;
    }

    List<RequestLog.GuardrailVerdict> guardrailVerdicts() {
        return audit == null ? List.of() : audit.toLog();
    }

    /** Joins the caller's trace when its {@code traceparent} is valid, else starts one. */
    void trace(String traceparent) {
        TraceParent.Parsed parent = TraceParent.parse(traceparent);
        if (parent != null) {
            traceHigh = parent.traceHigh();
            traceLow = parent.traceLow();
            parentSpanId = parent.spanId();
        } else {
            traceHigh = TraceParent.newId();
            traceLow = TraceParent.newId();
        }
        spanId = TraceParent.newId();
    }

    boolean traced() {
        return spanId != 0;
    }

    long millisLeft() {
        return deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : (deadlineNanos - System.nanoTime()) / 1_000_000;
    }
}
