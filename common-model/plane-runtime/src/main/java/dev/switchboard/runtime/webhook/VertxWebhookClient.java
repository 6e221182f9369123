package dev.switchboard.runtime.webhook;

import dev.switchboard.model.guardrail.WebhookClient;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * The guardrail engine's webhook calls on the Vert.x HTTP client: non-blocking, pooled, keep-alive; a call never blocks
 * the event loop that makes it, and its answer completes on a Vert.x event loop. The engine applies each guardrail's
 * own timeout and cancels the call when it passes, which resets the request; the idle timeout here only frees a
 * connection to a peer that never answers. Answers over {@link #MAX_REPLY_BYTES} fail.
 */
public final class VertxWebhookClient implements WebhookClient, AutoCloseable {

    /** Far above any guardrail's timeout: the engine has long given up by then. */
    public static final int IDLE_TIMEOUT_MS = 60_000;
    /** A verdict is a few hundred bytes; a webhook answering more is broken, and its answer is not kept. */
    public static final int MAX_REPLY_BYTES = 1024 * 1024;

    private final HttpClient http;

    public VertxWebhookClient(Vertx vertx, int connectTimeoutMs) {
        this.http = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setKeepAliveTimeout(15)
                        .setTcpNoDelay(true)
                        .setConnectTimeout(connectTimeoutMs),
                new PoolOptions().setHttp1MaxSize(200).setMaxWaitQueueSize(1024));
    }

    @Override
    public CompletionStage<Reply> post(String url, Map<String, String> headers, byte[] body) {
        CompletableFuture<Reply> result = new CompletableFuture<>();
        RequestOptions options;
        try {
            options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                    .setIdleTimeout(IDLE_TIMEOUT_MS);
        } catch (RuntimeException e) {
            // the URL is the guardrail's config, which may carry a secret in its query: never quote it
            result.completeExceptionally(new IllegalArgumentException("not a valid webhook URL"));
            return result;
        }
        MultiMap requestHeaders = MultiMap.caseInsensitiveMultiMap().set("content-type", "application/json");
        headers.forEach(requestHeaders::set);
        options.setHeaders(requestHeaders);
        http.request(options).onComplete(opened -> {
            if (opened.failed()) {
                result.completeExceptionally(opened.cause());
                return;
            }
            HttpClientRequest request = opened.result();
            // the engine gave up (the guardrail's timeout): free the connection now rather than at the idle timeout
            result.whenComplete((reply, failure) -> {
                if (result.isCancelled()) {
                    request.reset(0, new TimeoutException("the guardrail gave up"));
                }
            });
            request.send(Buffer.buffer(body)).onComplete(sent -> {
                if (sent.failed()) {
                    result.completeExceptionally(sent.cause());
                    return;
                }
                HttpClientResponse response = sent.result();
                Buffer answer = Buffer.buffer();
                response.handler(chunk -> {
                    if (answer.length() + chunk.length() > MAX_REPLY_BYTES) {
                        result.completeExceptionally(new IllegalStateException(
                                "the webhook's answer is over " + MAX_REPLY_BYTES + " bytes"));
                        request.reset();
                    } else {
                        answer.appendBuffer(chunk);
                    }
                });
                response.exceptionHandler(result::completeExceptionally);
                response.endHandler(v -> result.complete(new Reply(response.statusCode(), answer.getBytes())));
            });
        });
        return result;
    }

    @Override
    public void close() {
        http.close();
    }
}
