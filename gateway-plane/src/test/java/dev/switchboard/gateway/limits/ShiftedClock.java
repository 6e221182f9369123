package dev.switchboard.gateway.limits;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock moved by an offset the test sets: lets a test stand just before a window's end and watch it
 * reset in real time. Enabled only by {@link LimitsProfile}.
 */
@Alternative
@Singleton
public class ShiftedClock extends Clock {

    private volatile Duration offset = Duration.ZERO;

    /** Moves the clock so that it reads {@code target} now. */
    public void set(Instant target) {
        offset = Duration.between(Instant.now(), target);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
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
