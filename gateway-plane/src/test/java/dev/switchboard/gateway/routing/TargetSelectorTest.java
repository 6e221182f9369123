package dev.switchboard.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.config.HealthPolicy;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.config.RoutingConfig;
import dev.switchboard.model.config.RoutingType;
import dev.switchboard.model.config.SlaCutoff;
import dev.switchboard.model.config.VirtualModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The seed's routing rules, each with a controlled clock and random source. */
class TargetSelectorTest {

    private static final long T0 = 1_000_000_000L;
    private static final HealthPolicy POLICY = HealthPolicy.DEFAULTS;

    private final RoutingStats stats = new RoutingStats();
    private final RandomGenerator random = new SplittableRandom(42);
    private final TargetSelector selector = new TargetSelector(stats, () -> random);

    private static LoadBalanceTarget weighted(String target, int weight) {
        return new LoadBalanceTarget(target, weight, null, null, null);
    }

    private static LoadBalanceTarget prioritized(String target, int priority) {
        return new LoadBalanceTarget(target, null, priority, null, null);
    }

    private static VirtualModel vm(RoutingType type, SlaCutoff sla, LoadBalanceTarget... targets) {
        return new VirtualModel("vm", null, new RoutingConfig(type, List.of(targets), null, sla, null, null), null, null,
                null);
    }

    private List<String> order(VirtualModel vm, long now) {
        return selector.plan(vm, POLICY, null, now).order().stream().map(c -> c.target().target()).toList();
    }

    private void fail(String target, long at, int status) {
        stats.of(target).record(at, status, -1);
    }

    private void sample(String target, long at, double tpotMs) {
        stats.of(target).record(at, 200, tpotMs);
    }

    // ---- health window

    @Test
    void failureAt119sCounts() {
        fail("a/x", T0, 500);
        fail("a/x", T0 + 1_000, 500);
        assertFalse(stats.of("a/x").healthy(T0 + 119_000, POLICY));
    }

    @Test
    void failureAt121sNoLongerCounts() {
        fail("a/x", T0, 500);
        fail("a/x", T0 + 2_000, 500);
        assertEquals(1, stats.of("a/x").failuresWithin(T0 + 121_000, POLICY));
        assertTrue(stats.of("a/x").healthy(T0 + 121_000, POLICY));
    }

    @Test
    void oneFailureKeepsATargetHealthyTwoDoNot() {
        fail("a/x", T0, 503);
        assertTrue(stats.of("a/x").healthy(T0, POLICY));
        fail("a/x", T0, 429);
        assertFalse(stats.of("a/x").healthy(T0, POLICY));
    }

    @Test
    void onlyThePolicysStatusesCountButConnectErrorsAndTimeoutsAlways() {
        fail("a/x", T0, 404);
        fail("a/x", T0, 400);
        assertTrue(stats.of("a/x").healthy(T0, POLICY));
        fail("a/x", T0, TargetHealth.CONNECT_ERROR);
        fail("a/x", T0, TargetHealth.TIMEOUT);
        assertFalse(stats.of("a/x").healthy(T0, POLICY));
        fail("b/y", T0, 401);
        fail("b/y", T0, 403);
        assertFalse(stats.of("b/y").healthy(T0, POLICY));
    }

    @Test
    void thresholdAndWindowAreConfigurable() {
        HealthPolicy strict = new HealthPolicy(3, 10, List.of("500"));
        fail("a/x", T0, 500);
        fail("a/x", T0, 500);
        fail("a/x", T0, 502);
        assertTrue(stats.of("a/x").healthy(T0, strict), "502 is not in the policy's list");
        fail("a/x", T0 + 5_000, 500);
        assertFalse(stats.of("a/x").healthy(T0 + 9_999, strict));
        assertTrue(stats.of("a/x").healthy(T0 + 10_000, strict));
    }

    // ---- priority

    @Test
    void priorityZeroIsTriedFirst() {
        VirtualModel vm = vm(RoutingType.PRIORITY, null, prioritized("b/low", 1), prioritized("a/high", 0), prioritized("c/lowest", 5));
        assertEquals(List.of("a/high", "b/low", "c/lowest"), order(vm, T0));
    }

