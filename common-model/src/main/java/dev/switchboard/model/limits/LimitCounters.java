package dev.switchboard.model.limits;

import dev.switchboard.model.limits.Refusal.Refused;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The counts behind every rate limit and budget, kept across config snapshots (a counter is named by its
 * {@link CounterKey}, so a snapshot swap keeps the counts and a changed limit applies to them at once). Thread-safe:
 * each counter is guarded by its own monitor, held only for a few additions, never across anything slow.
 *
 * <h2>Windows</h2>
 * Fixed UTC calendar windows ({@link Windows}): a minute limit resets on the minute, a month budget at 00:00 UTC on
 * the 1st. Tokens and settled spend count in the window in which they are recorded (the answer's end).
 *
 * <h2>Admission</h2>
 * {@link #admit} checks every limit that applies: a request limit refuses when one more request would exceed it, a
 * token limit when it is already at or over its limit (tokens are known only after the answer), a budget when
 * {@code spent + reserved + worstCase > limit}. If every limit admits, one request is counted on each rate-limit
 * counter and {@code worstCase} is reserved on each budget counter; otherwise nothing is counted (takes made before
 * the refusing counter are undone, so a concurrent request may briefly see them and be refused: the engine errs on the
 * side of refusing, never of admitting). A {@link Refusal} reports the refusing limit that resets last: the caller
 * can succeed only once all of them have reset.
 *
 * <h2>Overshoot bounds</h2>
 * <ul>
 * <li>Requests, one replica: exact; a request limit is never exceeded.</li>
 * <li>Tokens: checked at admission, counted at the end; a token limit may be exceeded by the tokens of the requests
 *     admitted while it was still under its limit (those in flight when it fills up).</li>
 * <li>Budgets, one replica: concurrent requests cannot overspend, since each reserves its worst case first. Only a
 *     call whose actual cost exceeds its reservation overspends, by the difference: a request without
 *     {@code max_tokens} whose answer is longer than the output cap the worst case assumed, or a prompt longer than
 *     its estimate.</li>
 * <li>Cluster: each replica counts locally and learns the others' counts every interval T ({@link #localCounts},
 *     {@link #applyRemote}); N replicas admitting at {@code rate} each can together admit at most
 *     {@code limit + (N - 1) × rate × T} in a window (each other replica's last T of admissions is unseen). Budgets
 *     the same, in USD (reservations are not shared; spend is). A replica that stops reporting (NATS down, replica
 *     dead) keeps its last reported counts for the rest of the window; with NATS down every replica goes on
 *     enforcing alone, on what it counted itself plus what it last heard.</li>
 * </ul>
 *
 * <h2>Cluster counts and seeded spend</h2>
 * Every count is held as this replica's own count plus, per other replica, the highest absolute count that replica
 * reported for the current window; reports are absolute, so lost, repeated or reordered messages do no harm, and
 * reports of another window are ignored. A replica id must be unique per process (a new id on every start), so that
 * a restarted process never claims the counts of its former self.
 *
 * <p>The control plane publishes, from the request log, the spend per budget counter, window <em>and replica id</em>
 * (so each request-log row carries the id of the replica that served it and the counter keys it was counted on).
 * {@link #seedSpent} folds each such total into that replica's reported spend exactly as a live report would (highest
 * wins), so the two never add: a live replica's own reports soon pass its logged total, and a replica that is gone
 * (restarted, scaled down) keeps contributing what it spent. A replica starting mid-month thus starts from the month's
 * spend without counting a live replica's spend twice. Rate-limit windows are not seeded: after a full-cluster
 * restart they start empty (at most one extra window's worth per limit, and minute windows are gone within a minute).
 *
 * <h2>Memory</h2>
 * {@link #evictIdle} drops counters whose window has ended and that have no reservation in flight: a counter touched
 * in the current window is in that window, so it stays. A counter costs about 300 bytes with its key (the test that makes
 * 100,000 of them prints the figure: about 31 MB).
 */
public final class LimitCounters {

    private final Clock clock;
    private final String replicaId;
    private final ConcurrentHashMap<CounterKey, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Counter> changed = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ThresholdCrossing> crossings = new ConcurrentLinkedQueue<>();

    /** @param replicaId this process's id among the replicas, new on every start */
    public LimitCounters(Clock clock, String replicaId) {
        this.clock = clock;
        this.replicaId = replicaId;
    }

    public String replicaId() {
        return replicaId;
    }

    /** Admits a request that no budget applies to (or whose model has no price). */
    public Decision admit(Applied applied) {
        return admit(applied, 0);
    }

    /**
     * Checks and counts one request against every limit in {@code applied}.
     *
     * @param worstCaseUsd the most the call can cost ({@link CostEstimate#worstCase}), reserved on each budget
     */
    public Decision admit(Applied applied, double worstCaseUsd) {
        List<AppliedLimit> limits = applied.limits();
        int n = limits.size();
        if (n == 0) {
            return Admission.NONE;
        }
        long now = clock.millis();
        long worst = worstCaseUsd > 0 ? Rule.microsUp(worstCaseUsd) : 0;
        Counter[] taken = new Counter[n];
        long[] takenWindow = new long[n];
        List<Refused> refused = null;
        Strictest requests = new Strictest();
        Strictest tokens = new Strictest();
        for (int i = 0; i < n; i++) {
            AppliedLimit a = limits.get(i);
            Rule rule = a.rule();
            Counter c = counter(a.key(), now);
            for (;;) {
                synchronized (c) {
                    if (!c.evicted) {
                        c.roll(now);
                        c.rule = rule;
                        quotas(c, rule, requests, tokens);
                        Metric refusing = refusing(c, rule, worst);
                        if (refusing != null) {
                            if (refused == null) {
                                refused = new ArrayList<>(2);
                            }
                            refused.add(new Refused(a, refusing, rule.limit(refusing),
                                    Instant.ofEpochMilli(c.windowEnd)));
                        } else if (refused == null) {
                            take(c, rule, worst);
                            taken[i] = c;
                            takenWindow[i] = c.windowStart;
                        }
                        break;
                    }
                }
                c = counter(a.key(), now);
            }
        }
        if (refused != null) {
            for (int i = 0; i < n; i++) {
                if (taken[i] != null) {
                    undo(taken[i], limits.get(i).rule(), worst, takenWindow[i]);
                }
            }
            return new Refusal(refused, requests.quota(Metric.REQUESTS), tokens.quota(tokens.metric));
        }
        // Quotas were read before this request was counted; it is now counted on every request counter.
        requests.remaining--;
        return new Admission(limits, taken, worst, requests.quota(Metric.REQUESTS), tokens.quota(tokens.metric));
    }

    private static Metric refusing(Counter c, Rule rule, long worst) {
        if (rule.requests() > 0 && c.total(Counter.REQUESTS) + 1 > rule.requests()) {
            return Metric.REQUESTS;
        }
        if (rule.tokens() > 0 && c.total(Counter.TOKENS) >= rule.tokens()) {
            return Metric.TOKENS;
        }
        if (rule.inputTokens() > 0 && c.total(Counter.INPUT) >= rule.inputTokens()) {
            return Metric.INPUT_TOKENS;
        }
        if (rule.outputTokens() > 0 && c.total(Counter.OUTPUT) >= rule.outputTokens()) {
            return Metric.OUTPUT_TOKENS;
        }
        if (rule.limitMicroUsd() > 0 && c.total(Counter.SPENT) + c.reservedMicroUsd + worst > rule.limitMicroUsd()) {
            return Metric.USD;
        }
        return null;
    }

    private void take(Counter c, Rule rule, long worst) {
        if (rule.family() == Family.BUDGET) {
            c.reservedMicroUsd += worst;
        } else {
            c.own[Counter.REQUESTS]++;
            changed(c);
        }
    }

    private static void undo(Counter c, Rule rule, long worst, long window) {
        synchronized (c) {
            if (rule.family() == Family.BUDGET) {
                c.reservedMicroUsd -= worst;
            } else if (c.windowStart == window) {
                c.own[Counter.REQUESTS]--;
            }
        }
    }

    /** The limits with the least left before this request, for the headers; under the counter's lock. */
    private static void quotas(Counter c, Rule rule, Strictest requests, Strictest tokens) {
        if (rule.requests() > 0) {
            requests.offer(Metric.REQUESTS, rule.requests(), c.total(Counter.REQUESTS), c.windowEnd);
        }
        if (rule.tokens() > 0) {
            tokens.offer(Metric.TOKENS, rule.tokens(), c.total(Counter.TOKENS), c.windowEnd);
        }
        if (rule.inputTokens() > 0) {
            tokens.offer(Metric.INPUT_TOKENS, rule.inputTokens(), c.total(Counter.INPUT), c.windowEnd);
        }
        if (rule.outputTokens() > 0) {
            tokens.offer(Metric.OUTPUT_TOKENS, rule.outputTokens(), c.total(Counter.OUTPUT), c.windowEnd);
        }
    }

    /** Keeps the limit with the least remaining; on a tie, the one that resets last. */
    private static final class Strictest {
        Metric metric;
        long limit;
        long remaining = Long.MAX_VALUE;
        long reset;

        void offer(Metric m, long lim, long used, long end) {
            long left = Math.max(0, lim - used);
            if (left < remaining || (left == remaining && end > reset)) {
                metric = m;
                limit = lim;
                remaining = left;
                reset = end;
            }
        }

        Quota quota(Metric m) {
            return metric == null ? null : new Quota(m, limit, remaining, Instant.ofEpochMilli(reset));
        }
    }

    /** Adds the answer's tokens to each rate-limit counter of the request, in the window current now. */
    public void recordTokens(Admission admission, long inputTokens, long outputTokens) {
        long now = clock.millis();
        for (int i = 0; i < admission.counters.length; i++) {
            AppliedLimit a = admission.limits.get(i);
            if (a.key().family() != Family.RATE_LIMIT) {
                continue;
            }
            Counter c = admission.counters[i];
            for (;;) {
                synchronized (c) {
                    if (!c.evicted) {
                        c.roll(now);
                        c.own[Counter.TOKENS] += inputTokens + outputTokens;
                        c.own[Counter.INPUT] += inputTokens;
                        c.own[Counter.OUTPUT] += outputTokens;
                        changed(c);
                        break;
                    }
                }
                c = counter(a.key(), now);
            }
        }
    }

    /**
     * Releases the request's reservation and adds its actual cost to each budget counter. Only the first of
     * {@code settle} and {@link #release} for an admission does anything; returns whether this one did.
     */
    public boolean settle(Admission admission, double actualUsd) {
        return finish(admission, actualUsd > 0 ? Rule.micros(actualUsd) : 0);
    }

    /** Releases the reservation of a request that was abandoned before it cost anything; idempotent like settle. */
    public boolean release(Admission admission) {
        return finish(admission, 0);
    }

    private boolean finish(Admission admission, long spent) {
        if (admission.counters.length == 0 || !admission.finish()) {
            return false;
        }
        long now = clock.millis();
        for (int i = 0; i < admission.counters.length; i++) {
            AppliedLimit a = admission.limits.get(i);
            if (a.key().family() != Family.BUDGET) {
                continue;
            }
            Counter c = admission.counters[i];
            for (;;) {
                synchronized (c) {
                    if (!c.evicted) {
                        c.reservedMicroUsd -= admission.reservedMicroUsd;
                        c.roll(now);
                        if (spent > 0) {
                            c.own[Counter.SPENT] += spent;
                            changed(c);
                            crossings(c);
                        }
                        break;
                    }
                }
                // Evicted only with nothing reserved, so a fresh counter has nothing of this admission to release.
                c = counter(a.key(), now);
            }
        }
        return true;
    }

    /** Raises each alert threshold that the counter's spend has reached, once per window; under its lock. */
    private void crossings(Counter c) {
        Rule rule = c.rule;
        if (rule == null || rule.limitMicroUsd() == 0) {
            return;
        }
        long spent = c.total(Counter.SPENT);
        List<Integer> thresholds = rule.alertThresholds();
        for (int t = 0; t < thresholds.size() && t < 32; t++) {
            int percent = thresholds.get(t);
            if ((c.crossed & (1 << t)) == 0 && spent * 100 >= percent * rule.limitMicroUsd()) {
                c.crossed |= 1 << t;
                crossings.add(new ThresholdCrossing(c.key, percent, spent / 1e6, rule.limitUsd(),
                        Instant.ofEpochMilli(c.windowStart), Instant.ofEpochMilli(c.windowEnd), rule.alertWebhook()));
            }
        }
    }

    /** The threshold crossings raised since the last call, oldest first. */
    public List<ThresholdCrossing> thresholdCrossings() {
        List<ThresholdCrossing> out = new ArrayList<>();
        for (ThresholdCrossing t; (t = crossings.poll()) != null; ) {
            out.add(t);
        }
        return out;
    }

    // ---- sharing between replicas

    /**
     * This replica's own counts of every counter it holds, in the window that is current now: sent now and then in
     * full, so that a replica or a control plane that joined late learns counts that no longer change.
     */
    public List<CounterReport> allLocalCounts() {
        long now = clock.millis();
        List<CounterReport> out = new ArrayList<>();
        for (Counter c : counters.values()) {
            synchronized (c) {
                c.roll(now);
                if (!c.evicted && (c.own[Counter.REQUESTS] | c.own[Counter.TOKENS] | c.own[Counter.SPENT]) != 0) {
                    out.add(c.report());
                }
            }
        }
        return out;
    }

    /** This replica's absolute counts of every counter changed since the last call, for the other replicas. */
    public List<CounterReport> localCounts() {
        List<CounterReport> out = new ArrayList<>();
        for (Counter c; (c = changed.poll()) != null; ) {
            synchronized (c) {
                c.dirty = false;
                if (!c.evicted) {
                    out.add(c.report());
                }
            }
        }
        return out;
    }

    /** Stores another replica's absolute counts; reports of a window that is not the current one are ignored. */
    public void applyRemote(String replica, List<CounterReport> reports) {
        if (replica.equals(replicaId)) {
            return;
        }
        long now = clock.millis();
        for (CounterReport r : reports) {
            if (r.windowStart() != Windows.start(r.key().per(), now)) {
                continue;
            }
            Counter c = counter(r.key(), now);
            for (;;) {
                synchronized (c) {
                    if (!c.evicted) {
                        c.roll(now);
                        if (c.windowStart == r.windowStart()) {
                            c.merge(replica, r);
                            crossings(c);
                        }
                        break;
                    }
                }
                c = counter(r.key(), now);
            }
        }
    }

    /**
     * Seeds the spend of budget counter {@code key} in the window starting at {@code windowStart} by replica
     * {@code replica}, as the control plane derived it from the request log. Folded in as that replica's report (the
     * higher of the two wins), so it never adds to that replica's live reports.
     */
    public void seedSpent(CounterKey key, long windowStart, String replica, double usd) {
        applyRemote(replica, List.of(new CounterReport(key, windowStart, 0, 0, 0, 0, Rule.micros(usd))));
    }

    // ---- memory

    /** Drops counters whose window has ended and that hold no reservation; returns how many. */
    public int evictIdle() {
        long now = clock.millis();
        int evicted = 0;
        for (Counter c : counters.values()) {
            synchronized (c) {
                if (now >= c.windowEnd && c.reservedMicroUsd == 0) {
                    c.evicted = true;
                    counters.remove(c.key, c);
                    evicted++;
                }
            }
        }
        return evicted;
    }

    /** How many counters are held. */
    public int size() {
        return counters.size();
    }

    // ---- views

    /** Every counter of a rate limit or budget in its current window, cluster-wide counts. */
    public List<CounterUsage> usage(Family family, String name) {
        long now = clock.millis();
        List<CounterUsage> out = new ArrayList<>();
        for (Counter c : counters.values()) {
            if (c.key.family() != family || !c.key.rule().equals(name)) {
                continue;
            }
            synchronized (c) {
                if (c.evicted || now >= c.windowEnd) {
                    continue;
                }
                out.add(new CounterUsage(c.key, c.rule, Instant.ofEpochMilli(c.windowStart),
                        Instant.ofEpochMilli(c.windowEnd), c.total(Counter.REQUESTS), c.total(Counter.TOKENS),
                        c.total(Counter.INPUT), c.total(Counter.OUTPUT), c.total(Counter.SPENT) / 1e6,
                        c.reservedMicroUsd / 1e6));
            }
        }
        return out;
    }

    /** The {@code n} counters of a rule or budget with the highest {@code metric}, highest first. */
    public List<CounterUsage> top(Family family, String name, Metric metric, int n) {
        List<CounterUsage> all = usage(family, name);
        all.sort(Comparator.comparingLong((CounterUsage u) -> u.count(metric)).reversed()
                .thenComparing(u -> u.key().member()));
        return List.copyOf(all.subList(0, Math.min(n, all.size())));
    }

    private Counter counter(CounterKey key, long now) {
        Counter c = counters.get(key);
        return c != null ? c : counters.computeIfAbsent(key, k -> new Counter(k, now));
    }

    /** Queues the counter for the next {@link #localCounts}; under its lock. */
    private void changed(Counter c) {
        if (!c.dirty) {
            c.dirty = true;
            changed.add(c);
        }
    }
}
