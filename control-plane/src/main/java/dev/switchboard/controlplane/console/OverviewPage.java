package dev.switchboard.controlplane.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.admin.ApiProblem;
import dev.switchboard.controlplane.analytics.AnalyticsEndpoint;
import dev.switchboard.controlplane.analytics.AnalyticsQuery;
import dev.switchboard.controlplane.analytics.Dataset;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.limits.CurrentLimits;
import dev.switchboard.controlplane.limits.UsageEndpoint;
import dev.switchboard.model.config.Budget;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The overview: requests, errors, tokens, cost and latency over a time range, split by model, provider account, team or
 * virtual model, from the analytics API's queries; and the budgets whose spend is near their limit, from the usage
 * API. Runs on a worker thread: the analytics queries block on ClickHouse.
 */
@Path(ConsolePaths.OVERVIEW)
public class OverviewPage {

    /** The ranges offered, each with its bucket size. */
    static final Map<String, Duration> RANGES = new LinkedHashMap<>();
    static final List<String> GROUPS = List.of("model", "provider_account", "virtual_model", "team");
    /** A budget counter at or above this share of its limit is listed. */
    static final double NEAR_LIMIT_PERCENT = 80;
    /** Groups drawn as their own line; the rest is summed as "other". */
    static final int SERIES = 8;
    static final int MAX_BUDGETS = 200;
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    static {
        RANGES.put("1h", Duration.ofHours(1));
        RANGES.put("24h", Duration.ofHours(24));
        RANGES.put("7d", Duration.ofDays(7));
        RANGES.put("30d", Duration.ofDays(30));
    }

    @Inject
    ConsoleCaller caller;

    @Inject
    AnalyticsEndpoint analytics;

    @Inject
    UsageEndpoint usage;

    @Inject
    CurrentLimits limits;

    @Inject
    @Location("console/overview.html")
    Template page;

    @TemplateData
    public record Totals(long requests, long errors, String errorRate, long inputTokens, long outputTokens,
                         String cost, String p50, String p95) {
    }

    /** An option of a select. */
    @TemplateData
    public record Choice(String value, String label, boolean selected) {
    }

    @TemplateData
    public record GroupRow(String name, Totals totals) {
    }

    @TemplateData
    public record NearLimit(String budget, String member, double percent, String spent, String limit) {
    }

