package dev.switchboard.model.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The result of every guardrail that applied at one hook: whether the call may go on, the payload to go on with (the
 * same instance when nothing was rewritten), and each verdict in the order the guardrails ran. Checks stop at the
 * first blocking verdict, so it is the last one.
 */
public record GuardrailResult(boolean blocked, JsonNode payload, List<Verdict> verdicts) {

    /** No guardrail applied. */
    public static GuardrailResult none(JsonNode payload) {
        return new GuardrailResult(false, payload, List.of());
    }

    /** Whether a guardrail rewrote the payload. */
    public boolean rewritten() {
        return verdicts.stream().anyMatch(v -> v.outcome() == Verdict.Outcome.REDACTED && !v.blocked());
    }

    /** The verdict that blocked, if any. */
    public Verdict blockingVerdict() {
        return blocked ? verdicts.get(verdicts.size() - 1) : null;
    }
}
