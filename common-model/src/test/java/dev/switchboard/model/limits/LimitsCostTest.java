package dev.switchboard.model.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.Price;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the whole limit step costs per request on one thread, with a rule set that covers every request across 1,000
 * callers: a per-member rate limit with requests and tokens, a team pool, and a team budget. Printed, not asserted:
 * a timing assertion would fail on a busy machine, not on a slow engine.
 */
class LimitsCostTest {

    @Test
    void matchAdmitRecordAndSettleCostAFewMicrosecondsPerRequest() {
        StringBuilder users = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            users.append(i == 0 ? "" : ", ").append("u").append(i);
        }
        String config = Fixtures.BASE
                .replace("users: [{name: alice}", "users: [" + users.toString().replaceAll("(u\\d+)", "{name: $1}")
                        + ", {name: alice}")
                .replace("teams: [", "teams: [{name: bench, members: [" + users + "]}, ") + """
                rate_limits:
                  - {name: each, subjects: [team:bench], requests: 1000000000, tokens: 1000000000000, per: minute,
                     counting: per_member}
                  - {name: pool, subjects: [team:bench], requests: 1000000000, per: hour}
                budgets:
                  - {name: bench-monthly, subjects: [team:bench], limit_usd: 1000000000, per: month}
                """;
        LimitRules rules = LimitRules.compile(ConfigCodec.loadYaml(config, 1, Instant.EPOCH).config());
        LimitCounters counters = new LimitCounters(Clock.systemUTC(), "bench");
        Caller[] callers = new Caller[1000];
        for (int i = 0; i < callers.length; i++) {
            callers[i] = Caller.user("u" + i);
        }
        Price price = new Price(new BigDecimal("2.5"), new BigDecimal("10"));
        Map<String, String> metadata = Map.of();
        int warmup = 300_000;
        int measured = 1_000_000;
        long start = 0;
        for (int i = 0; i < warmup + measured; i++) {
            if (i == warmup) {
                start = System.nanoTime();
            }
            Applied applied = rules.match(callers[i % callers.length], "openai/gpt-4o", metadata);
            double worst = CostEstimate.worstCase(price, CostEstimate.promptTokensFromBodyBytes(600), 256);
            Admission a = assertInstanceOf(Admission.class, counters.admit(applied, worst));
            counters.recordTokens(a, 150, 80);
            counters.settle(a, price.costUsd(150, 80));
        }
        long ns = (System.nanoTime() - start) / measured;
        assertEquals(1002, counters.size());
        System.out.printf("Limits: match + admit + recordTokens + settle = %d ns per request (3 rules, 1,000 callers)%n",
                ns);
    }
}