    @GET
    public Response overview(@QueryParam("range") @DefaultValue("24h") String range,
                             @QueryParam("group") @DefaultValue("model") String group) {
        if (!RANGES.containsKey(range)) {
            range = "24h";
        }
        if (!GROUPS.contains(group)) {
            group = "model";
        }
        Instant to = Instant.now();
        Instant from = to.minus(RANGES.get(range));
        String interval = RANGES.get(range).compareTo(Duration.ofDays(7)) <= 0 ? "hour" : "day";
        String unavailable = null;
        Totals totals = null;
        List<GroupRow> rows = List.of();
        String charts = "{}";
        try {
            JsonNode all = query(from, to, null, null);
            totals = all.path("rows").isEmpty() ? totals(ConfigJson.mapper().createObjectNode())
                    : totals(all.path("rows").get(0));
            JsonNode byGroup = query(from, to, group, null);
            rows = new ArrayList<>();
            for (JsonNode r : byGroup.path("rows")) {
                rows.add(new GroupRow(label(r.path(group).asText()), totals(r)));
            }
            charts = charts(query(from, to, group, interval), query(from, to, null, interval), group, interval,
                    byGroup);
        } catch (ApiProblem e) {
            if (e.status() != 503) {
                throw e;
            }
            unavailable = e.detail();
        }
        String html = page.data("session", caller.session()).data("active", "overview")
                .data("ranges", choices(List.copyOf(RANGES.keySet()), range, "last "))
                .data("groups", choices(GROUPS, group, "")).data("groupLabel", group.replace('_', ' ')).data("totals", totals).data("rows", rows).data("charts", charts)
                .data("unavailable", unavailable).data("nearLimit", nearLimit())
                .data("from", MINUTES.format(from)).data("to", MINUTES.format(to))
                .render();
        return Response.ok(html, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    private static List<Choice> choices(List<String> values, String selected, String prefix) {
        return values.stream().map(v -> new Choice(v, prefix + v.replace('_', ' '), v.equals(selected))).toList();
    }

    private JsonNode query(Instant from, Instant to, String group, String interval) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("from", List.of(from.toString()));
        params.put("to", List.of(to.toString()));
        if (group != null) {
            params.put("group_by", List.of(group));
        }
        if (interval != null) {
            params.put("interval", List.of(interval));
        }
        params.put("limit", List.of(String.valueOf(AnalyticsQuery.MAX_LIMIT)));
        Response answer = analytics.answer(AnalyticsQuery.parse(Dataset.LLM, params, to));
        try {
            return ConfigJson.mapper().readTree((String) answer.getEntity());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Chart.js data: requests and cost per bucket for the top groups (the rest as "other"), latency p50/p95. */
    static String charts(JsonNode series, JsonNode overall, String group, String interval, JsonNode byGroup) {
        TreeSet<String> buckets = new TreeSet<>();
        series.path("rows").forEach(r -> buckets.add(r.path("bucket").asText()));
        overall.path("rows").forEach(r -> buckets.add(r.path("bucket").asText()));
        List<String> index = new ArrayList<>(buckets);
        List<String> top = new ArrayList<>();
        for (JsonNode r : byGroup.path("rows")) {
            if (top.size() < SERIES) {
                top.add(r.path(group).asText());
            }
        }
        Map<String, double[]> requests = new LinkedHashMap<>();
        Map<String, double[]> cost = new LinkedHashMap<>();
        for (String name : top) {
            requests.put(name, new double[index.size()]);
            cost.put(name, new double[index.size()]);
        }
        for (JsonNode r : series.path("rows")) {
            String name = r.path(group).asText();
            String key = top.contains(name) ? name : "\u0000other";
            int i = index.indexOf(r.path("bucket").asText());
            requests.computeIfAbsent(key, k -> new double[index.size()])[i] += r.path("requests").asDouble();
            cost.computeIfAbsent(key, k -> new double[index.size()])[i] += r.path("cost_usd").asDouble();
        }
        double[] p50 = new double[index.size()];
        double[] p95 = new double[index.size()];
        for (JsonNode r : overall.path("rows")) {
            int i = index.indexOf(r.path("bucket").asText());
            p50[i] = r.path("latency_ms").path("p50").asDouble();
            p95[i] = r.path("latency_ms").path("p95").asDouble();
        }
        DateTimeFormatter format = DateTimeFormatter.ofPattern("hour".equals(interval) ? "MM-dd HH:mm" : "yyyy-MM-dd",
                Locale.ROOT).withZone(ZoneOffset.UTC);
        ObjectNode out = ConfigJson.mapper().createObjectNode();
        ArrayNode labels = out.putArray("labels");
        index.forEach(b -> labels.add(format.format(Instant.parse(b))));
        out.set("requests", datasets(requests));
        out.set("cost", datasets(cost));
        ObjectNode latency = ConfigJson.mapper().createObjectNode();
        latency.set("p50", ConfigJson.mapper().valueToTree(p50));
        latency.set("p95", ConfigJson.mapper().valueToTree(p95));
        out.set("latency", latency);
        // inside <script type="application/json">: no "</script>" can end it early
        return out.toString().replace("<", "\\u003c");
    }

    private static ArrayNode datasets(Map<String, double[]> byName) {
        ArrayNode out = ConfigJson.mapper().createArrayNode();
        byName.forEach((name, values) -> {
            ObjectNode d = out.addObject();
            d.put("label", name.equals("\u0000other") ? "other" : label(name));
            d.set("data", ConfigJson.mapper().valueToTree(values));
        });
        return out;
    }

    private static String label(String value) {
        return value == null || value.isEmpty() ? "(none)" : value;
    }

    static Totals totals(JsonNode r) {
        long requests = r.path("requests").asLong();
        long errors = r.path("errors").asLong();
        return new Totals(requests, errors,
                requests == 0 ? "0%" : String.format(Locale.ROOT, "%.1f%%", errors * 100.0 / requests),
                r.path("input_tokens").asLong(), r.path("output_tokens").asLong(),
                String.format(Locale.ROOT, "$%.4f", r.path("cost_usd").asDouble()),
                millis(r.path("latency_ms").path("p50")), millis(r.path("latency_ms").path("p95")));
    }

    private static String millis(JsonNode value) {
        return value.isNumber() ? String.format(Locale.ROOT, "%.0f ms", value.asDouble()) : "–";
    }

    /** Budget counters at or above {@link #NEAR_LIMIT_PERCENT} of their limit, fullest first. */
    private List<NearLimit> nearLimit() {
        List<NearLimit> out = new ArrayList<>();
        try {
            List<Budget> budgets = VertxContextSupport.subscribeAndAwait(limits::current).head().config().budgets();
            for (Budget b : budgets.subList(0, Math.min(MAX_BUDGETS, budgets.size()))) {
                Response r = VertxContextSupport.subscribeAndAwait(() -> usage.budgetUsage(b.name()));
                JsonNode body = ConfigJson.mapper().readTree((String) r.getEntity());
                for (JsonNode c : body.path("counters")) {
                    if (c.path("percent").asDouble() >= NEAR_LIMIT_PERCENT) {
                        out.add(new NearLimit(b.name(), c.path("member").asText(), c.path("percent").asDouble(),
                                String.format(Locale.ROOT, "$%.2f", c.path("spent_usd").asDouble()),
                                String.format(Locale.ROOT, "$%.2f", body.path("limit_usd").asDouble())));
                    }
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read the budgets' usage", e);
        }
        out.sort((a, b) -> Double.compare(b.percent(), a.percent()));
        return out;
    }
}
