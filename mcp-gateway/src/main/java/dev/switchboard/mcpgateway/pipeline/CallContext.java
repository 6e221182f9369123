package dev.switchboard.mcpgateway.pipeline;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Brings the outcome of work done elsewhere (a guardrail's webhook, an approver's decision on another event loop) back
 * to the event loop of the call that waits for it, so that every step of a call runs on one thread.
 */
public final class CallContext {

    private CallContext() {
    }

    /** {@code stage} as a future of the current Vert.x context; an already completed stage costs no hop. */
    public static <T> Future<T> resume(CompletionStage<T> stage) {
        if (stage instanceof CompletableFuture<T> done && done.isDone() && !done.isCompletedExceptionally()) {
            return Future.succeededFuture(done.join());
        }
        Context context = Vertx.currentContext();
        return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
    }
}
