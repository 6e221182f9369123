package dev.switchboard.controlplane.limits;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.admin.ApiProblem;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.model.config.Budget;
import dev.switchboard.model.config.Period;
import dev.switchboard.model.limits.CounterUsage;
import dev.switchboard.model.limits.Family;
import dev.switchboard.model.limits.Metric;
import dev.switchboard.model.limits.Rule;
import dev.switchboard.model.limits.Windows;
import dev.switchboard.model.validation.ConfigError;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Current usage of a budget or rate limit, cluster-wide: the counts every replica of the planes reported for the
 * current window ({@link ClusterCounts}), against the limits of the current revision. Nothing here reads a store but
 * the current revision's number.
 */
@Path("/admin/v1")
@Tag(name = "limits", description = "Usage of rate limits and budgets in their current windows")
@SecurityRequirement(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class UsageEndpoint {

    static final int DEFAULT_TOP = 10;
    static final int MAX_TOP = 1000;

    @Inject
    CurrentLimits limits;

    @Inject
    ClusterCounts cluster;

    @GET
    @Path("budgets/{name}/usage")
    @Operation(summary = "A budget's spend in its current period, per counter (member), with the models it cannot"
            + " price")
    public Uni<Response> budgetUsage(@PathParam("name") String name) {
        return limits.current().map(current -> {
            Rule rule = current.rules().budget(name);
            Budget budget = current.head().config().budgets().stream().filter(b -> b.name().equals(name))
                    .findFirst().orElse(null);
            if (rule == null || budget == null) {
                throw ApiProblem.notFound("no budget named '" + name + "'");
            }
            long now = System.currentTimeMillis();
            long start = Windows.start(rule.per(), now);
            ObjectNode body = ConfigJson.mapper().createObjectNode()
                    .put("budget", name)
                    .put("per", wire(rule.per()))
                    .put("limit_usd", rule.limitUsd())
                    .put("period_start", Instant.ofEpochMilli(start).toString())
                    .put("period_end", Instant.ofEpochMilli(Windows.end(rule.per(), start)).toString());
            ArrayNode counters = body.putArray("counters");
            List<CounterUsage> usage = cluster.counters().usage(Family.BUDGET, name).stream()
                    .filter(u -> u.key().per() == rule.per())
                    .sorted(Comparator.comparingDouble(CounterUsage::spentUsd).reversed()
                            .thenComparing(u -> u.key().member()))
                    .toList();
            for (CounterUsage u : usage) {
                ObjectNode c = counters.addObject().put("member", u.key().member());
                if (u.key().metadata() != null) {
                    c.put("metadata", u.key().metadata());
                }
                double percent = rule.limitUsd() <= 0 ? 0 : u.spentUsd() * 100 / rule.limitUsd();
                c.put("spent_usd", usd(u.spentUsd()))
                        .put("remaining_usd", usd(Math.max(0, rule.limitUsd() - u.spentUsd())))
                        .put("percent", BigDecimal.valueOf(percent).setScale(2, RoundingMode.HALF_UP).doubleValue());
            }
            ArrayNode unpriced = body.putArray("unpriced_models");
            current.rules().unpricedModels().stream().filter(m -> matches(budget.models(), m)).sorted()
                    .forEach(unpriced::add);
            body.put("replicas_reporting", cluster.replicasReporting());
            body.put("as_of", Instant.ofEpochMilli(now).toString());
            return Response.ok(body.toString(), MediaType.APPLICATION_JSON).build();
        });
    }

    @GET
    @Path("rate-limits/{name}/usage")
    @Operation(summary = "A rate limit's top consumers in its current window", description = "`top` (1 to 1000,"
            + " default 10): how many counters, highest first by the rule's main metric (requests when it limits"
            + " requests, else tokens, else input tokens, else output tokens).")
    public Uni<Response> rateLimitUsage(@PathParam("name") String name, @QueryParam("top") String topText) {
        int top = top(topText);
        return limits.current().map(current -> {
            Rule rule = current.rules().rateLimit(name);
            if (rule == null) {
                throw ApiProblem.notFound("no rate limit named '" + name + "'");
            }
            Metric metric = mainMetric(rule);
            long now = System.currentTimeMillis();
            long start = Windows.start(rule.per(), now);
            String reset = Instant.ofEpochMilli(Windows.end(rule.per(), start)).toString();
            List<CounterUsage> all = cluster.counters().usage(Family.RATE_LIMIT, name).stream()
                    .filter(u -> u.key().per() == rule.per())
                    .sorted(Comparator.comparingLong((CounterUsage u) -> u.count(metric)).reversed()
                            .thenComparing(u -> u.key().member()))
                    .toList();
            ObjectNode body = ConfigJson.mapper().createObjectNode()
                    .put("rate_limit", name)
                    .put("per", wire(rule.per()))
                    .put("mcp", rule.mcp());
            ObjectNode limitsNode = body.putObject("limits");
            for (Metric m : List.of(Metric.REQUESTS, Metric.TOKENS, Metric.INPUT_TOKENS, Metric.OUTPUT_TOKENS)) {
                if (rule.limit(m) > 0) {
                    limitsNode.put(wire(m), rule.limit(m));
                }
            }
            body.put("metric", wire(metric))
                    .put("window_start", Instant.ofEpochMilli(start).toString())
                    .put("reset_at", reset)
                    .put("counters", all.size());
            ArrayNode consumers = body.putArray("top");
            for (CounterUsage u : all.subList(0, Math.min(top, all.size()))) {
                ObjectNode c = consumers.addObject().put("member", u.key().member());
                if (u.key().metadata() != null) {
                    c.put("metadata", u.key().metadata());
                }
                c.put("requests", u.requests()).put("tokens", u.tokens()).put("input_tokens", u.inputTokens())
                        .put("output_tokens", u.outputTokens())
                        .put("remaining", Math.max(0, rule.limit(metric) - u.count(metric)))
                        .put("reset_at", reset);
            }
            body.put("replicas_reporting", cluster.replicasReporting());
            body.put("as_of", Instant.ofEpochMilli(now).toString());
            return Response.ok(body.toString(), MediaType.APPLICATION_JSON).build();
        });
    }

    private static int top(String text) {
        if (text == null) {
            return DEFAULT_TOP;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1 && n <= MAX_TOP) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.invalid(List.of(new ConfigError("top", "must be an integer between 1 and " + MAX_TOP)));
    }

    /** The metric the top consumers are ranked by: the first the rule limits of requests, tokens, input, output. */
    static Metric mainMetric(Rule rule) {
        for (Metric m : List.of(Metric.REQUESTS, Metric.TOKENS, Metric.INPUT_TOKENS, Metric.OUTPUT_TOKENS)) {
            if (rule.limit(m) > 0) {
                return m;
            }
        }
        return Metric.REQUESTS;
    }

    /**
     * Whether a budget's {@code models} cover {@code model}, as the engine matches them: {@code *}, an exact model or
     * virtual model name, or {@code <account>/*}.
     */
    static boolean matches(List<String> models, String model) {
        for (String m : models) {
            boolean account = m.endsWith("/*") && model.startsWith(m.substring(0, m.length() - 1));
            if (m.equals("*") || m.equals(model) || account) {
                return true;
            }
        }
        return false;
    }

    private static double usd(double value) {
        return BigDecimal.valueOf(value).setScale(6, RoundingMode.HALF_UP).doubleValue();
    }

    private static String wire(Period per) {
        return per.name().toLowerCase();
    }

    private static String wire(Metric metric) {
        return metric.name().toLowerCase();
    }
}
