package dev.switchboard.runtime.vertx;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * One event loop per CPU the process really gets (its affinity mask and container quota, which
 * {@code availableProcessors} reflects), instead of Quarkus's default of two per CPU: two loops on one pinned core
 * fight over it and cost a fifth of the throughput (docs/architecture.md). Lowest precedence, so an explicit
 * {@code quarkus.vertx.event-loops-pool-size} still wins. Each plane registers it in its own
 * {@code META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource}, so a service that only uses other parts of
 * this runtime keeps Quarkus's default.
 */
public final class EventLoopSizing implements ConfigSource {

    private static final String EVENT_LOOPS = "quarkus.vertx.event-loops-pool-size";

    private final Map<String, String> values =
            Map.of(EVENT_LOOPS, Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors())));

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "switchboard-event-loop-sizing";
    }

    @Override
    public int getOrdinal() {
        return 50;
    }
}
