package dev.switchboard.gateway.routing;

import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The health and latency of every target (by model name, {@code <account>/<model-id>}) seen by this gateway
 * instance. A target's record is shared by all the virtual models that use it: a provider failing fails for all.
 */
@Singleton
public class RoutingStats {

    private final Map<String, TargetHealth> byTarget = new ConcurrentHashMap<>();

    public TargetHealth of(String target) {
        return byTarget.computeIfAbsent(target, t -> new TargetHealth());
    }

    /** Forgets every target's history, as a fresh instance would (tests; an operator resetting health). */
    public void forget() {
        byTarget.clear();
    }
}
