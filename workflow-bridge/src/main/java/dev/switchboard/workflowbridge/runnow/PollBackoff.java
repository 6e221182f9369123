package dev.switchboard.workflowbridge.runnow;

import java.time.Duration;

/** The wait before each poll of a run: {@code first}, doubling every poll, never more than {@code max}. */
public record PollBackoff(Duration first, Duration max) {

    public PollBackoff {
        if (first.isNegative() || first.isZero()) {
            throw new IllegalArgumentException("the first poll interval must be positive");
        }
        if (max.compareTo(first) < 0) {
            throw new IllegalArgumentException("the maximum poll interval must not be below the first one");
        }
    }

    /** The wait before poll {@code n} (0-based). */
    public Duration interval(int n) {
        Duration interval = first;
        for (int i = 0; i < n && interval.compareTo(max) < 0; i++) {
            interval = interval.multipliedBy(2);
        }
        return interval.compareTo(max) > 0 ? max : interval;
    }
}
