package dev.switchboard.model.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.model.config.Period;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WindowsTest {

    private static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static String start(Period per, String at) {
        return Instant.ofEpochMilli(Windows.start(per, ms(at))).toString();
    }

    private static String end(Period per, String at) {
        return Instant.ofEpochMilli(Windows.end(per, Windows.start(per, ms(at)))).toString();
    }

    @Test
    void millisecondBeforeTheMinuteIsInItAndTheMinuteStartsTheNext() {
        assertEquals("2026-12-07T10:30:00Z", start(Period.MINUTE, "2026-12-07T10:30:59.999Z"));
        assertEquals("2026-12-07T10:31:00Z", start(Period.MINUTE, "2026-12-07T10:31:00Z"));
        assertEquals("2026-12-07T10:31:00Z", end(Period.MINUTE, "2026-12-07T10:30:00Z"));
    }

    @Test
    void hoursAndDaysAreUtcAligned() {
        assertEquals("2026-12-07T10:00:00Z", start(Period.HOUR, "2026-12-07T10:59:59.999Z"));
        assertEquals("2026-12-07T00:00:00Z", start(Period.DAY, "2026-12-07T23:59:59.999Z"));
        assertEquals("2026-12-08T00:00:00Z", end(Period.DAY, "2026-12-07T23:59:59.999Z"));
    }

    @Test
    void monthStartsAtMidnightOnTheFirstAndDecemberEndsAtNewYear() {
        assertEquals("2026-12-01T00:00:00Z", start(Period.MONTH, "2026-12-31T23:59:59.999Z"));
        assertEquals("2027-01-01T00:00:00Z", end(Period.MONTH, "2026-12-31T23:59:59.999Z"));
        assertEquals("2027-01-01T00:00:00Z", start(Period.MONTH, "2027-01-01T00:00:00Z"));
    }

    @Test
    void februaryEndsOnTheFirstOfMarchInLeapAndCommonYears() {
        assertEquals("2028-03-01T00:00:00Z", end(Period.MONTH, "2028-02-29T12:00:00Z"));
        assertEquals("2027-03-01T00:00:00Z", end(Period.MONTH, "2027-02-28T23:59:59.999Z"));
        assertEquals("2027-03-01T00:00:00Z", start(Period.MONTH, "2027-03-01T00:00:00Z"));
    }
}
