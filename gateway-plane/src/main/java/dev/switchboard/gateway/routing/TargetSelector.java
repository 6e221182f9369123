package dev.switchboard.gateway.routing;

import dev.switchboard.model.config.HealthPolicy;
import dev.switchboard.model.config.LatencyConfig;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.config.RoutingConfig;
import dev.switchboard.model.config.SlaCutoff;
import dev.switchboard.model.config.VirtualModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Picks the order in which a virtual model's targets are tried, by its strategy and the targets' recent health and
 * latency. Pure logic: time and randomness come in from outside, nothing here does I/O.
 * <ul>
 * <li>weight: a random pick by weight among healthy targets, or, with a session key, the weighted rendezvous hash of
 * it; then the other healthy targets by weight.</li>
 * <li>priority: healthy targets by priority (0 first); with an SLA cutoff, a target whose average time per output
 * token over the window exceeds it counts as unhealthy.</li>
 * <li>latency: targets with fewer than {@code min_samples} samples first (to learn them); otherwise a random pick among
 * those within {@code equal_band} of the fastest, then the rest fastest first.</li>
 * </ul>
 * Unhealthy targets always come after the healthy ones, in the same strategy order.
 */
public final class TargetSelector {

    private final RoutingStats stats;
    private final Supplier<RandomGenerator> random;

    public TargetSelector(RoutingStats stats, Supplier<RandomGenerator> random) {
        this.stats = stats;
        this.random = random;
    }

    public RoutePlan plan(VirtualModel vm, HealthPolicy defaultPolicy, String sessionKey, long nowMillis) {
        RoutingConfig routing = vm.routingConfig();
        HealthPolicy policy = vm.healthPolicy() != null ? vm.healthPolicy() : defaultPolicy;
        List<RoutePlan.Candidate> healthy = new ArrayList<>();
        List<RoutePlan.Candidate> unhealthy = new ArrayList<>();
        for (LoadBalanceTarget t : routing.loadBalanceTargets()) {
            RoutePlan.Candidate c = assess(t, routing, policy, nowMillis);
            (c.healthy() ? healthy : unhealthy).add(c);
        }
        String reason;
        switch (routing.type()) {
            case WEIGHT -> {
                reason = orderByWeight(healthy, sessionKey);
                orderByWeight(unhealthy, sessionKey);
            }
            case PRIORITY -> {
                Comparator<RoutePlan.Candidate> byPriority = Comparator.comparingInt(c -> c.target().priority());
                healthy.sort(byPriority);
                unhealthy.sort(byPriority);
                reason = "highest-priority healthy target";
            }
            case LATENCY -> {
                reason = orderByLatency(healthy, routing.latency());
                orderByLatency(unhealthy, routing.latency());
            }
            default -> throw new IllegalStateException("unknown routing type " + routing.type());
        }
        if (healthy.isEmpty()) {
            reason = "no healthy target; trying all in " + routing.type().name().toLowerCase() + " order";
        }
        List<RoutePlan.Candidate> order = new ArrayList<>(healthy);
        order.addAll(unhealthy);
        return new RoutePlan(vm.name(), routing.type(), List.copyOf(order), reason);
    }

    private RoutePlan.Candidate assess(LoadBalanceTarget t, RoutingConfig routing, HealthPolicy policy, long now) {
        TargetHealth health = stats.of(t.target());
        int failures = health.failuresWithin(now, policy);
        boolean healthy = failures < policy.failureThreshold();
        String note = healthy ? "healthy" : failures + " failures in the last " + policy.windowSeconds() + " s";
        TargetHealth.LatencyStats latency;
        SlaCutoff sla = routing.slaCutoff();
        if (sla != null) {
            latency = health.latency(now, sla.windowSeconds() * 1000L, Integer.MAX_VALUE);
            if (healthy && latency.samples() > 0 && latency.averageMs() > sla.timePerOutputTokenMs()) {
                healthy = false;
                note = String.format("average time per output token %.1f ms over the last %d s exceeds the SLA cutoff of %s ms",
                        latency.averageMs(), sla.windowSeconds(), sla.timePerOutputTokenMs());
            }
        } else {
            LatencyConfig l = routing.latency();
            latency = health.latency(now, l.windowSeconds() * 1000L, l.maxSamples());
        }
        return new RoutePlan.Candidate(t, healthy, failures, latency.samples(), latency.averageMs(), note);
    }

    private String orderByWeight(List<RoutePlan.Candidate> candidates, String sessionKey) {
        if (candidates.isEmpty()) {
            return "";
        }
        RoutePlan.Candidate first;
        String reason;
        if (sessionKey != null) {
            first = StickyHash.pick(sessionKey, candidates, c -> c.target().weight(), c -> c.target().target());
            reason = "sticky session: weighted hash of the session key";
        } else {
            first = pickByWeight(candidates);
            reason = "random pick by weight among healthy targets";
        }
        candidates.remove(first);
        candidates.sort(Comparator.comparingInt((RoutePlan.Candidate c) -> c.target().weight()).reversed());
        candidates.add(0, first);
        return reason;
    }

    private RoutePlan.Candidate pickByWeight(List<RoutePlan.Candidate> candidates) {
        int total = 0;
        for (RoutePlan.Candidate c : candidates) {
            total += c.target().weight();
        }
        int r = random.get().nextInt(total);
        for (RoutePlan.Candidate c : candidates) {
            r -= c.target().weight();
            if (r < 0) {
                return c;
            }
        }
        return candidates.get(candidates.size() - 1);
    }

    private String orderByLatency(List<RoutePlan.Candidate> candidates, LatencyConfig config) {
        if (candidates.isEmpty()) {
            return "";
        }
        List<RoutePlan.Candidate> learning = new ArrayList<>();
        for (RoutePlan.Candidate c : candidates) {
            if (c.latencySamples() < config.minSamples()) {
                learning.add(c);
            }
        }
        candidates.sort(Comparator.comparingDouble(c -> c.latencySamples() < config.minSamples() ? 0 : c.averageTimePerOutputTokenMs()));
        List<RoutePlan.Candidate> band;
        String reason;
        if (!learning.isEmpty()) {
            band = learning;
            reason = "fewer than " + config.minSamples() + " samples: treated as fastest to gather data";
        } else {
            double fastest = candidates.get(0).averageTimePerOutputTokenMs();
            band = new ArrayList<>();
            for (RoutePlan.Candidate c : candidates) {
                if (c.averageTimePerOutputTokenMs() <= fastest * config.equalBand()) {
                    band.add(c);
                }
            }
            reason = String.format("lowest time per output token (%.1f ms); %d within %.2fx count as equal",
                    fastest, band.size(), config.equalBand());
        }
        RoutePlan.Candidate first = band.get(random.get().nextInt(band.size()));
        candidates.remove(first);
        candidates.add(0, first);
        return reason;
    }
}
