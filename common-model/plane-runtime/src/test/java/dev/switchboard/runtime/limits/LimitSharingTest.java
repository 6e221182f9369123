package dev.switchboard.runtime.limits;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.Period;
import dev.switchboard.model.limits.Admission;
import dev.switchboard.model.limits.Applied;
import dev.switchboard.model.limits.Caller;
import dev.switchboard.model.limits.CounterKey;
import dev.switchboard.model.limits.Family;
import dev.switchboard.model.limits.LimitCounters;
import dev.switchboard.model.limits.LimitRules;
import dev.switchboard.model.limits.LimitsWire;
import dev.switchboard.model.limits.Refusal;
import dev.switchboard.teststack.PrivateNats;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replicas sharing their counts over a real NATS server of the test's own: the cluster stays within
 * {@code limit + (N - 1) × rate × T}, a late replica learns the counts, NATS stopping fails nothing, and a replica
 * starts from the spent totals in the bucket.
 */
class LimitSharingTest {

    private static final Duration T = Duration.ofMillis(100);
    private static final LimitRules RULES = LimitRules.compile(ConfigCodec.readYaml("""
            users: [{name: alice}]
            provider_accounts:
              - name: p
                type: openai-compatible
                base_url: http://127.0.0.1:1/v1
                models: [{id: m, price: {input_per_million_usd: 1, output_per_million_usd: 1}}]
            rate_limits:
              - {name: rpm, subjects: [user:alice], requests: 100, per: minute}
            budgets:
              - {name: daily, subjects: [user:alice], models: [p/m], limit_usd: 1, per: day}
            """));
    private static final Applied RPM = RULES.match(Caller.user("alice"), "p/other", Map.of());

    private final List<AutoCloseable> closing = new ArrayList<>();
    private PrivateNats nats;
    /** Ten seconds into a minute: the test's windows do not roll while it runs. */
    private Clock clock;

    @BeforeEach
    void start() {
        assumeTrue(PrivateNats.installed(), "needs " + PrivateNats.BINARY);
        nats = new PrivateNats().start();
        closing.add(nats);
        Instant now = Instant.now();
        Instant target = now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES).plusSeconds(10);
        clock = Clock.offset(Clock.systemUTC(), Duration.between(now, target));
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private LimitSharing share(LimitCounters counters) {
        LimitSharing sharing = new LimitSharing(counters, nats.url(), "test.limits.gateway", "test-limits", T,
                "limit-sharing-test", clock);
        sharing.start();
        closing.add(sharing);
        return sharing;
    }

    /** Admits as fast as it can for {@code millis}: far above the limit. */
    private static int drive(LimitCounters counters, long millis) throws InterruptedException {
        int admitted = 0;
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (counters.admit(RPM) instanceof Admission) {
                admitted++;
            }
            Thread.sleep(2);
        }
        return admitted;
    }

    private static void awaitConnected(LimitSharing... sharings) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (LimitSharing s : sharings) {
            while (!s.connected() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(s.connected(), "the replica reached NATS");
        }
    }

    @Test
    void twoReplicasDrivenFarAboveTheLimitStayWithinTheBound() throws Exception {
        LimitCounters a = new LimitCounters(clock, "a");
        LimitCounters b = new LimitCounters(clock, "b");
        awaitConnected(share(a), share(b));
        AtomicInteger onB = new AtomicInteger();
        Thread other = new Thread(() -> {
            try {
                onB.set(drive(b, 2000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.start();
        int onA = drive(a, 2000);
        other.join();
        int total = onA + onB.get();
        // each replica admits at most ~500 a second: the bound is 100 + (2 - 1) × 500 × 0.1 s = 150
        assertTrue(total >= 100, "the cluster admitted up to its limit: " + total);
        assertTrue(total <= 150, "the cluster stayed within limit + (N-1) x rate x T: " + total + " (" + onA + " + "
                + onB.get() + ")");
    }

    @Test
    void aReplicaThatJoinsLateLearnsTheCountsFromTheFullReport() throws Exception {
        LimitCounters a = new LimitCounters(clock, "a");
        awaitConnected(share(a));
        for (int i = 0; i < 60; i++) {
            a.admit(RPM);
        }
        Thread.sleep(3 * T.toMillis()); // the 60 went out before b listened
        LimitCounters b = new LimitCounters(clock, "b");
        awaitConnected(share(b));
        Thread.sleep(12 * T.toMillis()); // every tenth report is a full one
        int admittedByB = drive(b, 300);
        assertTrue(admittedByB <= 40, "b knew a's 60: it admitted " + admittedByB);
    }

    @Test
    void withNatsStoppedEachReplicaGoesOnEnforcingAndNothingFails() throws Exception {
        LimitCounters a = new LimitCounters(clock, "a");
        LimitCounters b = new LimitCounters(clock, "b");
        awaitConnected(share(a), share(b));
        for (int i = 0; i < 40; i++) {
            a.admit(RPM);
            b.admit(RPM);
        }
        Thread.sleep(3 * T.toMillis());
        nats.stop();
        int more = drive(a, 300) + drive(b, 300);
        // each goes on from its own 40 plus the other's last 40: 20 more each at most
        assertTrue(more <= 40, "with NATS down the replicas still held the limit on what they knew: " + more);
        assertInstanceOf(Refusal.class, a.admit(RPM));
    }

    @Test
    void aReplicaStartsFromTheSpentTotalsInTheBucket() throws Exception {
        long dayStart = clock.instant().truncatedTo(ChronoUnit.DAYS).toEpochMilli();
        CounterKey key = new CounterKey(Family.BUDGET, "daily", Period.DAY, "user:alice", null);
        try (Connection c = Nats.connect(nats.url())) {
            c.keyValueManagement().create(KeyValueConfiguration.builder().name("test-limits").maxHistoryPerKey(1)
                    .build());
            KeyValue kv = c.keyValue("test-limits");
            kv.put(LimitsWire.spendKey("daily"), LimitsWire.encodeSpend(clock.millis(),
                    List.of(new LimitsWire.Spent(key, dayStart, "replica-before-restart", 950_000))));
        }
        LimitCounters fresh = new LimitCounters(clock, "fresh");
        awaitConnected(share(fresh));
        Applied budget = RULES.match(Caller.user("alice"), "p/m", Map.of());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (fresh.usage(Family.BUDGET, "daily").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertInstanceOf(Refusal.class, fresh.admit(budget, 0.1),
                "0.95 USD of 1 already spent this day: a call that may cost 0.1 has no room");
    }
}
