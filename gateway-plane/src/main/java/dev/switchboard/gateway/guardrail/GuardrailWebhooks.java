package dev.switchboard.gateway.guardrail;

import dev.switchboard.model.guardrail.WebhookClient;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * The webhook guardrails' HTTP client, on a pooled non-blocking Vert.x client: a call never blocks the event loop that
 * makes it, and its answer arrives on that event loop. The engine applies each guardrail's timeout; this client only
 * gives up on a dead peer ({@link #GIVE_UP_MS}), caps the answer's size, and resets a call the engine cancelled.
 *
 * <p>Guardrails are compiled per snapshot in {@code GatewayState}, by code that knows no Vert.x instance; they are
 * compiled with {@link #SHARED}, which hands each call to the client {@link #install installed} at startup.
 */
public final class GuardrailWebhooks implements WebhookClient {

    /** A peer silent for this long is given up on, whatever the guardrail's own (shorter) timeout. */
    static final int GIVE_UP_MS = 60_000;
    /** Verdicts are small; a bigger answer is an error, not something to hold in memory. */
    static final int MAX_REPLY_BYTES = 1024 * 1024;

    private static volatile WebhookClient installed;

    /** What the guardrails of every snapshot call: the installed client, or a failure before there is one. */
    public static final WebhookClient SHARED = (url, headers, body) -> {
        WebhookClient client = installed;
        return client == null ? UNAVAILABLE.post(url, headers, body) : client.post(url, headers, body);
    };

    private final HttpClient client;

    public GuardrailWebhooks(Vertx vertx) {
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setKeepAliveTimeout(15)
                        .setTcpNoDelay(true)
                        .setConnectTimeout(Math.min(GIVE_UP_MS, 10_000)),
                new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(1024));
    }

    /** Makes {@code client} the one {@link #SHARED} calls. */
    public static void install(WebhookClient client) {
        installed = client;
    }

    @Override
    public CompletionStage<Reply> post(String url, Map<String, String> headers, byte[] body) {
        CompletableFuture<Reply> result = new CompletableFuture<>();
        RequestOptions options;
        try {
            options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setIdleTimeout(GIVE_UP_MS);
        } catch (RuntimeException e) {
            result.completeExceptionally(new IllegalArgumentException("not a valid webhook URL"));
            return result;
        }
        MultiMap requestHeaders = MultiMap.caseInsensitiveMultiMap().set("content-type", "application/json");
        headers.forEach(requestHeaders::set);
        options.setHeaders(requestHeaders);
        client.request(options).onComplete(opened -> {
            if (opened.failed()) {
                result.completeExceptionally(opened.cause());
                return;
            }
            HttpClientRequest request = opened.result();
            // the engine gave up (its timeout): free the connection rather than wait for the peer
            result.whenComplete((reply, err) -> {
                if (result.isCancelled()) {
                    request.reset(0, new TimeoutException("the guardrail gave up"));
                }
            });
            request.send(Buffer.buffer(body)).onComplete(sent -> {
                if (sent.failed()) {
                    result.completeExceptionally(sent.cause());
                    return;
                }
                var response = sent.result();
                Buffer answer = Buffer.buffer();
                response.handler(chunk -> {
                    if (answer.length() + chunk.length() > MAX_REPLY_BYTES) {
                        result.completeExceptionally(new IllegalStateException("the webhook's answer is over "
                                + MAX_REPLY_BYTES + " bytes"));
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

    public void close() {
        client.close();
    }
}
