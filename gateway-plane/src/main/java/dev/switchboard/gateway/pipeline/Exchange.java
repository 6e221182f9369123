package dev.switchboard.gateway.pipeline;

import dev.switchboard.model.access.Principal;
import dev.switchboard.gateway.routing.RoutePlan;
import dev.switchboard.gateway.snapshot.GatewayState;
import dev.switchboard.gateway.telemetry.RequestLog;
import dev.switchboard.model.config.LoadBalanceTarget;
import java.util.ArrayList;
import java.util.List;

/**
 * One request on its way through the pipeline: what was asked, by whom, the targets to try in order (one for a model
 * named directly, the routing plan's order for a virtual model), the deadline, and the attempts made so far.
 */
public final class Exchange {

    final String requestId;
    final long startNanos;
    final long startMillis;
    final GatewayState state;
    final Principal principal;
    final LlmRequest request;
    final List<LoadBalanceTarget> targets;
    final RoutePlan plan;
    final long deadlineNanos;
    final List<RequestLog.Attempt> attempts = new ArrayList<>(2);

    Exchange(String requestId, long startNanos, long startMillis, GatewayState state, Principal principal,
             LlmRequest request, List<LoadBalanceTarget> targets, RoutePlan plan, long deadlineNanos) {
        this.requestId = requestId;
        this.startNanos = startNanos;
        this.startMillis = startMillis;
        this.state = state;
        this.principal = principal;
        this.request = request;
        this.targets = targets;
        this.plan = plan;
        this.deadlineNanos = deadlineNanos;
    }

    long millisLeft() {
        return deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : (deadlineNanos - System.nanoTime()) / 1_000_000;
    }
}
