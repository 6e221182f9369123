package dev.switchboard.gateway.telemetry;

import java.time.Instant;
import java.util.List;

/**
 * One request as the gateway saw it, for the request log: who, which model was asked for and which served it, every
 * attempt on the way, the outcome, the timings and tokens, and the verdict of every guardrail it met (its audit
 * record; empty when none applied). Latencies are in milliseconds; -1 where unknown.
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
        List<Attempt> attempts,
        List<GuardrailVerdict> guardrails) {

    /** One try at one target: its status (-1 when no answer came: connect error or timeout) and how long it took. */
    public record Attempt(String target, int status, double latencyMs) {
    }

    /**
     * One guardrail's verdict at one hook, in the config's words ({@code llm_input}, {@code pii}, {@code enforce},
     * {@code violation}). For a stream, the guardrail's most severe verdict over all its checks, with their summed
     * latency. {@code reason} never quotes the sensitive value.
     */
    public record GuardrailVerdict(String hook, String guardrail, String type, String mode, String outcome,
                                   boolean blocked, String reason, double latencyMs) {
    }
}
