package dev.switchboard.gateway.forward;

import dev.switchboard.gateway.telemetry.Usage;

/**
 * How one upstream call ended. {@code status} is the upstream's, or the gateway's own when it answered instead
 * (502, 504; 499 when the client went away). {@code errorCode} is null on success.
 */
public record Outcome(int status, String errorCode, long firstByteNanos, long endNanos, long bytes, Usage usage) {
}
