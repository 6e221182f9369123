package dev.switchboard.gateway.routing;

import dev.switchboard.model.config.LoadBalanceTarget;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The answer of {@code POST /v1/route:explain}: which target would serve the request now, and why. */
public final class RouteExplanation {

    private RouteExplanation() {
    }

    public static JsonObject of(String requested, ModelResolver.Resolution resolution, boolean sessionKeyPresent,
                                long nowMillis) {
        JsonObject out = new JsonObject().put("model", requested)
                .put("evaluated_at", Instant.ofEpochMilli(nowMillis).toString());
        JsonArray targets = new JsonArray();
        RoutePlan plan = resolution.plan();
        if (plan == null) {
            out.put("kind", "model").put("strategy", "direct")
                    .put("reason", "the model is named directly; it is the only target");
            targets.add(new JsonObject().put("target", requested).put("chosen", true));
        } else {
            out.put("kind", "virtual_model").put("strategy", wireName(plan))
                    .put("reason", plan.reason()).put("sticky_session_key", sessionKeyPresent)
                    .put("request_timeout_ms", resolution.requestTimeoutMs());
            for (int i = 0; i < plan.order().size(); i++) {
                RoutePlan.Candidate c = plan.order().get(i);
                LoadBalanceTarget t = c.target();
                targets.add(new JsonObject()
                        .put("target", t.target())
                        .put("chosen", i == 0)
                        .put("order", i)
                        .put("healthy", c.healthy())
                        .put("recent_failures", c.recentFailures())
                        .put("latency_samples", c.latencySamples())
                        .put("avg_time_per_output_token_ms",
                                Double.isNaN(c.averageTimePerOutputTokenMs()) ? null : c.averageTimePerOutputTokenMs())
                        .put("weight", t.weight())
                        .put("priority", t.priority())
                        .put("retry_attempts", t.retryConfig().attempts())
                        .put("fallback_status_codes", new JsonArray(t.fallbackStatusCodes()))
                        .put("note", c.note()));
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
