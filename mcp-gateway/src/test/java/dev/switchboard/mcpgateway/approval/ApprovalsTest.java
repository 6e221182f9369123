package dev.switchboard.mcpgateway.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.model.config.SubjectRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry of held calls, on a clock the test moves and timers the test fires. */
class ApprovalsTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final List<Runnable> timers = new ArrayList<>();
    private final Approvals approvals = new Approvals(clock, Duration.ofMinutes(5), (delay, task) -> timers.add(task));

    private PendingApproval open() {
        return approvals.open(new PendingApproval.Call(SubjectRef.user("erin"), "api_key:erin-key", "gamma", "gamma",
                "wipe", "s1"), JsonNodeFactory.instance.objectNode(), List.of(SubjectRef.team("approvers")),
                Channel.API);
    }

    @Test
    void aCallWaitsUntilItIsDecidedAndIsDecidedOnce() {
        PendingApproval p = open();
        assertEquals(T0.plus(Duration.ofMinutes(5)), p.expiresAt());
        assertFalse(p.decision().toCompletableFuture().isDone());
        assertEquals(List.of(p), approvals.pending());
        clock.advance(Duration.ofSeconds(30));
        Decision d = approvals.decide(p.id(), "user:dave", true, "ok").orElseThrow();
        assertEquals(new Decision(Decision.Outcome.APPROVED, "user:dave", T0.plusSeconds(30), "ok"), d);
        assertEquals(d, p.decision().toCompletableFuture().join());
        assertTrue(approvals.decide(p.id(), "user:dave", false, null).isEmpty());
        assertEquals(List.of(), approvals.pending());
    }

    @Test
    void at4m59sTheCallStillWaitsAndAt5mItIsDenied() {
        PendingApproval p = open();
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertEquals(0, approvals.expireDue());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, approvals.expireDue());
        Decision d = p.decision().toCompletableFuture().join();
        assertEquals(Decision.Outcome.TIMEOUT, d.outcome());
        assertEquals(null, d.decidedBy());
        assertTrue(approvals.decide(p.id(), "user:dave", true, null).isEmpty(), "too late to approve");
    }

    @Test
    void theTimerOfACallDeniesItWhateverTheClockSays() {
        PendingApproval p = open();
        assertEquals(1, timers.size());
        timers.get(0).run();
        assertEquals(Decision.Outcome.TIMEOUT, p.decision().toCompletableFuture().join().outcome());
    }

    @Test
    void theTimerOfADecidedCallDoesNothing() {
        PendingApproval p = open();
        approvals.decide(p.id(), "user:dave", false, "no");
        timers.get(0).run();
        assertEquals(Decision.Outcome.DENIED, p.decision().toCompletableFuture().join().outcome());
    }

    @Test
    void aCallWhoseCallerLeftIsCancelled() {
        PendingApproval p = open();
        approvals.cancel(p.id());
        assertEquals(Decision.Outcome.CANCELLED, p.decision().toCompletableFuture().join().outcome());
        assertTrue(approvals.find(p.id()).isEmpty());
    }

    @Test
    void idsAreLongAndDistinct() {
        PendingApproval a = open();
        PendingApproval b = open();
        assertEquals(32, a.id().length());
        assertFalse(a.id().equals(b.id()));
        assertEquals(List.of(a.id(), b.id()).stream().sorted().toList(),
                approvals.pending().stream().map(PendingApproval::id).sorted().toList());
    }

    @Test
    void howACallWasSettledIsKeptForOneTimeoutThenForgotten() {
        PendingApproval p = open();
        clock.advance(Duration.ofSeconds(10));
        approvals.decide(p.id(), "user:dave", true, null);
        assertEquals(new Decision(Decision.Outcome.APPROVED, "user:dave", T0.plusSeconds(10), null),
                approvals.settled(p.id()).orElseThrow());
        timers.get(0).run(); // the call's own timeout: it was decided already
        assertEquals(Decision.Outcome.APPROVED, approvals.settled(p.id()).orElseThrow().outcome());
        assertEquals(2, timers.size());
        timers.get(1).run(); // one timeout after the decision
        assertTrue(approvals.settled(p.id()).isEmpty());
        assertTrue(approvals.settled(null).isEmpty());
    }

    @Test
    void theListenerHearsOfEachCallOpenedAndSettledOnce() {
        List<String> heard = new ArrayList<>();
        approvals.listen(new Approvals.Listener() {
            @Override
            public void opened(PendingApproval p) {
                heard.add("opened " + p.id());
            }

            @Override
            public void settled(PendingApproval p, Decision d) {
                heard.add(d.outcome().wire() + " " + p.id());
            }
        });
        PendingApproval p = open();
        timers.get(0).run();
        approvals.decide(p.id(), "user:dave", true, null);
        assertEquals(List.of("opened " + p.id(), "timeout " + p.id()), heard);
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
