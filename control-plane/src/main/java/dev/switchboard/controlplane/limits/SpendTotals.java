package dev.switchboard.controlplane.limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.model.config.Budget;
import dev.switchboard.model.limits.CounterKey;
import dev.switchboard.model.limits.Family;
import dev.switchboard.model.limits.LimitsWire.Spent;
import dev.switchboard.model.limits.Windows;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The spent totals of the current windows, from the request log: for each budget counter key a request was counted on
 * ({@code limit_keys}) and each replica ({@code instance}), the sum of {@code cost_usd} of the rows in that key's
 * current window (a day key today's rows, a month key this month's). A row counts in the window in which its call
 * ended ({@code started_at_ms + latency_ms}), as the planes count settled spend. One query for every budget: rows
 * since the start of the longest current window, one {@code sumIf} per window start. Pure: the SQL in, rows out.
 */
final class SpendTotals {

    /** Calls longer than this that began before a window and ended in it are not summed into it. */
    static final long LONGEST_CALL_MS = 3_600_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long nowMs;
    private final Map<String, Budget> budgets = new LinkedHashMap<>();
    /** The distinct current window starts, ascending; column {@code w<i>} sums from the i-th. */
    private final List<Long> starts;

    SpendTotals(List<Budget> budgets, long nowMs) {
        this.nowMs = nowMs;
        TreeSet<Long> distinct = new TreeSet<>();
        for (Budget b : budgets) {
            this.budgets.put(b.name(), b);
            distinct.add(Windows.start(b.per(), nowMs));
        }
        this.starts = List.copyOf(distinct);
    }

    /** The query over {@code table} ({@code db.request_logs}); null when there is no budget. ClickHouse 18.16 reads it. */
    String sql(String table) {
        if (starts.isEmpty()) {
            return null;
        }
        StringBuilder sql = new StringBuilder("SELECT instance, arrayJoin(limit_keys) AS k");
        for (int i = 0; i < starts.size(); i++) {
            sql.append(", sumIf(cost_usd, started_at_ms + toUInt64(greatest(latency_ms, 0)) >= ")
                    .append(starts.get(i)).append(") AS w").append(i);
        }
        long since = (starts.get(0) - LONGEST_CALL_MS) / 1000;
        return sql.append(" FROM ").append(table)
                .append(" WHERE started_at >= toDateTime(").append(Math.max(0, since)).append(")")
                .append(" AND notEmpty(limit_keys) GROUP BY instance, k FORMAT JSONEachRow").toString();
    }

    /**
     * The spent totals per budget from the query's lines: every budget of the config has an entry (empty when nothing
     * was spent), so a published value never outlives the spend it stood for. Keys of rate limits, of budgets no longer
     * in the config or counted under another period are left out.
     */
    Map<String, List<Spent>> totals(List<String> lines) {
        Map<String, List<Spent>> out = new LinkedHashMap<>();
        budgets.keySet().forEach(name -> out.put(name, new ArrayList<>()));
        for (String line : lines) {
            JsonNode row;
            CounterKey key;
            try {
                row = JSON.readTree(line);
                key = CounterKey.parse(row.path("k").asText());
            } catch (IOException | IllegalArgumentException e) {
                continue;
            }
            Budget budget = budgets.get(key.rule());
            if (key.family() != Family.BUDGET || budget == null || key.per() != budget.per()) {
                continue;
            }
            long start = Windows.start(key.per(), nowMs);
            double usd = row.path("w" + starts.indexOf(start)).asDouble();
            long micros = Math.round(usd * 1e6);
            String replica = row.path("instance").asText();
            if (micros > 0 && !replica.isEmpty()) { // a replica id is never empty (LimitsWire refuses one)
                out.get(key.rule()).add(new Spent(key, start, replica, micros));
            }
        }
        return out;
    }
}
