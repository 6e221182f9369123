package dev.switchboard.gateway.routing;

import dev.switchboard.model.config.HealthPolicy;

/**
 * What one target did lately: its recent failures (with their status) and its time-per-output-token samples, each in
 * a fixed ring of primitives. Recording is O(1) and allocates nothing; the lock is held for a few array reads or
 * writes, so it is uncontended in practice even with every event loop recording.
 */
public final class TargetHealth {

    /** Status recorded for a connect error or a timeout; they always count as failures. */
    public static final int CONNECT_ERROR = -1;
    public static final int TIMEOUT = -2;

    /** Enough for any failure threshold worth configuring. */
    static final int MAX_FAILURES = 64;
    /** Enough for the latency strategy's 100 samples and a busy SLA window's average. */
    static final int MAX_SAMPLES = 512;

    private final long[] failureAt = new long[MAX_FAILURES];
    private final int[] failureStatus = new int[MAX_FAILURES];
    private int failureNext;
    private int failureCount;

    private final long[] sampleAt = new long[MAX_SAMPLES];
    private final double[] sampleMs = new double[MAX_SAMPLES];
    private int sampleNext;
    private int sampleCount;

    /**
     * Records one call. {@code status} is the upstream's HTTP status, or {@link #CONNECT_ERROR} / {@link #TIMEOUT};
     * {@code timePerOutputTokenMs} is negative when unknown (errors, single-token answers).
     */
    public synchronized void record(long nowMillis, int status, double timePerOutputTokenMs) {
        if (status < 0 || status >= 400) {
            failureAt[failureNext] = nowMillis;
            failureStatus[failureNext] = status;
            failureNext = (failureNext + 1) % MAX_FAILURES;
            failureCount = Math.min(failureCount + 1, MAX_FAILURES);
        } else if (timePerOutputTokenMs >= 0 && status < 300) {
            sampleAt[sampleNext] = nowMillis;
            sampleMs[sampleNext] = timePerOutputTokenMs;
            sampleNext = (sampleNext + 1) % MAX_SAMPLES;
            sampleCount = Math.min(sampleCount + 1, MAX_SAMPLES);
        }
    }

    /** Failures within the policy's window that its statuses count (connect errors and timeouts always count). */
    public synchronized int failuresWithin(long nowMillis, HealthPolicy policy) {
        long windowMillis = policy.windowSeconds() * 1000L;
        int count = 0;
        for (int i = 0; i < failureCount; i++) {
            int status = failureStatus[i];
            if (nowMillis - failureAt[i] < windowMillis && (status < 0 || policy.isFailure(status))) {
                count++;
            }
        }
        return count;
    }

    public boolean healthy(long nowMillis, HealthPolicy policy) {
        return failuresWithin(nowMillis, policy) < policy.failureThreshold();
    }

    /** Statistics of the time per output token over the most recent {@code maxSamples} within the window. */
    public synchronized LatencyStats latency(long nowMillis, long windowMillis, int maxSamples) {
        double sum = 0;
        int n = 0;
        for (int back = 1; back <= sampleCount && n < maxSamples; back++) {
            int i = (sampleNext - back + MAX_SAMPLES) % MAX_SAMPLES;
            if (nowMillis - sampleAt[i] < windowMillis) {
                sum += sampleMs[i];
                n++;
            }
        }
        return new LatencyStats(n, n == 0 ? Double.NaN : sum / n);
    }

    /** {@code averageMs} is NaN when there are no samples. */
    public record LatencyStats(int samples, double averageMs) {
    }
}
