package dev.switchboard.gateway.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.guardrail.GuardScope;
import dev.switchboard.model.guardrail.GuardrailResult;
import dev.switchboard.model.guardrail.Guardrails;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Runs the engine's check and hands its result back on the request's own context. Without a webhook the engine
 * answers at once and the result is used in place; a webhook's answer (or its timeout) arrives on another thread and
 * hops back to the request's event loop.
 */
final class Checks {

    private Checks() {
    }

    static Future<GuardrailResult> run(Guardrails guardrails, Guardrail.Hook hook, GuardScope scope, JsonNode payload,
                                       Context context) {
        CompletionStage<GuardrailResult> stage;
        try {
            stage = guardrails.check(hook, scope, payload);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        if (stage instanceof CompletableFuture<GuardrailResult> done && done.isDone()) {
            try {
                return Future.succeededFuture(done.join());
            } catch (CompletionException e) {
                return Future.failedFuture(e.getCause() == null ? e : e.getCause());
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
        return Future.fromCompletionStage(stage, context);
    }
}
