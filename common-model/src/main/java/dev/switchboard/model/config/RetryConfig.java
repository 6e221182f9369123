package dev.switchboard.model.config;

import java.util.List;

/**
 * Retries of one target before falling back to the next: {@code attempts} retries after the first try,
 * {@code delay_ms} apart, on the listed statuses. A {@code Retry-After} from the upstream is honoured up to
 * {@code max_retry_after_ms}.
 */
public record RetryConfig(Integer attempts, Integer delayMs, List<Integer> onStatusCodes, Integer maxRetryAfterMs) {

    public static final List<Integer> DEFAULT_STATUS_CODES = List.of(429, 500, 502, 503);
    public static final RetryConfig DEFAULTS = new RetryConfig(null, null, null, null);

    public RetryConfig {
        attempts = attempts == null ? 2 : attempts;
        delayMs = delayMs == null ? 100 : delayMs;
        onStatusCodes = onStatusCodes == null ? DEFAULT_STATUS_CODES : List.copyOf(onStatusCodes);
        maxRetryAfterMs = maxRetryAfterMs == null ? 10_000 : maxRetryAfterMs;
    }
}
