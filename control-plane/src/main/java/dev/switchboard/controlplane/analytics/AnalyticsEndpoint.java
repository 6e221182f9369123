package dev.switchboard.controlplane.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.controlplane.admin.ApiProblem;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.telemetry.ClickHouseStore;
import dev.switchboard.controlplane.telemetry.ClickHouseStore.ClickHouseFailure;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Aggregates of the request log and the tool-call audit log, computed by ClickHouse from a rollup table where one covers
 * the question ({@link Rollup}), from the raw rows otherwise (bench/analytics.sh measures both on 10 million rows, see
 * docs/observability.md). Blocking methods: RESTEasy
 * runs them on a worker thread. Parameters are validated by {@link AnalyticsQuery}; values reach the SQL only as
 * quoted literals.
 */
@Path("/admin/v1/analytics")
@Tag(name = "analytics", description = "Request and tool-call figures over time (ClickHouse)")
@SecurityRequirement(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class AnalyticsEndpoint {

    @Inject
    ClickHouseStore clickhouse;

    @Inject
    ControlPlaneConfig config;

    @GET
    @Path("llm")
    @Operation(summary = "LLM request figures, grouped and bucketed", description = "`from`, `to`: RFC 3339 times"
            + " (default: the last 24 hours; at most 400 days). `group_by`: comma list of model, resolved_model,"
            + " provider_account, virtual_model, subject, team, api_key, status_class, metadata.<key>. `interval`:"
            + " hour or day. Filters: the same names, `name=value`. `limit`: rows, 1 to 10000 (default 1000). Each"
            + " row: the group values, `bucket`, requests, errors (status >= 400), input_tokens, output_tokens,"
            + " cost_usd, latency_ms {p50, p95, p99}, time_to_first_token_ms {p50, p95} (streams; null when none)."
            + " `source`: the table that answered, a rollup or the raw request_logs; `percentiles`: tdigest"
            + " (approximate, from a rollup) or reservoir (exact up to 8192 values per row, sampled beyond).")
    public Response llm(@Context UriInfo uri) {
        return answer(AnalyticsQuery.parse(Dataset.LLM, uri.getQueryParameters(), Instant.now()));
    }

    @GET
    @Path("tool-calls")
    @Operation(summary = "MCP tool-call figures, grouped and bucketed", description = "`from`, `to`, `interval`,"
            + " `limit` as for /analytics/llm. `group_by` and filters: server, tool, subject, outcome. Each row: the"
            + " group values, `bucket`, calls, errors (outcome other than ok and resumable), latency_ms {p50, p95,"
            + " p99}. `source`: the table that answered, a rollup or the raw tool_calls; `percentiles` as for"
            + " /analytics/llm.")
    public Response toolCalls(@Context UriInfo uri) {
        return answer(AnalyticsQuery.parse(Dataset.TOOL_CALLS, uri.getQueryParameters(), Instant.now()));
    }

    /** The answer to a validated query, as the API gives it (the console draws its overview from it too). */
    public Response answer(AnalyticsQuery q) {
        if (!clickhouse.configured()) {
            throw unavailable("no ClickHouse is configured (SWITCHBOARD_CLICKHOUSE_URL)");
        }
        List<String> lines;
        Rollup rollup = clickhouse.fillingRollups() ? null : q.rollup(config.analytics().percentiles());
        try {
            lines = clickhouse.queryLines(q.sql(clickhouse.database(), rollup));
        } catch (ClickHouseFailure e) {
            if (e.rejected() && e.code() != 60 && e.code() != 81) {
                throw new IllegalStateException("ClickHouse refused the analytics query: " + e.getMessage(), e);
            }
            throw unavailable(e.rejected() ? "the telemetry tables do not exist yet (the control plane creates them"
                    + " once ClickHouse is reachable)" : "ClickHouse cannot be reached; try again later");
        }
        ObjectNode body = ConfigJson.mapper().createObjectNode();
        body.put("from", q.from().toString());
        body.put("to", q.to().toString());
        ArrayNode groupBy = body.putArray("group_by");
        q.groupBy().forEach(groupBy::add);
        if (q.interval() == null) {
            body.putNull("interval");
        } else {
            body.put("interval", q.interval().wireName());
        }
        ObjectNode filters = body.putObject("filters");
        q.filters().forEach(filters::put);
        ArrayNode rows = body.putArray("rows");
        for (int i = 0; i < Math.min(lines.size(), q.limit()); i++) {
            rows.add(row(q, lines.get(i)));
        }
        body.put("limit", q.limit());
        body.put("truncated", lines.size() > q.limit());
        body.put("source", rollup == null ? q.dataset().kind().table() : rollup.table());
        body.put("percentiles", (rollup == null ? Percentiles.RESERVOIR : rollup.percentiles()).wireName());
        return Response.ok(body.toString(), MediaType.APPLICATION_JSON).build();
    }

    /** A JSONEachRow line as the API answers it: group names for the aliases, 64-bit counts as numbers. */
    static ObjectNode row(AnalyticsQuery q, String line) {
        JsonNode in;
        try {
            in = ConfigJson.mapper().readTree(line);
        } catch (Exception e) {
            throw new IllegalStateException("ClickHouse answered a line that is not JSON", e);
        }
        ObjectNode out = ConfigJson.mapper().createObjectNode();
        for (int i = 0; i < q.groupBy().size(); i++) {
            out.set(q.groupBy().get(i), in.get("g" + i));
        }
        if (q.interval() != null) {
            out.put("bucket", Instant.ofEpochSecond(in.get("bucket").asLong()).toString());
        }
        if (q.dataset() == Dataset.LLM) {
            out.put("requests", in.get("m_requests").asLong());
            out.put("errors", in.get("m_errors").asLong());
            out.put("input_tokens", in.get("m_input_tokens").asLong());
            out.put("output_tokens", in.get("m_output_tokens").asLong());
            out.put("cost_usd", in.get("m_cost_usd").asDouble());
            out.set("latency_ms", quantiles(in.get("m_latency_ms"), "p50", "p95", "p99"));
            out.set("time_to_first_token_ms", in.get("m_ttft_count").asLong() == 0
                    ? ConfigJson.mapper().nullNode() : quantiles(in.get("m_ttft_ms"), "p50", "p95"));
        } else {
            out.put("calls", in.get("m_calls").asLong());
            out.put("errors", in.get("m_errors").asLong());
            out.set("latency_ms", quantiles(in.get("m_latency_ms"), "p50", "p95", "p99"));
        }
        return out;
    }

    /** ClickHouse's quantiles array as {@code {"p50":…,…}}; a NaN (no values) comes back from it as null. */
    private static ObjectNode quantiles(JsonNode values, String... names) {
        ObjectNode out = ConfigJson.mapper().createObjectNode();
        for (int i = 0; i < names.length; i++) {
            JsonNode v = values == null ? null : values.get(i);
            if (v == null || !v.isNumber()) {
                out.putNull(names[i]);
            } else {
                out.put(names[i], v.asDouble());
            }
        }
        return out;
    }

    private static ApiProblem unavailable(String detail) {
        return new ApiProblem(503, "ClickHouse unavailable", detail, List.of());
    }
}
