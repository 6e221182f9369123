package dev.switchboard.testsupport.fakes;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a fake stream part-way, so that a test can prove that what sits between the client and the fake
 * (the gateway) forwards each event as it comes instead of buffering the whole response: while the gate is
 * closed, the first events have been flushed by the fake and nothing else will come.
 */
public final class StreamGate {

    /** The server never waits longer than this, so that a test that forgets {@link #release()} still ends. */
    public static final Duration SAFETY_TIMEOUT = Duration.ofSeconds(30);

    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    /** Lets the held stream send the rest of its events. */
    public void release() {
        released.countDown();
    }

    public boolean isReleased() {
        return released.getCount() == 0;
    }

    /** Whether the server has flushed the first events and is now waiting for {@link #release()}. */
    public boolean isHolding() {
        return held.getCount() == 0 && !isReleased();
    }

    /** Waits until the server has flushed the first events and is holding; false on timeout. */
    public boolean awaitHeld(Duration timeout) {
        try {
            return held.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Called by the server thread after it flushed the events that come before the gate. */
    void holdUntilReleased() throws InterruptedException {
        held.countDown();
        released.await(SAFETY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
