package dev.switchboard.model.config;

import java.util.List;

/**
 * When a target counts as unhealthy: {@code failure_threshold} (2) or more failures within the last
 * {@code window_seconds} (120). A failure is a response whose status matches one of {@code failure_status_codes}
 * (an exact code such as {@code "429"} or a class such as {@code "5xx"}), a connect error or a timeout.
 */
public record HealthPolicy(Integer failureThreshold, Integer windowSeconds, List<String> failureStatusCodes) {

    public static final List<String> DEFAULT_FAILURE_STATUS_CODES = List.of("5xx", "429", "401", "403");
    public static final HealthPolicy DEFAULTS = new HealthPolicy(null, null, null);

    public HealthPolicy {
        failureThreshold = failureThreshold == null ? 2 : failureThreshold;
        windowSeconds = windowSeconds == null ? 120 : windowSeconds;
        failureStatusCodes = failureStatusCodes == null ? DEFAULT_FAILURE_STATUS_CODES : List.copyOf(failureStatusCodes);
    }

    /** Whether an upstream status counts as a failure. Patterns are validated when the config is loaded. */
    public boolean isFailure(int status) {
        for (String pattern : failureStatusCodes) {
            if (pattern.length() == 3 && pattern.endsWith("xx")) {
                if (status / 100 == pattern.charAt(0) - '0') {
                    return true;
                }
            } else if (pattern.equals(Integer.toString(status))) {
                return true;
            }
        }
        return false;
    }
}
