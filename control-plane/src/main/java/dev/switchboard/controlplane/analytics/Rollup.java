package dev.switchboard.controlplane.analytics;

import java.util.Map;
import java.util.Set;

/**
 * A rollup table: pre-aggregated states per time bucket and a few dimensions, fed by a materialized view on every
 * insert. A question is answered from a rollup when every name it groups and filters by is one of the rollup's
 * dimensions, and its range bounds and interval are whole buckets of the rollup; from the raw rows otherwise (metadata,
 * a bound inside an hour, an hourly interval over a daily rollup). Two families, one per way of computing percentiles
 * ({@link Percentiles}): the V4 schema's (clickhouse/V4__rollups.sql), whose figures equal the raw rows', and the V7
 * schema's (clickhouse/V7__tdigest_rollups.sql), the same counts and sums with t-digest percentiles that merge about
 * ten times faster. Within a family, the first rollup that covers a question answers it (the coarsest first).
 */
public enum Rollup {

    LLM_BY_MODEL_DAILY_TDIGEST(Percentiles.TDIGEST, Dataset.LLM, "request_logs_daily_models_tdigest", "day", 86_400,
            Dimensions.MODEL),
    LLM_BY_MODEL_TDIGEST(Percentiles.TDIGEST, Dataset.LLM, "request_logs_hourly_models_tdigest", "hour", 3_600,
            Dimensions.MODEL),
    LLM_BY_CALLER_TDIGEST(Percentiles.TDIGEST, Dataset.LLM, "request_logs_daily_callers_tdigest", "day", 86_400,
            Dimensions.CALLER),
    TOOL_CALLS_BY_TOOL_TDIGEST(Percentiles.TDIGEST, Dataset.TOOL_CALLS, "tool_calls_daily_tdigest", "day", 86_400,
            Dimensions.TOOL),
    LLM_BY_MODEL(Percentiles.RESERVOIR, Dataset.LLM, "request_logs_hourly_models", "hour", 3_600,
            Dimensions.MODEL),
    LLM_BY_CALLER(Percentiles.RESERVOIR, Dataset.LLM, "request_logs_daily_callers", "day", 86_400,
            Dimensions.CALLER),
    TOOL_CALLS_BY_TOOL(Percentiles.RESERVOIR, Dataset.TOOL_CALLS, "tool_calls_daily", "day", 86_400,
            Dimensions.TOOL);

    /** The dimensions of each kind of rollup, in a class of their own: an enum's constants cannot name its fields. */
    private static final class Dimensions {
        static final Map<String, String> MODEL = Dataset.dimensions(
                "model", "requested_model",
                "resolved_model", "resolved",
                "provider_account", "splitByChar('/', resolved)[1]",
                "virtual_model", Dataset.VIRTUAL_MODEL,
                "status_class", Dataset.STATUS_CLASS);
        static final Map<String, String> CALLER = Dataset.dimensions(
                "subject", "subject",
                "team", "team",
                "api_key", "if(startsWith(caller, 'api_key:'), substring(caller, 9), '')",
                "status_class", Dataset.STATUS_CLASS);
        static final Map<String, String> TOOL = Dataset.dimensions(
                "server", "server",
                "tool", "tool",
                "outcome", "call_outcome");
    }

    private final Percentiles percentiles;
    private final Dataset dataset;
    private final String table;
    private final String timeColumn;
    private final long bucketSeconds;
    private final Map<String, String> dimensions;

    Rollup(Percentiles percentiles, Dataset dataset, String table, String timeColumn, long bucketSeconds,
           Map<String, String> dimensions) {
        this.percentiles = percentiles;
        this.dataset = dataset;
        this.table = table;
        this.timeColumn = timeColumn;
        this.bucketSeconds = bucketSeconds;
        this.dimensions = dimensions;
    }

    /** The first rollup of the family that answers the question, or null when only the raw rows can. */
    static Rollup covering(AnalyticsQuery q, Percentiles percentiles) {
        for (Rollup r : values()) {
            if (r.percentiles == percentiles && r.covers(q)) {
                return r;
            }
        }
        return null;
    }

    private boolean covers(AnalyticsQuery q) {
        if (q.dataset() != dataset || !wholeBucket(q.from().getEpochSecond(), q.from().getNano())
                || !wholeBucket(q.to().getEpochSecond(), q.to().getNano())) {
            return false;
        }
        if (q.interval() != null && q.interval().seconds() < bucketSeconds) {
            return false;
        }
        Set<String> names = dimensions.keySet();
        return names.containsAll(q.groupBy()) && names.containsAll(q.filters().keySet());
    }

    private boolean wholeBucket(long epochSecond, int nano) {
        return nano == 0 && epochSecond % bucketSeconds == 0;
    }

    /** The table's name, without the database. */
    public String table() {
        return table;
    }

    /** The column holding each row's bucket start (UTC). */
    String timeColumn() {
        return timeColumn;
    }

    /** The SQL a dimension name stands for here; only names {@link #covering} checked. */
    String sql(String name) {
        return dimensions.get(name);
    }

    /** How this rollup's percentiles are computed. */
    public Percentiles percentiles() {
        return percentiles;
    }

    /** The dataset's figures, as merges of the rollup's states, aliased as {@link Dataset#metrics()} aliases them. */
    String metrics() {
        String quantiles = percentiles.function();
        if (dataset == Dataset.TOOL_CALLS) {
            return "countMerge(calls) AS m_calls, countIfMerge(errors) AS m_errors,"
                    + " " + quantiles + "Merge(0.5, 0.95, 0.99)(latency) AS m_latency_ms";
        }
        return "countMerge(requests) AS m_requests, countIfMerge(errors) AS m_errors,"
                + " sumMerge(input_tokens) AS m_input_tokens, sumMerge(output_tokens) AS m_output_tokens,"
                + " sumMerge(cost) AS m_cost_usd, " + quantiles + "Merge(0.5, 0.95, 0.99)(latency) AS m_latency_ms,"
                + " " + quantiles + "IfMerge(0.5, 0.95)(ttft) AS m_ttft_ms, countIfMerge(ttft_count) AS m_ttft_count";
    }
}
