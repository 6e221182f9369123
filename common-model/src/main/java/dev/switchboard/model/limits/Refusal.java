package dev.switchboard.model.limits;

import java.time.Instant;
import java.util.List;

/**
 * The request is refused and nothing was counted. {@link #reported()} is the refusing limit that resets last: the
 * caller can succeed only once every refusing window has reset, so its reset is {@link #retryAt()}, the answer's
 * {@code Retry-After}. Ties go to the rule that comes first in the config.
 */
public record Refusal(List<Refused> refused, Quota requests, Quota tokens) implements Decision {

    /** One limit that refused: which counter, which metric, its limit and when its window resets. */
    public record Refused(AppliedLimit limit, Metric metric, long value, Instant resetAt) {
    }

    public Refusal {
        refused = List.copyOf(refused);
        if (refused.isEmpty()) {
            throw new IllegalArgumentException("a refusal names at least one limit");
        }
    }

    public Refused reported() {
        Refused latest = refused.get(0);
        for (Refused r : refused) {
            if (r.resetAt().isAfter(latest.resetAt())) {
                latest = r;
            }
        }
        return latest;
    }

    public Instant retryAt() {
        return reported().resetAt();
    }

    /**
     * What the caller reads: the rule or budget, its limit and when it resets; never a count, which for a shared pool
     * would tell one caller about the others. For example {@code Rate limit 'team-ml-rpm' reached: 100 requests per
     * minute. It resets at 2026-12-07T10:31:00Z.}
     */
    public String message() {
        Refused r = reported();
        Rule rule = r.limit().rule();
        String per = rule.per().name().toLowerCase();
        if (r.metric() == Metric.USD) {
            return "Budget '" + rule.name() + "' (" + usd(r.value()) + " USD per " + per
                    + ") has no room left for this request. It resets at " + r.resetAt() + ".";
        }
        String unit = rule.mcp() && r.metric() == Metric.REQUESTS ? "tool calls" : r.metric().words();
        return "Rate limit '" + rule.name() + "' reached: " + r.value() + " " + unit + " per " + per
                + ". It resets at " + r.resetAt() + ".";
    }

    private static String usd(long micros) {
        return java.math.BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }
}
