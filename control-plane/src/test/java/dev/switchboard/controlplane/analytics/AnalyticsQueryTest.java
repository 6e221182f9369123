package dev.switchboard.controlplane.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.controlplane.admin.ApiProblem;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SQL an analytics question becomes: identifiers only from the fixed list, every caller's value a literal. */
class AnalyticsQueryTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:30:00.500Z");

    private static AnalyticsQuery parse(Dataset dataset, String... params) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            map.put(params[i], List.of(params[i + 1]));
        }
        return AnalyticsQuery.parse(dataset, map, NOW);
    }

    @Test
    void groupsAreAliasedAndValuesQuoted() {
        AnalyticsQuery q = parse(Dataset.LLM, "from", "2026-12-01T00:00:00Z", "to", "2026-12-02T00:00:00.250Z",
                "group_by", "model, metadata.customer_id", "interval", "hour", "subject", "user:o'neil\\",
                "metadata.env", "prod");
        assertEquals(List.of("model", "metadata.customer_id"), q.groupBy());
        assertEquals("SELECT requested_model AS g0, metadata_values[indexOf(metadata_keys, 'customer_id')] AS g1,"
                + " toUnixTimestamp(toStartOfHour(started_at)) AS bucket, " + Dataset.LLM.metrics()
                + " FROM db.request_logs WHERE started_at >= toDateTime(1796083200)"
                + " AND started_at <= toDateTime(1796169600) AND started_at_ms < 1796169600250"
                + " AND subject = 'user:o\\'neil\\\\'"
                + " AND metadata_values[indexOf(metadata_keys, 'env')] = 'prod'"
                + " GROUP BY g0, g1, bucket ORDER BY bucket, m_requests DESC, g0, g1 LIMIT 1001 FORMAT JSONEachRow",
                q.sql("db", q.rollup(Percentiles.RESERVOIR)));
    }

    @Test
    void defaultsAreTheLastDayAllInOneRow() {
        AnalyticsQuery q = parse(Dataset.TOOL_CALLS);
        assertEquals(NOW.minusSeconds(86_400), q.from());
        assertEquals(NOW, q.to());
        assertEquals(1000, q.limit());
        String sql = q.sql("db", q.rollup(Percentiles.RESERVOIR));
        assertTrue(sql.startsWith("SELECT count() AS m_calls"), sql);
        assertTrue(sql.contains(" ORDER BY m_calls DESC LIMIT 1001 "), sql);
        assertTrue(!sql.contains("GROUP BY"), sql);
    }

    @Test
    void theMillisecondColumnOnlyForABoundInsideASecond() {
        String sql = parse(Dataset.TOOL_CALLS, "from", "2026-12-01T00:00:00.001Z", "to", "2026-12-02T00:00:00Z")
                .sql("db", null);
        assertTrue(sql.contains(" WHERE at >= toDateTime(1796083200) AND at_ms >= 1796083200001"
                + " AND at < toDateTime(1796169600) ORDER BY"), sql);
    }

    @Test
    void anEmptyFilterIsNoFilter() {
        assertEquals(Map.of(), parse(Dataset.LLM, "model", "").filters());
    }

    @Test
    void everyMistakeAtOnceWithItsParameter() {
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("to", List.of("2026-12-01T00:00:00"));
        params.put("group_by", List.of("model,,metadata.a b"));
        params.put("subject", List.of("a", "b"));
        params.put("metadata.", List.of("x"));
        ApiProblem p = assertThrows(ApiProblem.class, () -> AnalyticsQuery.parse(Dataset.LLM, params, NOW));
        assertEquals(400, p.status());
        assertEquals(List.of("subject", "to", "group_by[1]", "group_by[2]", "metadata."),
                p.errors().stream().map(e -> e.path()).toList());
    }

    @Test
    void wholeHoursByModelAreAnsweredFromTheHourlyRollup() {
        AnalyticsQuery q = parse(Dataset.LLM, "from", "2026-12-01T05:00:00Z", "to", "2026-12-01T07:00:00Z",
                "group_by", "provider_account", "interval", "hour", "status_class", "5xx");
        assertEquals(Rollup.LLM_BY_MODEL, q.rollup(Percentiles.RESERVOIR));
        assertEquals("SELECT splitByChar('/', resolved)[1] AS g0, toUnixTimestamp(toStartOfHour(hour)) AS bucket, "
                + Rollup.LLM_BY_MODEL.metrics() + " FROM db.request_logs_hourly_models"
                + " WHERE hour >= toDateTime(1796101200) AND hour < toDateTime(1796108400)"
                + " AND " + Dataset.STATUS_CLASS + " = '5xx'"
                + " GROUP BY g0, bucket ORDER BY bucket, m_requests DESC, g0 LIMIT 1001 FORMAT JSONEachRow",
                q.sql("db", q.rollup(Percentiles.RESERVOIR)));
    }

    @Test
    void wholeDaysByCallerAreAnsweredFromTheDailyRollup() {
        AnalyticsQuery q = parse(Dataset.LLM, "from", "2026-12-01T00:00:00Z", "to", "2026-12-03T00:00:00Z",
                "group_by", "team,api_key", "interval", "day", "subject", "user:o'neil");
        assertEquals(Rollup.LLM_BY_CALLER, q.rollup(Percentiles.RESERVOIR));
        String sql = q.sql("db", q.rollup(Percentiles.RESERVOIR));
        assertTrue(sql.contains(" FROM db.request_logs_daily_callers WHERE day >= toDateTime(1796083200)"
                + " AND day < toDateTime(1796256000) AND subject = 'user:o\\'neil' GROUP BY g0, g1, bucket "), sql);
    }

    @Test
    void aQuestionNoRollupCoversReadsTheRawRows() {
        String days = "2026-12-01T00:00:00Z";
        String later = "2026-12-03T00:00:00Z";
        // a dimension of each rollup together; metadata; an hourly interval over a daily rollup; a bound inside an hour
        for (AnalyticsQuery q : List.of(
                parse(Dataset.LLM, "from", days, "to", later, "group_by", "model,subject"),
                parse(Dataset.LLM, "from", days, "to", later, "metadata.env", "prod"),
                parse(Dataset.LLM, "from", days, "to", later, "group_by", "team", "interval", "hour"),
                parse(Dataset.LLM, "from", "2026-12-01T00:30:00Z", "to", later, "group_by", "model"),
                parse(Dataset.LLM, "from", days, "to", "2026-12-02T23:00:00Z", "subject", "user:a"),
                parse(Dataset.TOOL_CALLS, "from", days, "to", later, "subject", "user:a"))) {
            assertEquals(null, q.rollup(Percentiles.RESERVOIR), q.toString());
            String table = q.dataset() == Dataset.LLM ? "db.request_logs" : "db.tool_calls";
            assertTrue(q.sql("db", q.rollup(Percentiles.RESERVOIR)).contains(" FROM " + table + " WHERE "), q.sql("db", q.rollup(Percentiles.RESERVOIR)));
        }
    }

    @Test
    void toolCallsPerDayByServerToolAndOutcomeUseTheirRollup() {
        AnalyticsQuery q = parse(Dataset.TOOL_CALLS, "from", "2026-12-01T00:00:00Z", "to", "2026-12-03T00:00:00Z",
                "group_by", "server,tool", "interval", "day", "outcome", "ok");
        assertEquals(Rollup.TOOL_CALLS_BY_TOOL, q.rollup(Percentiles.RESERVOIR));
        assertTrue(q.sql("db", q.rollup(Percentiles.RESERVOIR)).contains(" FROM db.tool_calls_daily WHERE day >= toDateTime(1796083200)"
                + " AND day < toDateTime(1796256000) AND call_outcome = 'ok' "), q.sql("db", q.rollup(Percentiles.RESERVOIR)));
    }

    @Test
    void theTdigestFamilyAnswersWholeDaysByModelFromTheDailyRollupAndHoursFromTheHourlyOne() {
        String days = "2026-12-01T00:00:00Z";
        String later = "2026-12-03T00:00:00Z";
        AnalyticsQuery daily = parse(Dataset.LLM, "from", days, "to", later, "group_by", "model", "interval", "day");
        assertEquals(Rollup.LLM_BY_MODEL_DAILY_TDIGEST, daily.rollup(Percentiles.TDIGEST));
        String sql = daily.sql("db", daily.rollup(Percentiles.TDIGEST));
        assertTrue(sql.contains(" quantilesTDigestMerge(0.5, 0.95, 0.99)(latency) AS m_latency_ms,"
                + " quantilesTDigestIfMerge(0.5, 0.95)(ttft) AS m_ttft_ms, ") && sql.contains(
                " FROM db.request_logs_daily_models_tdigest WHERE day >= toDateTime(1796083200) "), sql);
        assertEquals(Rollup.LLM_BY_MODEL_TDIGEST, parse(Dataset.LLM, "from", days, "to", later, "group_by", "model",
                "interval", "hour").rollup(Percentiles.TDIGEST));
        assertEquals(Rollup.LLM_BY_MODEL_TDIGEST, parse(Dataset.LLM, "from", days, "to", "2026-12-02T05:00:00Z")
                .rollup(Percentiles.TDIGEST));
        assertEquals(Rollup.LLM_BY_CALLER_TDIGEST, parse(Dataset.LLM, "from", days, "to", later, "group_by",
                "api_key").rollup(Percentiles.TDIGEST));
        AnalyticsQuery tools = parse(Dataset.TOOL_CALLS, "from", days, "to", later, "group_by", "tool");
        assertEquals(Rollup.TOOL_CALLS_BY_TOOL_TDIGEST, tools.rollup(Percentiles.TDIGEST));
        assertTrue(tools.sql("db", tools.rollup(Percentiles.TDIGEST)).contains(
                "quantilesTDigestMerge(0.5, 0.95, 0.99)(latency) AS m_latency_ms FROM db.tool_calls_daily_tdigest "));
        AnalyticsQuery raw = parse(Dataset.LLM, "from", days, "to", later, "metadata.env", "prod");
        assertEquals(null, raw.rollup(Percentiles.TDIGEST));
    }
}
