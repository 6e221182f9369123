package dev.switchboard.model.guardrail;

import dev.switchboard.model.config.Guardrail;

/**
 * One guardrail's answer for one check. {@code reason} says what was found and where (a JSON path, a detector's
 * name, a refused table), never the sensitive value itself. {@code blocked} is what the mode made of the outcome.
 */
public record Verdict(String guardrail, Guardrail.Type type, Guardrail.Mode mode, Outcome outcome, boolean blocked,
                      String reason, long nanos) {

    public enum Outcome {
        /** Nothing found. */
        PASS,
        /** Something found; blocks unless the mode is audit. */
        VIOLATION,
        /** Something found and rewritten (redaction); the call goes on with the rewritten payload. */
        REDACTED,
        /** The guardrail itself failed (e.g. the webhook answered 500 or nonsense). */
        ERROR,
        /** The guardrail did not answer in time. */
        TIMEOUT
    }
}
