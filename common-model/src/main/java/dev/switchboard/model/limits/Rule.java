package dev.switchboard.model.limits;

import dev.switchboard.model.config.Counting;
import dev.switchboard.model.config.Period;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * A rate limit or budget as the engine applies it. A limit of 0 means the rule does not limit that metric (the
 * validator requires every limit that is set to be > 0). Money is held in micro-dollars so that counters are plain
 * longs.
 *
 * @param mcp whether the rule limits MCP {@code tools/call} requests rather than model requests
 */
public record Rule(Family family, String name, Period per, Counting counting, boolean mcp, long requests, long tokens,
                   long inputTokens, long outputTokens, long limitMicroUsd, List<Integer> alertThresholds,
                   String alertWebhook) {

    public Rule {
        alertThresholds = alertThresholds == null ? List.of() : List.copyOf(alertThresholds);
    }

    /** The limit on {@code metric}, 0 when the rule does not limit it. */
    public long limit(Metric metric) {
        return switch (metric) {
            case REQUESTS -> requests;
            case TOKENS -> tokens;
            case INPUT_TOKENS -> inputTokens;
            case OUTPUT_TOKENS -> outputTokens;
            case USD -> limitMicroUsd;
        };
    }

    public boolean limitsTokens() {
        return tokens > 0 || inputTokens > 0 || outputTokens > 0;
    }

    public double limitUsd() {
        return limitMicroUsd / 1e6;
    }

    static long micros(double usd) {
        return Math.round(usd * 1e6);
    }

    /** Rounded up, so that a reservation never covers less than the estimate. */
    static long microsUp(double usd) {
        // The small slack absorbs binary noise (0.3 * 1e6 is 300000.00000000006), not real money.
        return (long) Math.ceil(usd * 1e6 - 1e-3);
    }

    static long micros(BigDecimal usd) {
        return usd.movePointRight(6).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
