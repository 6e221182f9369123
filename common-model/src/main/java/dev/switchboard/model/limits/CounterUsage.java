package dev.switchboard.model.limits;

import java.time.Instant;

/**
 * One counter in its current window, for the admin API: cluster-wide counts (this replica's, plus what the others
 * reported, plus seeded spend), this replica's reservations in flight, and the rule's limits as last applied here
 * ({@code rule} is null for a counter only other replicas have used so far: read the limits from
 * {@link LimitRules#rateLimit} or {@link LimitRules#budget}).
 */
public record CounterUsage(CounterKey key, Rule rule, Instant windowStart, Instant resetAt, long requests, long tokens,
                           long inputTokens, long outputTokens, double spentUsd, double reservedUsd) {

    public long count(Metric metric) {
        return switch (metric) {
            case REQUESTS -> requests;
            case TOKENS -> tokens;
            case INPUT_TOKENS -> inputTokens;
            case OUTPUT_TOKENS -> outputTokens;
            case USD -> Math.round(spentUsd * 1e6);
        };
    }
}
