package dev.switchboard.model.guardrail;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The one piece of I/O a guardrail may do, supplied by the plane that runs the engine (each with its own non-blocking
 * HTTP client). The engine applies the guardrail's timeout itself; the client should still give up on a dead peer.
 */
public interface WebhookClient {

    CompletionStage<Reply> post(String url, Map<String, String> headers, byte[] body);

    record Reply(int status, byte[] body) {
    }

    /** For planes that have no webhook guardrails configured: every call fails. */
    WebhookClient UNAVAILABLE = (url, headers, body) -> java.util.concurrent.CompletableFuture.failedFuture(
            new IllegalStateException("no webhook client in this process"));
}