    @Test
    void unhealthyTargetMovesToTheEndAndRecoversWhenErrorsAgeOut() {
        VirtualModel vm = vm(RoutingType.PRIORITY, null, prioritized("a/high", 0), prioritized("b/low", 1));
        fail("a/high", T0, 500);
        fail("a/high", T0 + 10_000, 502);
        RoutePlan plan = selector.plan(vm, POLICY, null, T0 + 20_000);
        assertEquals(List.of("b/low", "a/high"), plan.order().stream().map(c -> c.target().target()).toList());
        assertFalse(plan.order().get(1).healthy());
        assertEquals(2, plan.order().get(1).recentFailures());
        assertEquals(List.of("a/high", "b/low"), order(vm, T0 + 130_001), "recovered once the second error aged out");
    }

    @Test
    void allUnhealthyStillTriesEveryTargetInPriorityOrder() {
        VirtualModel vm = vm(RoutingType.PRIORITY, null, prioritized("a/high", 0), prioritized("b/low", 1));
        for (String t : List.of("a/high", "b/low")) {
            fail(t, T0, 500);
            fail(t, T0, 500);
        }
        RoutePlan plan = selector.plan(vm, POLICY, null, T0);
        assertEquals(List.of("a/high", "b/low"), plan.order().stream().map(c -> c.target().target()).toList());
        assertTrue(plan.reason().startsWith("no healthy target"));
    }

    @Test
    void slaCutoffUsesTheThreeMinuteAverage() {
        VirtualModel vm = vm(RoutingType.PRIORITY, new SlaCutoff(50.0, null), prioritized("a/high", 0), prioritized("b/low", 1));
        sample("a/high", T0, 40);
        sample("a/high", T0 + 60_000, 70);
        // average 55 ms > 50 ms
        RoutePlan plan = selector.plan(vm, POLICY, null, T0 + 120_000);
        assertEquals("b/low", plan.first().target());
        assertTrue(plan.order().get(1).note().contains("SLA cutoff"), plan.order().get(1).note());
        // at 181 s the 40 ms sample has left the window; the 70 ms one alone is still above
        assertEquals("b/low", order(vm, T0 + 181_000).get(0));
        sample("a/high", T0 + 200_000, 10);
        // window [T0+20s, T0+200s]: 70 and 10 -> 40 ms average, under the cutoff
        assertEquals("a/high", order(vm, T0 + 200_000).get(0));
        // the slow sample ages out of the 3-minute window
        assertEquals("a/high", order(vm, T0 + 241_000).get(0));
    }

    @Test
    void slaCutoffIgnoresSamplesOlderThanItsWindow() {
        VirtualModel vm = vm(RoutingType.PRIORITY, new SlaCutoff(50.0, null), prioritized("a/high", 0), prioritized("b/low", 1));
        sample("a/high", T0, 500);
        assertEquals("b/low", order(vm, T0 + 179_999).get(0));
        assertEquals("a/high", order(vm, T0 + 180_000).get(0));
    }

    // ---- latency

    @Test
    void targetWithFewerThanThreeSamplesCountsAsFastest() {
        VirtualModel vm = vm(RoutingType.LATENCY, null, prioritizedless("a/fast"), prioritizedless("b/new"));
        for (int i = 0; i < 5; i++) {
            sample("a/fast", T0 + i, 5);
        }
        sample("b/new", T0, 500);
        sample("b/new", T0, 500);
        assertEquals("b/new", order(vm, T0 + 10).get(0), "2 samples: still learning");
        sample("b/new", T0, 500);
        assertEquals("a/fast", order(vm, T0 + 10).get(0), "3 samples: judged on its latency");
    }

