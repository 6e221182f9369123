package dev.switchboard.model.limits;

import static dev.switchboard.model.limits.Fixtures.ALICE;
import static dev.switchboard.model.limits.Fixtures.BOB;
import static dev.switchboard.model.limits.Fixtures.CAROL;
import static dev.switchboard.model.limits.Fixtures.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.config.Price;
import dev.switchboard.testsupport.TestClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LimitCountersTest {

    private final TestClock clock = new TestClock("2026-12-07T10:30:00Z");
    private final LimitCounters counters = new LimitCounters(clock, "replica-a");

    private static final String RPM_3 = """
            rate_limits:
              - {name: alice-rpm, subjects: [user:alice], requests: 3, per: minute}
            """;

    private Decision call(LimitRules rules, Caller caller) {
        return counters.admit(rules.match(caller, "assistant", Map.of()));
    }

    private Admission admitted(Decision d) {
        return assertInstanceOf(Admission.class, d);
    }

    private Refusal refused(Decision d) {
        return assertInstanceOf(Refusal.class, d);
    }

    private long requests(String rule, String member) {
        return counters.usage(Family.RATE_LIMIT, rule).stream().filter(u -> u.key().member().equals(member))
                .mapToLong(CounterUsage::requests).sum();
    }

    // ---- windows and several rules

    @Test
    void requestLimitAdmitsExactlyTheLimitUntilTheMinuteEndsAt60000ms() {
        LimitRules rules = rules(RPM_3);
        for (int i = 0; i < 3; i++) {
            admitted(call(rules, ALICE));
        }
        Refusal r = refused(call(rules, ALICE));
        assertEquals(Instant.parse("2026-12-07T10:31:00Z"), r.retryAt());
        assertEquals(Metric.REQUESTS, r.reported().metric());
        clock.set("2026-12-07T10:30:59.999Z");
        refused(call(rules, ALICE));
        clock.set("2026-12-07T10:31:00.000Z");
        Admission a = admitted(call(rules, ALICE));
        assertEquals(new Quota(Metric.REQUESTS, 3, 2, Instant.parse("2026-12-07T10:32:00Z")), a.requests());
        assertNull(a.tokens());
    }

    @Test
    void whenOneRuleRefusesNothingIsCountedAndTheLatestResetIsReported() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: rpm, subjects: [user:alice], requests: 2, per: minute}
                  - {name: rph, subjects: [user:alice], requests: 2, per: hour}
                  - {name: roomy, subjects: [user:alice], requests: 100, per: day}
                """);
        admitted(call(rules, ALICE));
        admitted(call(rules, ALICE));
        Refusal both = refused(call(rules, ALICE));
        assertEquals(2, both.refused().size());
        assertEquals("rph", both.reported().limit().rule().name());
        assertEquals(Instant.parse("2026-12-07T11:00:00Z"), both.retryAt());
        assertEquals(2, requests("roomy", "user:alice"), "a refused request counts nowhere");

        clock.advance(Duration.ofMinutes(1));
        Refusal hourOnly = refused(call(rules, ALICE));
        assertEquals("rph", hourOnly.reported().limit().rule().name());
        assertEquals(0, requests("rpm", "user:alice"));
        assertEquals(2, requests("roomy", "user:alice"));
    }

    @Test
    void headersReportTheLimitWithTheLeastRemaining() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: rpm, subjects: [user:alice], requests: 10, per: minute, tokens: 1000}
                  - {name: rph, subjects: [user:alice], requests: 3, per: hour, output_tokens: 200}
                """);
        Admission a = admitted(call(rules, ALICE));
        assertEquals(new Quota(Metric.REQUESTS, 3, 2, Instant.parse("2026-12-07T11:00:00Z")), a.requests());
        assertEquals(new Quota(Metric.OUTPUT_TOKENS, 200, 200, Instant.parse("2026-12-07T11:00:00Z")), a.tokens());
        counters.recordTokens(a, 10, 150);
        Admission b = admitted(call(rules, ALICE));
        assertEquals(new Quota(Metric.OUTPUT_TOKENS, 200, 50, Instant.parse("2026-12-07T11:00:00Z")), b.tokens());
    }

    // ---- tokens

    @Test
    void tokensCountAfterTheAnswerAndALimitAtOrOverItRefuses() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: tpm, subjects: [user:alice], tokens: 100, per: minute}
                  - {name: input-tpm, subjects: [user:alice], input_tokens: 1000, per: minute}
                """);
        Admission a = admitted(call(rules, ALICE));
        Admission b = admitted(call(rules, ALICE));
        counters.recordTokens(a, 40, 20);
        admitted(call(rules, ALICE));
        counters.recordTokens(b, 30, 10);
        Refusal r = refused(call(rules, ALICE));
        assertEquals(Metric.TOKENS, r.reported().metric());
        assertEquals(100, r.reported().value());
        CounterUsage u = counters.usage(Family.RATE_LIMIT, "tpm").get(0);
        assertEquals(100, u.tokens());
        assertEquals(70, u.inputTokens());
        assertEquals(30, u.outputTokens());
    }

    // ---- who is counted

    @Test
    void eachMetadataValueIsLimitedOnItsOwnAndLeavingItOutDoesNotEscape() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: per-customer, subjects: [user:alice], requests: 1, per: minute, per_metadata: customer_id}
                """);
        admitted(counters.admit(rules.match(ALICE, "assistant", Map.of("customer_id", "acme"))));
        admitted(counters.admit(rules.match(ALICE, "assistant", Map.of("customer_id", "globex"))));
        refused(counters.admit(rules.match(ALICE, "assistant", Map.of("customer_id", "acme"))));
        admitted(counters.admit(rules.match(ALICE, "assistant", Map.of())));
        refused(counters.admit(rules.match(ALICE, "assistant", Map.of())));
        refused(counters.admit(rules.match(ALICE, "assistant", Map.of("customer_id", ""))));
    }

    @Test
    void perMemberCountsEachTeamMemberAndSharedCountsTheTeamAsOne() {
        LimitRules members = rules("""
                rate_limits:
                  - {name: each, subjects: [team:ml], requests: 1, per: minute, counting: per_member}
                """);
        admitted(call(members, ALICE));
        admitted(call(members, BOB));
        refused(call(members, ALICE));

        LimitRules pool = rules("""
                rate_limits:
                  - {name: pool, subjects: [team:ml], requests: 1, per: minute, counting: shared}
                """);
        admitted(call(pool, ALICE));
        refused(call(pool, BOB));
    }

    @Test
    void anApiKeyLimitCountsTheKeyAndNotItsOwnerOtherwise() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: laptop-rpm, subjects: [api_key:alice-laptop], requests: 1, per: minute}
                """);
        Caller withKey = ALICE.withApiKey("alice-laptop");
        admitted(call(rules, withKey));
        Refusal r = refused(call(rules, withKey));
        assertEquals("api_key:alice-laptop", r.reported().limit().key().member());
        admitted(call(rules, ALICE));
    }

    // ---- budgets

    private static final String BUDGETS = """
            budgets:
              - {name: ml-daily, subjects: [team:ml], limit_usd: 1, per: day}
              - {name: laptop-daily, subjects: [api_key:alice-laptop], limit_usd: 1, per: day}
              - {name: alice-daily, subjects: [user:alice], limit_usd: 2, per: day}
            """;

    private Decision spend(LimitRules rules, Caller caller, double worst) {
        return counters.admit(rules.match(caller, "openai/gpt-4o", Map.of()), worst);
    }

    @Test
    void aTeamBudgetCapsItsMembersTogether() {
        LimitRules rules = rules(BUDGETS);
        Admission a = admitted(spend(rules, ALICE, 0.5));
        assertTrue(counters.settle(a, 0.6));
        Refusal r = refused(spend(rules, BOB, 0.5));
        assertEquals("ml-daily", r.reported().limit().rule().name());
        assertEquals(Metric.USD, r.reported().metric());
        assertEquals(Instant.parse("2026-12-08T00:00:00Z"), r.retryAt());
        admitted(spend(rules, BOB, 0.4));
    }

    @Test
    void aKeysBudgetAndItsOwnersBothApply() {
        LimitRules rules = rules(BUDGETS.replace("team:ml], limit_usd: 1", "team:ml], limit_usd: 100"));
        Caller withKey = ALICE.withApiKey("alice-laptop");
        counters.settle(admitted(spend(rules, withKey, 0.9)), 0.9);
        Refusal byKey = refused(spend(rules, withKey, 0.2));
        assertEquals("laptop-daily", byKey.reported().limit().rule().name());
        counters.settle(admitted(spend(rules, ALICE, 1.0)), 1.0);
        Refusal byOwner = refused(spend(rules, ALICE, 0.2));
        assertEquals("alice-daily", byOwner.reported().limit().rule().name());
    }

    @Test
    void fiftyConcurrentReservationsNeverExceedTheBudgetAndSettleOnce() throws Exception {
        LimitRules rules = rules("""
                budgets:
                  - {name: small, subjects: [team:ml], limit_usd: 1, per: month}
                """);
        Applied applied = rules.match(ALICE, "openai/gpt-4o", Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Decision>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                Decision d = counters.admit(applied, 0.05);
                CounterUsage u = counters.usage(Family.BUDGET, "small").get(0);
                assertTrue(u.spentUsd() + u.reservedUsd() <= 1.0 + 1e-9, u.toString());
                return d;
            }));
        }
        start.countDown();
        List<Admission> admitted = new ArrayList<>();
        for (Future<Decision> f : futures) {
            if (f.get(10, TimeUnit.SECONDS) instanceof Admission a) {
                admitted.add(a);
            }
        }
        assertEquals(20, admitted.size(), "20 worst cases of 0.05 fill 1 USD exactly");
        List<Future<Boolean>> settles = new ArrayList<>();
        List<Future<Boolean>> releases = new ArrayList<>();
        for (Admission a : admitted) {
            settles.add(pool.submit(() -> counters.settle(a, 0.04)));
            settles.add(pool.submit(() -> counters.settle(a, 0.04)));
            releases.add(pool.submit(() -> counters.release(a)));
        }
        int settled = 0;
        int released = 0;
        for (Future<Boolean> f : settles) {
            settled += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
        }
        for (Future<Boolean> f : releases) {
            released += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(20, settled + released, "each admission finishes exactly once");
        CounterUsage u = counters.usage(Family.BUDGET, "small").get(0);
        assertEquals(0, u.reservedUsd(), 1e-9);
        assertEquals(0.04 * settled, u.spentUsd(), 1e-9);
    }

    @Test
    void releaseFreesAnAbandonedReservationAndSettleAfterItDoesNothing() {
        LimitRules rules = rules(BUDGETS);
        Admission a = admitted(spend(rules, BOB, 0.9));
        refused(spend(rules, BOB, 0.2));
        assertTrue(counters.release(a));
        assertFalse(counters.settle(a, 0.9));
        assertFalse(counters.release(a));
        assertEquals(0, counters.usage(Family.BUDGET, "ml-daily").get(0).spentUsd());
        admitted(spend(rules, BOB, 0.9));
    }

    @Test
    void aPriceChangeMidPeriodKeepsWhatWasSpentAndPricesNewCallsAnew() {
        String budget = """
                budgets:
                  - {name: ml-daily, subjects: [team:ml], limit_usd: 1, per: day}
                """;
        Price before = new Price(new BigDecimal("100"), new BigDecimal("200"));
        Admission a = admitted(spend(rules(budget), ALICE, CostEstimate.worstCase(before, 1000, 1000)));
        assertEquals(0.3, a.reservedUsd(), 1e-9);
        counters.settle(a, before.costUsd(1000, 500));
        assertEquals(0.2, counters.usage(Family.BUDGET, "ml-daily").get(0).spentUsd(), 1e-9);

        LimitRules swapped = rules(budget.replace("limit_usd: 1", "limit_usd: 1.5"));
        Price after = new Price(new BigDecimal("1000"), new BigDecimal("2000"));
        Admission b = admitted(spend(swapped, BOB, CostEstimate.worstCase(after, 500, 100)));
        assertEquals(0.7, b.reservedUsd(), 1e-9);
        refused(spend(swapped, BOB, CostEstimate.worstCase(after, 500, 100)));
        counters.settle(b, after.costUsd(500, 100));
        CounterUsage u = counters.usage(Family.BUDGET, "ml-daily").get(0);
        assertEquals(0.9, u.spentUsd(), 1e-9);
        assertEquals(1.5, u.rule().limitUsd(), 1e-9);
    }

    @Test
    void aSnapshotSwapKeepsCountsAndAppliesTheChangedLimit() {
        admitted(call(rules(RPM_3), ALICE));
        admitted(call(rules(RPM_3), ALICE));
        LimitRules tighter = rules(RPM_3.replace("requests: 3", "requests: 2"));
        refused(call(tighter, ALICE));
        LimitRules hourly = rules(RPM_3.replace("per: minute", "per: hour"));
        admitted(call(hourly, ALICE));
    }

    // ---- sharing between replicas

    @Test
    void replicasExchangingAfterEveryCallAdmitExactlyTheLimit() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: pool, subjects: [team:ml], requests: 10, per: minute, counting: shared}
                """);
        LimitCounters b = new LimitCounters(clock, "replica-b");
        Applied applied = rules.match(ALICE, "assistant", Map.of());
        int admitted = 0;
        for (int i = 0; i < 40; i++) {
            LimitCounters here = i % 2 == 0 ? counters : b;
            LimitCounters there = here == counters ? b : counters;
            if (here.admit(applied) instanceof Admission) {
                admitted++;
            }
            there.applyRemote(here.replicaId(), here.localCounts());
        }
        assertEquals(10, admitted);
    }

    @Test
    void replicasExchangingLateOvershootByAtMostTheOthersRateTimesTheInterval() {
        int limit = 100;
        int replicas = 3;
        int perInterval = 7;
        LimitRules rules = rules("""
                rate_limits:
                  - {name: pool, subjects: [team:ml], requests: 100, per: minute, counting: shared}
                """);
        Applied applied = rules.match(ALICE, "assistant", Map.of());
        List<LimitCounters> cluster = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            cluster.add(new LimitCounters(clock, "r" + r));
        }
        int admitted = 0;
        for (int interval = 0; interval < 30; interval++) {
            for (LimitCounters replica : cluster) {
                for (int k = 0; k < perInterval; k++) {
                    admitted += replica.admit(applied) instanceof Admission ? 1 : 0;
                }
            }
            List<List<CounterReport>> reports = cluster.stream().map(LimitCounters::localCounts).toList();
            for (int from = 0; from < replicas; from++) {
                for (LimitCounters to : cluster) {
                    to.applyRemote(cluster.get(from).replicaId(), reports.get(from));
                }
            }
        }
        assertTrue(admitted >= limit, "admitted " + admitted);
        assertTrue(admitted <= limit + (replicas - 1) * perInterval, "admitted " + admitted);
        // After four intervals all know of 84; in the fifth each sees 84 plus its own 7 (91 <= 100): all 21 pass.
        assertEquals(105, admitted);
    }

    @Test
    void repeatedLostOrReorderedReportsDoNoHarm() {
        LimitRules rules = rules(RPM_3.replace("requests: 3", "requests: 10"));
        CounterKey key = rules.match(ALICE, "assistant", Map.of()).limits().get(0).key();
        long window = Instant.parse("2026-12-07T10:30:00Z").toEpochMilli();
        counters.applyRemote("replica-b", List.of(new CounterReport(key, window, 4, 0, 0, 0, 0)));
        counters.applyRemote("replica-b", List.of(new CounterReport(key, window, 6, 0, 0, 0, 0)));
        counters.applyRemote("replica-b", List.of(new CounterReport(key, window, 6, 0, 0, 0, 0)));
        counters.applyRemote("replica-b", List.of(new CounterReport(key, window, 5, 0, 0, 0, 0)));
        counters.applyRemote("replica-a", List.of(new CounterReport(key, window, 9, 0, 0, 0, 0)));
        counters.applyRemote("replica-c", List.of(new CounterReport(key, window - 60_000, 9, 0, 0, 0, 0)));
        assertEquals(6, requests("alice-rpm", "user:alice"), "own echo and last minute's report ignored");
        for (int i = 0; i < 4; i++) {
            admitted(call(rules, ALICE));
        }
        refused(call(rules, ALICE));
    }

    @Test
    void localCountsReportOnlyChangedCountersWithAbsoluteCounts() {
        LimitRules rules = rules(RPM_3);
        call(rules, ALICE);
        call(rules, ALICE);
        List<CounterReport> first = counters.localCounts();
        assertEquals(1, first.size());
        assertEquals(2, first.get(0).requests());
        assertEquals(List.of(), counters.localCounts());
        call(rules, ALICE);
        assertEquals(3, counters.localCounts().get(0).requests());
    }

    @Test
    void aReplicaThatStopsReportingKeepsItsLastCountForTheWindow() {
        LimitRules rules = rules(RPM_3.replace("requests: 3", "requests: 5"));
        CounterKey key = rules.match(ALICE, "assistant", Map.of()).limits().get(0).key();
        long window = Instant.parse("2026-12-07T10:30:00Z").toEpochMilli();
        counters.applyRemote("replica-b", List.of(new CounterReport(key, window, 4, 0, 0, 0, 0)));
        clock.set("2026-12-07T10:30:50Z");
        admitted(call(rules, ALICE));
        refused(call(rules, ALICE));
        clock.set("2026-12-07T10:31:00Z");
        for (int i = 0; i < 5; i++) {
            admitted(call(rules, ALICE));
        }
    }

    @Test
    void seededSpendIsFoldedPerReplicaAndNeverCountedTwice() {
        LimitRules rules = rules("""
                budgets:
                  - {name: ml-monthly, subjects: [team:ml], limit_usd: 10, per: month}
                """);
        CounterKey key = rules.match(ALICE, "openai/gpt-4o", Map.of()).limits().get(0).key();
        long month = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
        counters.seedSpent(key, month, "replica-b", 3.0);
        counters.seedSpent(key, month, "replica-gone", 2.0);
        counters.applyRemote("replica-b", List.of(new CounterReport(key, month, 0, 0, 0, 0, 3_500_000)));
        counters.seedSpent(key, month, "replica-b", 3.2);
        assertEquals(5.5, counters.usage(Family.BUDGET, "ml-monthly").get(0).spentUsd(), 1e-9);
        Admission a = admitted(spend(rules, ALICE, 4.5));
        refused(spend(rules, BOB, 0.01));
        counters.settle(a, 1.0);
        assertEquals(6.5, counters.usage(Family.BUDGET, "ml-monthly").get(0).spentUsd(), 1e-9);
        counters.seedSpent(key, month - 1, "replica-old-window", 100);
        admitted(spend(rules, BOB, 3.5));
    }

    // ---- alerts, eviction, views

    @Test
    void eachThresholdIsRaisedOncePerPeriodPerCounter() {
        LimitRules rules = rules("""
                budgets:
                  - {name: ml-daily, subjects: [team:ml], limit_usd: 10, per: day,
                     alert_webhook: https://hooks.example.com/b}
                """);
        counters.settle(admitted(spend(rules, ALICE, 0)), 4);
        assertEquals(List.of(), counters.thresholdCrossings());
        counters.settle(admitted(spend(rules, ALICE, 0)), 1.5);
        counters.settle(admitted(spend(rules, BOB, 0)), 3);
        List<ThresholdCrossing> crossed = counters.thresholdCrossings();
        assertEquals(List.of(50, 80), crossed.stream().map(ThresholdCrossing::percent).toList());
        assertEquals("https://hooks.example.com/b", crossed.get(0).webhook());
        assertEquals("budget|ml-daily|day|team:ml|" + Instant.parse("2026-12-07T00:00:00Z").toEpochMilli() + "|50",
                crossed.get(0).id());
        counters.settle(admitted(spend(rules, BOB, 0)), 0.1);
        assertEquals(List.of(), counters.thresholdCrossings());
        CounterKey key = crossed.get(0).key();
        counters.applyRemote("replica-b", List.of(new CounterReport(key,
                Instant.parse("2026-12-07T00:00:00Z").toEpochMilli(), 0, 0, 0, 0, 2_000_000)));
        assertEquals(List.of(100), counters.thresholdCrossings().stream().map(ThresholdCrossing::percent).toList());
        clock.set("2026-12-08T09:00:00Z");
        counters.settle(admitted(spend(rules, ALICE, 0)), 6);
        assertEquals(List.of(50), counters.thresholdCrossings().stream().map(ThresholdCrossing::percent).toList());
    }

    @Test
    void idleCountersAreEvictedOnceTheirWindowEndsButNotWithAReservationInFlight() {
        LimitRules rules = rules(RPM_3 + """
                budgets:
                  - {name: ml-daily, subjects: [team:ml], limit_usd: 10, per: day}
                """);
        admitted(call(rules, ALICE));
        Admission inFlight = admitted(spend(rules, BOB, 1));
        assertEquals(0, counters.evictIdle());
        clock.set("2026-12-08T00:00:00Z");
        assertEquals(1, counters.evictIdle(), "the minute counter; the budget still holds a reservation");
        assertEquals(1, counters.size());
        counters.settle(inFlight, 1);
        assertEquals(0, counters.evictIdle(), "settled in the new day: the counter is current again");
        clock.set("2026-12-09T00:00:00Z");
        assertEquals(1, counters.evictIdle());
        assertEquals(0, counters.size());
        admitted(call(rules, ALICE));
    }

    @Test
    void usageShowsEachCounterAndTheTopConsumers() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: each, subjects: [team:ml, team:research], requests: 100, per: hour, counting: per_member}
                budgets:
                  - {name: ml-daily, subjects: [team:ml], limit_usd: 10, per: day}
                """);
        for (Caller c : List.of(ALICE, ALICE, ALICE, BOB, CAROL, CAROL)) {
            counters.admit(rules.match(c, "openai/gpt-4o-mini", Map.of()), 0.25);
        }
        List<CounterUsage> top = counters.top(Family.RATE_LIMIT, "each", Metric.REQUESTS, 2);
        assertEquals(List.of("user:alice", "user:carol"), top.stream().map(u -> u.key().member()).toList());
        assertEquals(3, top.get(0).requests());
        assertEquals(Instant.parse("2026-12-07T11:00:00Z"), top.get(0).resetAt());
        CounterUsage budget = counters.usage(Family.BUDGET, "ml-daily").get(0);
        assertEquals(1.0, budget.reservedUsd(), 1e-9);
        assertEquals(0, budget.spentUsd());
        assertEquals(10, budget.rule().limitUsd(), 1e-9);
        assertEquals(Instant.parse("2026-12-08T00:00:00Z"), budget.resetAt());
    }

    @Test
    void mcpToolCallsAreLimitedPerServerAndTool() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: issues, subjects: [team:ml], mcp_servers: [github], tools: [create_issue], requests: 2,
                     per: minute, counting: per_member}
                """);
        Applied create = rules.matchTool(ALICE, "github", "create_issue", Map.of());
        admitted(counters.admit(create));
        admitted(counters.admit(create));
        Refusal r = refused(counters.admit(create));
        assertEquals("Rate limit 'issues' reached: 2 tool calls per minute. It resets at 2026-12-07T10:31:00Z.",
                r.message());
        admitted(counters.admit(rules.matchTool(BOB, "github", "create_issue", Map.of())));
        assertTrue(rules.matchTool(ALICE, "github", "search", Map.of()).isEmpty());
    }

    @Test
    void aRequestNoRuleCoversCostsNothing() {
        assertSame(Admission.NONE, counters.admit(Applied.NONE));
        assertFalse(counters.settle(Admission.NONE, 1));
        counters.recordTokens(Admission.NONE, 1, 1);
        assertEquals(0, counters.size());
    }

    @Test
    void oneHundredThousandKeysFitInAFewTensOfMegabytes() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: per-key, subjects: [team:ml], requests: 1000, tokens: 100000, per: minute,
                     per_metadata: key}
                """);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        for (int i = 0; i < 100_000; i++) {
            Decision d = counters.admit(rules.match(ALICE, "assistant", Map.of("key", "key-" + i)));
            counters.recordTokens((Admission) d, 100, 20);
        }
        counters.localCounts();
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        assertEquals(100_000, counters.size());
        System.out.printf("LimitCounters: 100,000 counters retain about %.1f MB (%d bytes each)%n",
                (after - before) / 1e6, (after - before) / 100_000);
        clock.advance(Duration.ofMinutes(1));
        assertEquals(100_000, counters.evictIdle());
    }
}
