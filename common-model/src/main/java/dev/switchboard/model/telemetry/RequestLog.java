package dev.switchboard.model.telemetry;

import dev.switchboard.model.access.Principal;
import dev.switchboard.model.config.SubjectRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request as the gateway saw it, for the request log: who (and the team it counts for: {@link #teamOf}), which
 * model was asked for and which served it, every attempt on the way, the outcome, the timings and tokens, the verdict
 * of every guardrail it met (its audit record; empty when none applied) and the caller's {@code x-tfy-metadata}
 * (empty when none), the budget counters its cost went to ({@code limitKeys}, {@link dev.switchboard.model.limits.CounterKey}
 * wire forms) and the rate limit or budget that refused it ({@code limitRule}, null when none did); and, when traces
 * are on, what its spans need besides ({@code trace}, null otherwise); and, when its model or virtual model logs
 * payloads, the prompt and the completion ({@code payloads}, null otherwise); and the seconds of audio a transcription
 * or translation reported ({@code audioSeconds}, -1 otherwise). Latencies are in milliseconds; -1 where unknown.
 */
public record RequestLog(
        String requestId,
        Instant startedAt,
        String subject,
        String team,
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
        List<GuardrailVerdict> guardrails,
        Map<String, String> metadata,
        List<String> limitKeys,
        String limitRule,
        Trace trace,
        Payloads payloads,
        double audioSeconds) {

    /** A request whose answer reported no seconds of audio ({@code audioSeconds} -1): all but a transcription. */
    public RequestLog(String requestId, Instant startedAt, String subject, String team, String credential,
                      String endpoint, String requestedModel, String resolvedModel, boolean stream, int status,
                      String errorCode, double latencyMs, double timeToFirstTokenMs, long promptTokens,
                      long completionTokens, double timePerOutputTokenMs, double costUsd, List<Attempt> attempts,
                      List<GuardrailVerdict> guardrails, Map<String, String> metadata, List<String> limitKeys,
                      String limitRule, Trace trace, Payloads payloads) {
        this(requestId, startedAt, subject, team, credential, endpoint, requestedModel, resolvedModel, stream, status,
                errorCode, latencyMs, timeToFirstTokenMs, promptTokens, completionTokens, timePerOutputTokenMs, costUsd,
                attempts, guardrails, metadata, limitKeys, limitRule, trace, payloads, -1);
    }

    /**
     * The team a request counts for in analytics: the team itself for a team's key, else the first team a JWT claims;
     * empty otherwise. A user's teams from the config are not looked up: a user may be in several, and the request
     * log keeps one team per request so that per-team sums add up to the total.
     */
    public static String teamOf(Principal principal) {
        if (principal.subject().kind() == SubjectRef.Kind.TEAM) {
            return principal.subject().name();
        }
        return principal.claimedTeams().isEmpty() ? "" : principal.claimedTeams().get(0);
    }

    /**
     * One try at one target: its status (-1 when no answer came: connect error or timeout) and how long it took; for
     * its span, the target's provider ({@code gen_ai.provider.name}), the span id its {@code traceparent} carried
     * upstream (0 when traces are off) and when it started.
     */
    public record Attempt(String target, int status, double latencyMs, String provider, long spanId,
                          long startEpochNanos) {
    }

    /**
     * What a request's spans need beyond the log: the trace it belongs to (the caller's {@code traceparent}, or a new
     * one: {@code parentSpanId} 0), the server span's id and start, the virtual model asked for (null for a model
     * named directly), the request's {@code max_tokens} (-1) and {@code temperature} (NaN) when given, and what the
     * answer said of itself ({@link Usage}: id, model, finish reason; null where unknown).
     */
    public record Trace(long traceHigh, long traceLow, long parentSpanId, long spanId, long startEpochNanos,
                        String virtualModel, long maxTokens, double temperature, String responseId,
                        String responseModel, String finishReason) {
    }

    /**
     * What went to the provider and what came back, as the guardrails left them: the request body after the
     * {@code llm_input} guardrails (empty when none was sent: the request was refused before), and the answer's text as
     * the caller got it after the {@code llm_output} guardrails (empty when none was relayed); each at most the entry's
     * cap in UTF-8 bytes, {@code *Truncated} when cut.
     */
    public record Payloads(String prompt, boolean promptTruncated, String completion, boolean completionTruncated) {
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
