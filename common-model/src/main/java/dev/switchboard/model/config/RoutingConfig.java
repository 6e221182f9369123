package dev.switchboard.model.config;

import java.util.List;

/**
 * How a virtual model picks among its targets. {@code sticky} applies to weight-based routing, {@code sla_cutoff} to
 * priority-based routing, {@code latency} to latency-based routing. {@code request_timeout_ms} bounds all retries and
 * fallbacks of one request (default 300,000).
 */
public record RoutingConfig(RoutingType type, List<LoadBalanceTarget> loadBalanceTargets, StickyConfig sticky,
                            SlaCutoff slaCutoff, LatencyConfig latency, Integer requestTimeoutMs) {

    public RoutingConfig {
        loadBalanceTargets = loadBalanceTargets == null ? List.of() : List.copyOf(loadBalanceTargets);
        latency = latency == null ? LatencyConfig.DEFAULTS : latency;
        requestTimeoutMs = requestTimeoutMs == null ? 300_000 : requestTimeoutMs;
    }
}
