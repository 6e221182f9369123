package dev.switchboard.gateway.routing;

import dev.switchboard.model.config.HealthPolicy;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one target did lately: its recent failures (with their status) and its time-per-output-token samples. Readers
 * never lock: the state is an immutable pair of small arrays, replaced by compare-and-set after each call.
 */
public final class TargetHealth {

    /** Status recorded for a connect error or a timeout; they always count as failures. */
    public static final int CONNECT_ERROR = -1;
    public static final int TIMEOUT = -2;

    static final int MAX_FAILURES = 64;
    static final int MAX_SAMPLES = 1000;

    record Failure(long atMillis, int status) {
    }

    record Sample(long atMillis, double timePerOutputTokenMs) {
    }

    private record State(Failure[] failures, Sample[] samples) {
    }

    private final AtomicReference<State> state = new AtomicReference<>(new State(new Failure[0], new Sample[0]));

    /**
     * Records one call. {@code status} is the upstream's HTTP status, or {@link #CONNECT_ERROR} / {@link #TIMEOUT};
     * {@code timePerOutputTokenMs} is negative when unknown (errors, single-token answers).
     */
    public void record(long nowMillis, int status, double timePerOutputTokenMs) {
        boolean failure = status < 0 || status >= 400;
        boolean sample = timePerOutputTokenMs >= 0 && status >= 200 && status < 300;
        if (!failure && !sample) {
            return;
        }
        while (true) {
            State held = state.get();
            State next = new State(
                    failure ? append(held.failures, new Failure(nowMillis, status), MAX_FAILURES) : held.failures,
                    sample ? append(held.samples, new Sample(nowMillis, timePerOutputTokenMs), MAX_SAMPLES) : held.samples);
            if (state.compareAndSet(held, next)) {
                return;
            }
        }
    }

    private static <T> T[] append(T[] items, T item, int max) {
        int keep = Math.min(items.length, max - 1);
        T[] out = Arrays.copyOfRange(items, items.length - keep, items.length + 1);
        out[keep] = item;
        return out;
    }

    /** Failures within the policy's window that its statuses count (connect errors and timeouts always count). */
    public int failuresWithin(long nowMillis, HealthPolicy policy) {
        long windowMillis = policy.windowSeconds() * 1000L;
        int count = 0;
        for (Failure f : state.get().failures) {
            if (nowMillis - f.atMillis() < windowMillis && (f.status() < 0 || policy.isFailure(f.status()))) {
                count++;
            }
        }
        return count;
    }

    public boolean healthy(long nowMillis, HealthPolicy policy) {
        return failuresWithin(nowMillis, policy) < policy.failureThreshold();
    }

    /** Statistics of the time per output token over the most recent {@code maxSamples} within the window. */
    public LatencyStats latency(long nowMillis, long windowMillis, int maxSamples) {
        Sample[] samples = state.get().samples;
        double sum = 0;
        int n = 0;
        for (int i = samples.length - 1; i >= 0 && n < maxSamples; i--) {
            if (nowMillis - samples[i].atMillis() < windowMillis) {
                sum += samples[i].timePerOutputTokenMs();
                n++;
            }
        }
        return new LatencyStats(n, n == 0 ? Double.NaN : sum / n);
    }

    /** {@code averageMs} is NaN when there are no samples. */
    public record LatencyStats(int samples, double averageMs) {
    }
}
