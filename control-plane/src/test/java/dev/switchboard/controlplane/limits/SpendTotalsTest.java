package dev.switchboard.controlplane.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.config.Budget;
import dev.switchboard.model.config.Period;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.limits.CounterKey;
import dev.switchboard.model.limits.Family;
import dev.switchboard.model.limits.LimitsWire.Spent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpendTotalsTest {

    static final long NOW = Instant.parse("2026-12-07T10:00:00Z").toEpochMilli();
    static final long DAY = Instant.parse("2026-12-07T00:00:00Z").toEpochMilli();
    static final long MONTH = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    static final Budget DAILY = budget("d", Period.DAY);
    static final Budget MONTHLY = budget("m", Period.MONTH);

    static Budget budget(String name, Period per) {
        return new Budget(name, List.of(SubjectRef.team("ml")), null, BigDecimal.TEN, per);
    }

    static String key(String budget, Period per) {
        return new CounterKey(Family.BUDGET, budget, per, "team:ml", null).wire();
    }

    @Test
    void oneSumPerWindowStartFromTheLongestWindowLessTheLongestCall() {
        String sql = new SpendTotals(List.of(DAILY, MONTHLY), NOW).sql("db.request_logs");
        assertTrue(sql.contains("sumIf(cost_usd, started_at_ms + toUInt64(greatest(latency_ms, 0)) >= " + MONTH
                + ") AS w0"), sql);
        assertTrue(sql.contains(">= " + DAY + ") AS w1"), sql);
        assertTrue(sql.contains("WHERE started_at >= toDateTime(" + (MONTH - 3_600_000) / 1000 + ")"), sql);
        assertTrue(sql.endsWith("GROUP BY instance, k FORMAT JSONEachRow"), sql);
    }

    @Test
    void noBudgetNoQuery() {
        assertNull(new SpendTotals(List.of(), NOW).sql("db.request_logs"));
    }

    @Test
    void eachKeyTakesItsOwnWindowsSumAndOthersAreLeftOut() {
        SpendTotals totals = new SpendTotals(List.of(DAILY, MONTHLY), NOW);
        Map<String, List<Spent>> out = totals.totals(List.of(
                "{\"instance\":\"gw-a\",\"k\":\"" + key("d", Period.DAY) + "\",\"w0\":3.5,\"w1\":1.25}",
                "{\"instance\":\"gw-a\",\"k\":\"" + key("m", Period.MONTH) + "\",\"w0\":3.5,\"w1\":1.25}",
                "{\"instance\":\"gw-b\",\"k\":\"" + key("m", Period.DAY) + "\",\"w0\":9,\"w1\":9}",
                "{\"instance\":\"gw-b\",\"k\":\"" + key("gone", Period.DAY) + "\",\"w0\":9,\"w1\":9}",
                "{\"instance\":\"gw-b\",\"k\":\"rate_limit|d|day|team:ml\",\"w0\":9,\"w1\":9}",
                "{\"instance\":\"gw-b\",\"k\":\"" + key("d", Period.DAY) + "\",\"w0\":2,\"w1\":0}",
                "{\"instance\":\"gw-c\",\"k\":\"not a key\",\"w0\":1,\"w1\":1}"));
        assertEquals(List.of(new Spent(CounterKey.parse(key("d", Period.DAY)), DAY, "gw-a", 1_250_000)), out.get("d"));
        assertEquals(List.of(new Spent(CounterKey.parse(key("m", Period.MONTH)), MONTH, "gw-a", 3_500_000)),
                out.get("m"));
    }

    @Test
    void aBudgetWithoutSpendStillGetsAnEntry() {
        assertEquals(Map.of("d", List.of()), new SpendTotals(List.of(DAILY), NOW).totals(List.of()));
    }
}
