package dev.switchboard.gateway.routing;

import dev.switchboard.model.config.LoadBalanceTarget;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.function.Predicate;

/** The answer of {@code POST /v1/route:explain}: which target would serve the request now, and why. */
public final class RouteExplanation {

    private RouteExplanation() {
    }

    /**
     * The explanation for a request to {@code endpoint} ({@code /v1/chat/completions}, ...): a target whose provider
     * does not offer it ({@code serves} false) is listed, marked and passed over, as the request itself would pass it.
     */
    public static JsonObject of(String requested, ModelResolver.Resolution resolution, boolean sessionKeyPresent,
                                long nowMillis, String endpoint, Predicate<String> serves) {
        JsonObject out = new JsonObject().put("model", requested).put("endpoint", endpoint)
                .put("evaluated_at", Instant.ofEpochMilli(nowMillis).toString());
        JsonArray targets = new JsonArray();
        RoutePlan plan = resolution.plan();
        String noneServes = "no target's provider offers " + endpoint + ": the request would be refused 400 "
                + "unsupported_endpoint";
        if (plan == null) {
            boolean served = serves.test(requested);
            out.put("kind", "model").put("strategy", "direct")
                    .put("reason", served ? "the model is named directly; it is the only target" : noneServes);
            targets.add(new JsonObject().put("target", requested).put("chosen", served).put("serves_endpoint", served));
        } else {
            out.put("kind", "virtual_model").put("strategy", wireName(plan))
                    .put("reason", plan.reason()).put("sticky_session_key", sessionKeyPresent)
                    .put("request_timeout_ms", resolution.requestTimeoutMs());
            boolean chosen = false;
            for (int i = 0; i < plan.order().size(); i++) {
                RoutePlan.Candidate c = plan.order().get(i);
                LoadBalanceTarget t = c.target();
                boolean served = serves.test(t.target());
                targets.add(new JsonObject()
                        .put("target", t.target())
                        .put("chosen", served && !chosen)
                        .put("order", i)
                        .put("serves_endpoint", served)
                        .put("healthy", c.healthy())
                        .put("recent_failures", c.recentFailures())
                        .put("latency_samples", c.latencySamples())
                        .put("avg_time_per_output_token_ms",
                                Double.isNaN(c.averageTimePerOutputTokenMs()) ? null : c.averageTimePerOutputTokenMs())
                        .put("weight", t.weight())
                        .put("priority", t.priority())
                        .put("retry_attempts", t.retryConfig().attempts())
                        .put("fallback_status_codes", new JsonArray(t.fallbackStatusCodes()))
                        .put("note", served ? c.note() : "skipped: its provider does not offer " + endpoint));
                chosen |= served;
            }
            if (!chosen) {
                out.put("reason", noneServes);
            }
        }
        return out.put("targets", targets);
    }

    private static String wireName(RoutePlan plan) {
        return switch (plan.strategy()) {
            case WEIGHT -> "weight-based-routing";
            case PRIORITY -> "priority-based-routing";
            case LATENCY -> "latency-based-routing";
        };
    }
}
