package dev.switchboard.model.limits;

import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The request may go ahead: one request is counted on each rate-limit counter that applies, and the worst-case cost
 * is reserved on each budget counter. Hand it back to {@link LimitCounters#recordTokens} when the answer's usage is
 * known and to {@link LimitCounters#settle} (or {@link LimitCounters#release} when the call is abandoned) exactly
 * once; both are idempotent, so a second call does nothing.
 */
public final class Admission implements Decision {

    /** For a request no limit covers: nothing to record, settle or report. */
    public static final Admission NONE = new Admission(List.of(), new Counter[0], 0, null, null);

    private static final AtomicIntegerFieldUpdater<Admission> FINISHED =
            AtomicIntegerFieldUpdater.newUpdater(Admission.class, "finished");

    final List<AppliedLimit> limits;
    final Counter[] counters;
    /** Reserved on each budget counter, in micro-dollars. */
    final long reservedMicroUsd;
    private final Quota requests;
    private final Quota tokens;
    private volatile int finished;

    Admission(List<AppliedLimit> limits, Counter[] counters, long reservedMicroUsd, Quota requests, Quota tokens) {
        this.limits = limits;
        this.counters = counters;
        this.reservedMicroUsd = reservedMicroUsd;
        this.requests = requests;
        this.tokens = tokens;
    }

    @Override
    public Quota requests() {
        return requests;
    }

    @Override
    public Quota tokens() {
        return tokens;
    }

    /** The limits the request was counted against (for logs and the usage views). */
    public List<AppliedLimit> limits() {
        return limits;
    }

    /** The worst-case cost reserved on each budget that applies, in USD. */
    public double reservedUsd() {
        return reservedMicroUsd / 1e6;
    }

    /** True the first time only: the reservation is released by whichever of settle and release comes first. */
    boolean finish() {
        return FINISHED.compareAndSet(this, 0, 1);
    }
}
