package dev.switchboard.gateway.limits;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock moved by an offset the test sets, or stopped at an instant: lets a test stand just before a window's
 * end, and stay there for as long as it needs, whatever the machine's load. Enabled only by {@link LimitsProfile}.
 */
@Alternative
@Singleton
public class ShiftedClock extends Clock {

    private volatile Duration offset = Duration.ZERO;
    private volatile Instant stopped;

    /** Moves the clock so that it reads {@code target} now, and runs on from there. */
    public void set(Instant target) {
        offset = Duration.between(Instant.now(), target);
        stopped = null;
    }

    /** Stops the clock at {@code target}: it reads that until the next {@link #set} or {@code stopAt}. */
    public void stopAt(Instant target) {
        stopped = target;
    }

    @Override
    public Instant instant() {
        Instant at = stopped;
        return at != null ? at : Instant.now().plus(offset);
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
