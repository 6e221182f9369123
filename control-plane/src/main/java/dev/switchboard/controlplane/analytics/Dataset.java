package dev.switchboard.controlplane.analytics;

import dev.switchboard.controlplane.telemetry.SqlLiterals;
import dev.switchboard.controlplane.telemetry.TelemetryKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the analytics API aggregates: a telemetry table, the names a caller may group and filter by with the SQL each
 * stands for, and the figures computed per group. Every identifier and expression in the SQL comes from here, never
 * from the request; a caller's values (and metadata keys) reach the SQL only through {@link SqlLiterals}. Functions are
 * ones ClickHouse 18.16 already had, so the same SQL runs on it and on current releases.
 */
public enum Dataset {

    LLM(TelemetryKind.REQUEST_LOGS, dimensions(
            "model", "requested_model",
            "resolved_model", "ifNull(resolved_model, '')",
            // resolved_model is <account>/<model-id>; empty when no target was tried
            "provider_account", "splitByChar('/', ifNull(resolved_model, ''))[1]",
            // model names always hold a '/', virtual model names never do (the config validator's rules)
            "virtual_model", Dataset.VIRTUAL_MODEL,
            "subject", "subject",
            "team", "team",
            // credential is api_key:<name> or jwt:<identity provider>
            "api_key", "if(startsWith(ifNull(credential, ''), 'api_key:'), substring(ifNull(credential, ''), 9), '')",
            "status_class", Dataset.STATUS_CLASS),
            true,
            // tokens are -1 when the answer carried no usage: counted as 0
            "count() AS m_requests, countIf(status >= 400) AS m_errors,"
                    + " sum(if(prompt_tokens > 0, prompt_tokens, 0)) AS m_input_tokens,"
                    + " sum(if(completion_tokens > 0, completion_tokens, 0)) AS m_output_tokens,"
                    + " sum(cost_usd) AS m_cost_usd,"
                    + " quantiles(0.5, 0.95, 0.99)(latency_ms) AS m_latency_ms,"
                    + " quantilesIf(0.5, 0.95)(time_to_first_token_ms, stream = 1 AND time_to_first_token_ms >= 0)"
                    + " AS m_ttft_ms,"
                    + " countIf(stream = 1 AND time_to_first_token_ms >= 0) AS m_ttft_count",
            "m_requests"),
    TOOL_CALLS(TelemetryKind.TOOL_CALLS, dimensions(
            "server", "server",
            "tool", "tool",
            "subject", "subject",
            "outcome", "ifNull(outcome, '')"),
            false,
            // 'resumable' is the upstream asking the client to resume its stream, not a failure
            "count() AS m_calls, countIf(ifNull(outcome, '') NOT IN ('ok', 'resumable')) AS m_errors,"
                    + " quantiles(0.5, 0.95, 0.99)(latency_us / 1000) AS m_latency_ms",
            "m_calls");

    static final String METADATA_PREFIX = TelemetryKind.METADATA_PREFIX;
    /** The status class of a {@code status} column, here and in the rollups. */
    static final String STATUS_CLASS = "multiIf(status >= 500, '5xx', status >= 400, '4xx', status >= 300, '3xx',"
            + " status >= 200, '2xx', status >= 100, '1xx', 'none')";
    /** The virtual model of a {@code requested_model} column, here and in the rollups. */
    static final String VIRTUAL_MODEL = "if(position(requested_model, '/') = 0, requested_model, '')";

    private final TelemetryKind kind;
    private final Map<String, String> dimensions;
    private final boolean metadata;
    private final String metrics;
    private final String countMetric;

    Dataset(TelemetryKind kind, Map<String, String> dimensions, boolean metadata, String metrics,
            String countMetric) {
        this.kind = kind;
        this.dimensions = dimensions;
        this.metadata = metadata;
        this.metrics = metrics;
        this.countMetric = countMetric;
    }

    static Map<String, String> dimensions(String... nameThenSql) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < nameThenSql.length; i += 2) {
            out.put(nameThenSql[i], nameThenSql[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    public TelemetryKind kind() {
        return kind;
    }

    /** The fixed dimension names, in documentation order ({@code metadata.<key>} besides, where it applies). */
    public List<String> dimensionNames() {
        return List.copyOf(dimensions.keySet());
    }

    /** Whether {@code metadata.<key>} dimensions exist here. */
    public boolean hasMetadata() {
        return metadata;
    }

    /** The SQL expression a dimension name stands for, or null when the name is not one. */
    String sql(String name) {
        String fixed = dimensions.get(name);
        if (fixed != null) {
            return fixed;
        }
        if (metadata && name.startsWith(METADATA_PREFIX)) {
            String key = name.substring(METADATA_PREFIX.length());
            if (TelemetryKind.METADATA_KEY.matcher(key).matches()) {
                String literal = SqlLiterals.string(key);
                return "metadata_values[indexOf(metadata_keys, " + literal + ")]";
            }
        }
        return null;
    }

    /** The aggregate columns, each aliased {@code m_...} so that no alias shadows a table column. */
    String metrics() {
        return metrics;
    }

    /** The alias of the row count, the default order within a bucket. */
    String countMetric() {
        return countMetric;
    }
}
