package dev.switchboard.gateway.telemetry;

import java.time.Instant;
import java.util.List;

/**
 * One request as the gateway saw it, for the request log: who, which model was asked for and which served it, every
 * attempt on the way, the outcome, and the timings and tokens. Latencies are in milliseconds; -1 where unknown.
 */
public record RequestLog(
        String requestId,
        Instant startedAt,
        String subject,
        String credential,
        String endpoint,
        String requestedModel,
        String resolvedModel,
        boolean stream,
        int status,
        String errorCode,
        double latencyMs,
        double timeToFirstTokenMs,
        long promptTokens,
        long completionTokens,
        double timePerOutputTokenMs,
        double costUsd,
        List<Attempt> attempts) {

    /** One try at one target: its status (-1 when no answer came: connect error or timeout) and how long it took. */
    public record Attempt(String target, int status, double latencyMs) {
    }
}
