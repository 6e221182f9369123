package dev.switchboard.model.config;

/**
 * Priority-based routing marks a target unhealthy while its average time per output token over
 * {@code window_seconds} (default 180) is above {@code time_per_output_token_ms}.
 */
public record SlaCutoff(Double timePerOutputTokenMs, Integer windowSeconds) {

    public SlaCutoff {
        windowSeconds = windowSeconds == null ? 180 : windowSeconds;
    }
}
