package dev.switchboard.gateway.routing;

import dev.switchboard.model.config.LoadBalanceTarget;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * What to do after one attempt at a target, by the target's retry and fallback rules: answer the caller with this
 * response, try the same target again after a delay, or move on to the next target. Pure; the pipeline acts on it.
 */
public record AttemptDecision(Action action, long delayMillis) {

    public enum Action { RESPOND, RETRY, FALLBACK }

    /** The status recorded for a connect error or a timeout (no HTTP status came back). */
    public static final int NO_RESPONSE = -1;

    private static final AttemptDecision RESPOND = new AttemptDecision(Action.RESPOND, 0);
    private static final AttemptDecision FALLBACK = new AttemptDecision(Action.FALLBACK, 0);

    /**
     * @param status       the upstream's status, or {@link #NO_RESPONSE}
     * @param retriesDone  retries of this target so far (0 after the first try)
     * @param retryAfter   the upstream's {@code Retry-After} header, or null
     * @param hasNext      whether another target remains to fall back to
     * @param millisLeft   time left before the request's deadline
     */
    public static AttemptDecision after(LoadBalanceTarget target, int status, int retriesDone, String retryAfter,
                                        boolean hasNext, long millisLeft, long nowMillis) {
        if (status >= 200 && status < 300) {
            return RESPOND;
        }
        var retry = target.retryConfig();
        if (status != NO_RESPONSE && retriesDone < retry.attempts() && retry.onStatusCodes().contains(status)) {
            long delay = retry.delayMs();
            long asked = retryAfterMillis(retryAfter, nowMillis);
            if (asked >= 0) {
                delay = Math.min(asked, retry.maxRetryAfterMs());
            }
            if (delay < millisLeft) {
                return new AttemptDecision(Action.RETRY, delay);
            }
        }
        boolean fallbackStatus = status == NO_RESPONSE || target.fallbackStatusCodes().contains(status);
        return hasNext && fallbackStatus && millisLeft > 0 ? FALLBACK : RESPOND;
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date (RFC 9110, 10.2.3); -1 when absent or unreadable. */
    static long retryAfterMillis(String value, long nowMillis) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String v = value.trim();
        try {
            return Math.max(0, Long.parseLong(v) * 1000);
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.max(0, at.toEpochMilli() - nowMillis);
            } catch (DateTimeParseException e2) {
                return -1;
            }
        }
    }
}
