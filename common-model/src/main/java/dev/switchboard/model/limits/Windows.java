package dev.switchboard.model.limits;

import dev.switchboard.model.config.Period;
import java.time.LocalDate;

/**
 * Fixed UTC calendar windows: a minute, hour or day starts on its boundary in UTC, a month at 00:00 UTC on the 1st.
 * The window holding instant {@code t} is {@code [start, end)}: 10:30:59.999 is in the 10:30 minute, 10:31:00.000
 * starts the next one. Public for the control plane, which sums the request log per window and shows periods.
 */
public final class Windows {

    static final long MINUTE_MS = 60_000L;
    static final long HOUR_MS = 60 * MINUTE_MS;
    static final long DAY_MS = 24 * HOUR_MS;

    private Windows() {
    }

    public static long start(Period per, long epochMs) {
        return switch (per) {
            case MINUTE -> Math.floorDiv(epochMs, MINUTE_MS) * MINUTE_MS;
            case HOUR -> Math.floorDiv(epochMs, HOUR_MS) * HOUR_MS;
            case DAY -> Math.floorDiv(epochMs, DAY_MS) * DAY_MS;
            case MONTH -> LocalDate.ofEpochDay(Math.floorDiv(epochMs, DAY_MS)).withDayOfMonth(1).toEpochDay() * DAY_MS;
        };
    }

    /** The end (exclusive) of the window that starts at {@code start}. */
    public static long end(Period per, long start) {
        return switch (per) {
            case MINUTE -> start + MINUTE_MS;
            case HOUR -> start + HOUR_MS;
            case DAY -> start + DAY_MS;
            case MONTH -> LocalDate.ofEpochDay(Math.floorDiv(start, DAY_MS)).plusMonths(1).toEpochDay() * DAY_MS;
        };
    }
}
