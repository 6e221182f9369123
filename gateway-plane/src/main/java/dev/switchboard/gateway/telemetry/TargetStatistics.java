package dev.switchboard.gateway.telemetry;

import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-target outcomes and latencies, kept in memory for routing decisions: the last samples of each target with
 * their time. Updated after each call; a lock per target is held only for a few field writes.
 */
@Singleton
public class TargetStatistics {

    public static final int SAMPLES = 100;

    /** One call's outcome at one target; {@code timePerOutputTokenMs} is -1 when unknown. */
    public record Sample(long atMillis, int status, double latencyMs, double timeToFirstTokenMs,
                         double timePerOutputTokenMs) {
    }

    private final Map<String, Ring> byTarget = new ConcurrentHashMap<>();

    public void record(String target, Sample sample) {
        byTarget.computeIfAbsent(target, t -> new Ring()).add(sample);
    }

    /** The samples of {@code target}, oldest first. */
    public Sample[] samples(String target) {
        Ring ring = byTarget.get(target);
        return ring == null ? new Sample[0] : ring.snapshot();
    }

    private static final class Ring {
        private final Sample[] samples = new Sample[SAMPLES];
        private int next;
        private int size;

        synchronized void add(Sample s) {
            samples[next] = s;
            next = (next + 1) % SAMPLES;
            size = Math.min(size + 1, SAMPLES);
        }

        synchronized Sample[] snapshot() {
            Sample[] out = new Sample[size];
            for (int i = 0; i < size; i++) {
                out[i] = samples[(next - size + i + SAMPLES) % SAMPLES];
            }
            return out;
        }
    }
}
