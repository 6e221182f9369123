package dev.switchboard.model.config;

import java.util.List;

/**
 * One target of a virtual model: a model name ({@code <provider-account>/<model-id>}), its share ({@code weight},
 * weight-based routing) or rank ({@code priority}, priority-based routing, 0 is highest), its retries and the
 * statuses that move the request on to the next target.
 */
public record LoadBalanceTarget(String target, Integer weight, Integer priority, RetryConfig retryConfig,
                                List<Integer> fallbackStatusCodes) {

    public static final List<Integer> DEFAULT_FALLBACK_STATUS_CODES = List.of(401, 403, 404, 429, 500, 502, 503);

    public LoadBalanceTarget {
        retryConfig = retryConfig == null ? RetryConfig.DEFAULTS : retryConfig;
        fallbackStatusCodes = fallbackStatusCodes == null ? DEFAULT_FALLBACK_STATUS_CODES : List.copyOf(fallbackStatusCodes);
    }
}
