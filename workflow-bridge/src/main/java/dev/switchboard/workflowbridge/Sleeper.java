package dev.switchboard.workflowbridge;

import java.time.Duration;

/** Waits between polls and retries; tests substitute one that only advances a virtual clock. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    Sleeper REAL = duration -> {
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        Thread.sleep(duration.toMillis());
    };
}