    @Test
    void targetsWithinOnePointTwoTimesOfTheFastestShareTheLoad() {
        VirtualModel vm = vm(RoutingType.LATENCY, null, prioritizedless("a/x"), prioritizedless("b/y"), prioritizedless("c/z"));
        for (int i = 0; i < 3; i++) {
            sample("a/x", T0, 10.0);
            sample("b/y", T0, 11.9);   // within 1.2x
            sample("c/z", T0, 12.1);   // outside
        }
        Map<String, Integer> firsts = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            firsts.merge(order(vm, T0 + 1).get(0), 1, Integer::sum);
        }
        assertEquals(null, firsts.get("c/z"));
        assertTrue(firsts.get("a/x") > 850 && firsts.get("b/y") > 850, firsts.toString());
        RoutePlan plan = selector.plan(vm, POLICY, null, T0 + 1);
        assertEquals("c/z", plan.order().get(2).target().target(), "the rest follow fastest first");
    }

    @Test
    void latencySamplesOlderThanTwentyMinutesOrBeyondTheLastHundredDoNotCount() {
        TargetHealth h = stats.of("a/x");
        h.record(T0, 200, 1000);
        for (int i = 0; i < 100; i++) {
            h.record(T0 + 1_000 + i, 200, 10);
        }
        TargetHealth.LatencyStats s = h.latency(T0 + 2_000, 1_200_000, 100);
        assertEquals(100, s.samples());
        assertEquals(10.0, s.averageMs(), 1e-9, "the 101st-newest sample is out");
        assertEquals(0, h.latency(T0 + 1_000 + 1_200_000 + 100, 1_200_000, 100).samples());
    }

    // ---- weight

    @Test
    void weightsSplitTrafficWithinTwoPercentOverTenThousandPicks() {
        VirtualModel vm = vm(RoutingType.WEIGHT, null, weighted("db/llama", 80), weighted("claude/sonnet", 20));
        int db = 0;
        for (int i = 0; i < 10_000; i++) {
            if (order(vm, T0).get(0).equals("db/llama")) {
                db++;
            }
        }
        assertEquals(0.80, db / 10_000.0, 0.02);
    }

    @Test
    void unhealthyTargetGetsNoFirstPicksWhileUnhealthy() {
        VirtualModel vm = vm(RoutingType.WEIGHT, null, weighted("db/llama", 80), weighted("claude/sonnet", 20));
        fail("db/llama", T0, 500);
        fail("db/llama", T0, 500);
        for (int i = 0; i < 200; i++) {
            assertEquals(List.of("claude/sonnet", "db/llama"), order(vm, T0));
        }
    }

    @Test
    void stickySessionsStayPutWhileUnrelatedTargetsComeAndGo() {
        VirtualModel three = vm(RoutingType.WEIGHT, null, weighted("a/x", 40), weighted("b/y", 30), weighted("c/z", 30));
        VirtualModel withoutC = vm(RoutingType.WEIGHT, null, weighted("a/x", 40), weighted("b/y", 30));
        Map<String, String> before = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            String key = "session-" + i;
            String first = selector.plan(three, POLICY, key, T0).first().target();
            assertEquals(first, selector.plan(three, POLICY, key, T0).first().target(), "stable for the same key");
            before.put(key, first);
        }
        int moved = 0;
        for (Map.Entry<String, String> e : before.entrySet()) {
            String after = selector.plan(withoutC, POLICY, e.getKey(), T0).first().target();
            if (!e.getValue().equals("c/z")) {
                assertEquals(e.getValue(), after, "a session not on c/z must not move when c/z leaves");
            } else {
                moved++;
            }
        }
        assertTrue(moved > 400 && moved < 800, "about 30% of sessions were on c/z: " + moved);
        // c/z unhealthy has the same effect as c/z gone, and its sessions come back when it recovers
        fail("c/z", T0, 500);
        fail("c/z", T0, 500);
        for (Map.Entry<String, String> e : before.entrySet()) {
            String during = selector.plan(three, POLICY, e.getKey(), T0).first().target();
            assertEquals(selector.plan(withoutC, POLICY, e.getKey(), T0).first().target(), during);
            assertEquals(e.getValue(), selector.plan(three, POLICY, e.getKey(), T0 + 120_000).first().target());
        }
    }

    @Test
    void stickySessionsSpreadByWeight() {
        VirtualModel vm = vm(RoutingType.WEIGHT, null, weighted("db/llama", 80), weighted("claude/sonnet", 20));
        int db = 0;
        for (int i = 0; i < 10_000; i++) {
            if (selector.plan(vm, POLICY, "user-" + i, T0).first().target().equals("db/llama")) {
                db++;
            }
        }
        assertEquals(0.80, db / 10_000.0, 0.02);
    }

    private static LoadBalanceTarget prioritizedless(String target) {
        return new LoadBalanceTarget(target, null, null, null, null);
    }

    @SuppressWarnings("unused")
    private static List<String> names(List<RoutePlan.Candidate> cs) {
        List<String> out = new ArrayList<>();
        cs.forEach(c -> out.add(c.target().target()));
        return out;
    }
}
