package dev.switchboard.model.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.config.Guardrail;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One compiled guardrail's logic, without its scope or mode: looks at a payload and says what it found. Only the
 * webhook check completes later; every other check answers with an already complete stage.
 */
interface Check {

    /**
     * @param rewrite false in audit mode: a redacting check then reports what it would have rewritten as a
     *                {@link Verdict.Outcome#VIOLATION} and leaves the payload alone
     */
    CompletionStage<Result> run(Guardrail.Hook hook, GuardScope scope, JsonNode payload, boolean rewrite);

    /** What a check found; {@code payload} is the rewritten payload for {@link Verdict.Outcome#REDACTED}, else null. */
    record Result(Verdict.Outcome outcome, String reason, JsonNode payload) {

        static final Result PASS = new Result(Verdict.Outcome.PASS, null, null);

        static Result violation(String reason) {
            return new Result(Verdict.Outcome.VIOLATION, reason, null);
        }

        static Result error(String reason) {
            return new Result(Verdict.Outcome.ERROR, reason, null);
        }

        static Result redacted(String reason, JsonNode payload) {
            return new Result(Verdict.Outcome.REDACTED, reason, payload);
        }

        CompletionStage<Result> done() {
            return CompletableFuture.completedFuture(this);
        }
    }
}
