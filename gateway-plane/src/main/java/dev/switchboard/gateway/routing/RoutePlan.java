package dev.switchboard.gateway.routing;

import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.config.RoutingType;
import java.util.List;

/**
 * The order in which a request will try the targets of a virtual model, and why: the first entry is the chosen one,
 * the rest are fallbacks, unhealthy targets last. {@link #explain()} entries are what {@code /v1/route:explain}
 * shows.
 */
public record RoutePlan(String virtualModel, RoutingType strategy, List<Candidate> order, String reason) {

    /** One target as the selector saw it. {@code averageTimePerOutputTokenMs} is NaN without samples. */
    public record Candidate(LoadBalanceTarget target, boolean healthy, int recentFailures, int latencySamples,
                            double averageTimePerOutputTokenMs, String note) {
    }

    public LoadBalanceTarget first() {
        return order.get(0).target();
    }
}
