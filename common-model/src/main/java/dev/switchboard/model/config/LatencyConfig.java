package dev.switchboard.model.config;

/**
 * Latency-based routing: time-per-output-token samples from the last {@code window_seconds} (default 1200), at most
 * {@code max_samples} (100) per target; a target with fewer than {@code min_samples} (3) counts as fastest; targets
 * within {@code equal_band} (1.2) times the fastest count as equally fast.
 */
public record LatencyConfig(Integer windowSeconds, Integer maxSamples, Integer minSamples, Double equalBand) {

    public static final LatencyConfig DEFAULTS = new LatencyConfig(null, null, null, null);

    public LatencyConfig {
        windowSeconds = windowSeconds == null ? 1200 : windowSeconds;
        maxSamples = maxSamples == null ? 100 : maxSamples;
        minSamples = minSamples == null ? 3 : minSamples;
        equalBand = equalBand == null ? 1.2 : equalBand;
    }
}
