package dev.switchboard.model.limits;

import java.time.Instant;

/** What the headers report of one limit: its value, what is left of it in the current window, and when it resets. */
public record Quota(Metric metric, long limit, long remaining, Instant resetAt) {
}
