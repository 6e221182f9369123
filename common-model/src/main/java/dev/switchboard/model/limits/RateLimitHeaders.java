package dev.switchboard.model.limits;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * The rate-limit headers of an answer, as OpenAI and Anthropic send them, from the strictest request and token limits
 * of a {@link Decision}. Sent on every answer a rule covers, not only on 429s; {@code Retry-After} only on refusals.
 *
 * <ul>
 * <li>OpenAI: {@code x-ratelimit-limit-requests}, {@code x-ratelimit-remaining-requests},
 *     {@code x-ratelimit-reset-requests} (time until reset, written like {@code 20ms}, {@code 1s}, {@code 6m0s},
 *     {@code 1h2m3s}) and the same three for {@code -tokens}.</li>
 * <li>Anthropic: {@code anthropic-ratelimit-requests-limit}, {@code -remaining}, {@code -reset} (RFC 3339 instant) and
 *     the same for {@code anthropic-ratelimit-tokens-}.</li>
 * </ul>
 */
public final class RateLimitHeaders {

    private RateLimitHeaders() {
    }

    /** Writes the OpenAI headers of {@code decision} to {@code headers}, name then value, in a fixed order. */
    public static void openAi(Decision decision, Instant now, BiConsumer<String, String> headers) {
        Quota r = decision.requests();
        if (r != null) {
            headers.accept("x-ratelimit-limit-requests", Long.toString(r.limit()));
            headers.accept("x-ratelimit-remaining-requests", Long.toString(r.remaining()));
            headers.accept("x-ratelimit-reset-requests", duration(Duration.between(now, r.resetAt())));
        }
        Quota t = decision.tokens();
        if (t != null) {
            headers.accept("x-ratelimit-limit-tokens", Long.toString(t.limit()));
            headers.accept("x-ratelimit-remaining-tokens", Long.toString(t.remaining()));
            headers.accept("x-ratelimit-reset-tokens", duration(Duration.between(now, t.resetAt())));
        }
        retryAfter(decision, now, headers);
    }

    /** Writes the Anthropic headers of {@code decision} to {@code headers}, name then value, in a fixed order. */
    public static void anthropic(Decision decision, Instant now, BiConsumer<String, String> headers) {
        Quota r = decision.requests();
        if (r != null) {
            headers.accept("anthropic-ratelimit-requests-limit", Long.toString(r.limit()));
            headers.accept("anthropic-ratelimit-requests-remaining", Long.toString(r.remaining()));
            headers.accept("anthropic-ratelimit-requests-reset", r.resetAt().toString());
        }
        Quota t = decision.tokens();
        if (t != null) {
            headers.accept("anthropic-ratelimit-tokens-limit", Long.toString(t.limit()));
            headers.accept("anthropic-ratelimit-tokens-remaining", Long.toString(t.remaining()));
            headers.accept("anthropic-ratelimit-tokens-reset", t.resetAt().toString());
        }
        retryAfter(decision, now, headers);
    }

    private static void retryAfter(Decision decision, Instant now, BiConsumer<String, String> headers) {
        if (decision instanceof Refusal refusal) {
            headers.accept("retry-after", Long.toString(retryAfterSeconds(refusal, now)));
        }
    }

    /**
     * Whole seconds until every refusing window has reset, rounded up, and at least 1 so that a client never retries
     * at once into the same refusal.
     */
    public static long retryAfterSeconds(Refusal refusal, Instant now) {
        long ms = Duration.between(now, refusal.retryAt()).toMillis();
        return Math.max(1, (ms + 999) / 1000);
    }

    /**
     * A duration as OpenAI writes it (Go's duration format): {@code 20ms} below a second, otherwise hours, minutes and
     * seconds from the largest non-zero unit, seconds with their fraction: {@code 1s}, {@code 1.5s}, {@code 6m0s},
     * {@code 1h2m3s}. Negative durations are written as {@code 0s}.
     */
    public static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms <= 0) {
            return "0s";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        long hours = ms / 3_600_000;
        long minutes = ms / 60_000 % 60;
        long seconds = ms / 1000 % 60;
        long millis = ms % 1000;
        StringBuilder b = new StringBuilder();
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            b.append(minutes).append('m');
        }
        b.append(seconds);
        if (millis > 0) {
            // three digits without their trailing zeros: 500 -> .5, 50 -> .05, 5 -> .005 (written on every answer a
            // limit covers, so no formatter and no regular expression)
            b.append('.').append((char) ('0' + millis / 100));
            if (millis % 100 != 0) {
                b.append((char) ('0' + millis / 10 % 10));
                if (millis % 10 != 0) {
                    b.append((char) ('0' + millis % 10));
                }
            }
        }
        return b.append('s').toString();
    }
}
