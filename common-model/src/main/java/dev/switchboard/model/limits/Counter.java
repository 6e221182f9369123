package dev.switchboard.model.limits;

import java.util.HashMap;
import java.util.Map;

/**
 * The counts of one {@link CounterKey} in its current window. Guarded by its own monitor, held only for a few
 * arithmetic operations. Own counts are this replica's; the remote sums hold, per other replica (and per seed), the
 * highest absolute count it reported for the current window.
 */
final class Counter {

    static final int REQUESTS = 0;
    static final int TOKENS = 1;
    static final int INPUT = 2;
    static final int OUTPUT = 3;
    static final int SPENT = 4;
    static final int FIELDS = 5;

    final CounterKey key;
    /** The rule as last applied to this counter: its limits for usage views and threshold alerts. */
    Rule rule;
    long windowStart;
    long windowEnd;
    final long[] own = new long[FIELDS];
    /** This replica's reservations in flight; not tied to a window, so a call that spans a reset releases exactly. */
    long reservedMicroUsd;
    /** Per replica id: its reported counts for the current window; null until some replica reports. */
    Map<String, long[]> remote;
    final long[] remoteSum = new long[FIELDS];
    /** Bit i set: alert threshold i was already raised in this window. */
    int crossed;
    boolean dirty;
    boolean evicted;

    Counter(CounterKey key, long now) {
        this.key = key;
        this.windowStart = Windows.start(key.per(), now);
        this.windowEnd = Windows.end(key.per(), windowStart);
    }

    /** Moves to the window holding {@code now} if the current one has ended. */
    void roll(long now) {
        if (now < windowEnd) {
            return;
        }
        windowStart = Windows.start(key.per(), now);
        windowEnd = Windows.end(key.per(), windowStart);
        java.util.Arrays.fill(own, 0);
        java.util.Arrays.fill(remoteSum, 0);
        remote = null;
        crossed = 0;
    }

    long total(int field) {
        return own[field] + remoteSum[field];
    }

    /** Keeps the highest of each count that {@code replica} reported for the current window. */
    void merge(String replica, CounterReport r) {
        if (remote == null) {
            remote = new HashMap<>(4);
        }
        long[] seen = remote.computeIfAbsent(replica, k -> new long[FIELDS]);
        long[] reported = {r.requests(), r.tokens(), r.inputTokens(), r.outputTokens(), r.spentMicroUsd()};
        for (int f = 0; f < FIELDS; f++) {
            if (reported[f] > seen[f]) {
                remoteSum[f] += reported[f] - seen[f];
                seen[f] = reported[f];
            }
        }
    }

    CounterReport report() {
        return new CounterReport(key, windowStart, own[REQUESTS], own[TOKENS], own[INPUT], own[OUTPUT], own[SPENT]);
    }
}
