package dev.switchboard.gateway.pipeline;

import dev.switchboard.gateway.guardrail.GuardrailAudit;
import dev.switchboard.model.access.Principal;
import dev.switchboard.gateway.routing.RoutePlan;
import dev.switchboard.gateway.snapshot.GatewayState;
import dev.switchboard.gateway.telemetry.RequestLog;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.guardrail.GuardScope;
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
    private GuardScope guardScope;
    private GuardrailAudit audit;

    Exchange(String requestId, long startNanos, long startMillis, GatewayState state, Principal principal,
             Map<String, String> metadata, LlmRequest request, List<LoadBalanceTarget> targets, RoutePlan plan,
             long deadlineNanos, Context context) {
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

    long millisLeft() {
        return deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : (deadlineNanos - System.nanoTime()) / 1_000_000;
    }
}
