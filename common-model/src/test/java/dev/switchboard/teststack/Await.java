package dev.switchboard.teststack;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition with a generous bound, never for a fixed time: what tests on a loaded machine rely on. */
public final class Await {

    private Await() {
    }

    /** Polls {@code condition} every 50 ms until it holds; an AssertionError naming {@code what} after {@code timeout}. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + what, e);
            }
        }
    }
}
