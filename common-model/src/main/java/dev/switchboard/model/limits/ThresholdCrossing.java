package dev.switchboard.model.limits;

import java.time.Instant;

/**
 * A budget counter's spend crossed one of its alert thresholds. Raised once per counter, threshold and period by each
 * replica that sees it; {@link #id()} is the same on every replica, so the wiring records and posts it once.
 */
public record ThresholdCrossing(CounterKey key, int percent, double spentUsd, double limitUsd, Instant windowStart,
                                Instant periodEnd, String webhook) {

    public String id() {
        return key.wire() + "|" + windowStart.toEpochMilli() + "|" + percent;
    }
}
