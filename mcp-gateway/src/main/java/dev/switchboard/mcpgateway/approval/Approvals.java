package dev.switchboard.mcpgateway.approval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.config.SubjectRef;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tool calls waiting for a person, in the memory of the replica that holds them (the caller's connection is held
 * here too): opened by the approval step, decided through the approval API or an elicitation answer, or denied when
 * {@code timeout} passes. Each call is decided exactly once, by whichever comes first. Safe to use from any thread;
 * the waiting call takes its decision back to its own event loop. {@link ClusterApprovals} shows them to the other
 * replicas and brings their decisions here.
 */
public final class Approvals {

    /** Runs a task after a delay (a Vert.x timer in the gateway; a manual one in unit tests). */
    @FunctionalInterface
    public interface Timers {
        void after(Duration delay, Runnable task);
    }

    private final Clock clock;
    private final Duration timeout;
    private final Timers timers;
    /** Told of each approval opened and settled here: the cluster's directory ({@link ClusterApprovals}). */
    public interface Listener {
        void opened(PendingApproval p);

        void settled(PendingApproval p, Decision d);
    }

    private final Map<String, PendingApproval> pending = new ConcurrentHashMap<>();
    /** How each call was settled, kept for one timeout so that a late decision learns what happened (409). */
    private final Map<String, Decision> settled = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile Listener listener;

    public Approvals(Clock clock, Duration timeout, Timers timers) {
        this.clock = clock;
        this.timeout = timeout;
        this.timers = timers;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Sets the one listener (the cluster directory); called before the first call is held. */
    public void listen(Listener l) {
        this.listener = l;
    }

    /** Holds a call until it is decided; its timeout starts now. */
    public PendingApproval open(PendingApproval.Call call, JsonNode arguments, List<SubjectRef> approvers,
                                Channel channel) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        Instant now = clock.instant();
        PendingApproval p = new PendingApproval(HexFormat.of().formatHex(id), call, arguments, approvers, channel,
                now, now.plus(timeout));
        pending.put(p.id(), p);
        timers.after(timeout, () -> expire(p.id()));
        Listener l = listener;
        if (l != null) {
            l.opened(p);
        }
        return p;
    }

    /** Every pending approval, oldest first. */
    public List<PendingApproval> pending() {
        List<PendingApproval> all = new ArrayList<>(pending.values());
        all.sort(Comparator.comparing(PendingApproval::createdAt).thenComparing(PendingApproval::id));
        return all;
    }

    public Optional<PendingApproval> find(String id) {
        return Optional.ofNullable(id == null ? null : pending.get(id));
    }

    /** How {@code id} was settled here, if it was within the last timeout. */
    public Optional<Decision> settled(String id) {
        return Optional.ofNullable(id == null ? null : settled.get(id));
    }

    /**
     * Decides {@code id} if it is still pending: approved or denied by {@code by} (a subject) with an optional reason.
     * Empty when it was decided, timed out or cancelled already.
     */
    public Optional<Decision> decide(String id, String by, boolean approve, String reason) {
        return settle(id, new Decision(approve ? Decision.Outcome.APPROVED : Decision.Outcome.DENIED, by,
                clock.instant(), reason));
    }

    /** Denies every approval whose time is up by the clock; returns how many. */
    public int expireDue() {
        Instant now = clock.instant();
        int expired = 0;
        for (PendingApproval p : pending.values()) {
            if (!now.isBefore(p.expiresAt())
                    && settle(p.id(), new Decision(Decision.Outcome.TIMEOUT, null, now, null)).isPresent()) {
                expired++;
            }
        }
        return expired;
    }

    /** Denies {@code id} for want of a decision in time, if it is still pending (its timer has run). */
    public void expire(String id) {
        settle(id, new Decision(Decision.Outcome.TIMEOUT, null, clock.instant(), null));
    }

    /** The caller went away: nobody waits for a decision any more. */
    public void cancel(String id) {
        settle(id, new Decision(Decision.Outcome.CANCELLED, null, clock.instant(), "the caller went away"));
    }

    private Optional<Decision> settle(String id, Decision decision) {
        PendingApproval p = id == null ? null : pending.remove(id);
        if (p == null) {
            return Optional.empty();
        }
        settled.put(id, decision);
        timers.after(timeout, () -> settled.remove(id));
        p.complete(decision);
        Listener l = listener;
        if (l != null) {
            l.settled(p, decision);
        }
        return Optional.of(decision);
    }
}
