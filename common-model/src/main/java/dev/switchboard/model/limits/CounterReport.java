package dev.switchboard.model.limits;

/**
 * One replica's absolute counts for one counter in one window, as exchanged between replicas. Absolute rather than
 * deltas, so that a lost, repeated or reordered message does no harm: the receiver keeps, per replica and window, the
 * highest value it has seen of each count.
 *
 * @param windowStart epoch milliseconds of the window's start (UTC calendar aligned)
 */
public record CounterReport(CounterKey key, long windowStart, long requests, long tokens, long inputTokens,
                            long outputTokens, long spentMicroUsd) {
}
