package dev.switchboard.mcpgateway.guardrail;

import dev.switchboard.model.guardrail.WebhookClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The guardrail engine's webhook calls on the Vert.x HTTP client: non-blocking, pooled, keep-alive. The engine applies
 * each guardrail's own timeout; the idle timeout here only frees a connection to a peer that never answers. The reply
 * completes on a Vert.x event loop; the interceptors take it back to the call's own ({@code CallContext}).
 */
public final class VertxWebhookClient implements WebhookClient, AutoCloseable {

    /** Far above any guardrail's timeout: the engine has long given up by then. */
    private static final int IDLE_TIMEOUT_MS = 60_000;

    private final HttpClient http;

    public VertxWebhookClient(Vertx vertx, int connectTimeoutMs) {
        this.http = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setTcpNoDelay(true)
                        .setConnectTimeout(connectTimeoutMs),
                new PoolOptions().setHttp1MaxSize(200).setMaxWaitQueueSize(-1));
    }

    @Override
    public CompletionStage<Reply> post(String url, Map<String, String> headers, byte[] body) {
        RequestOptions options;
        try {
            options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                    .setIdleTimeout(IDLE_TIMEOUT_MS);
        } catch (RuntimeException e) {
            return Future.<Reply>failedFuture(e).toCompletionStage();
        }
        headers.forEach(options::putHeader);
        if (headers.keySet().stream().noneMatch("content-type"::equalsIgnoreCase)) {
            options.putHeader("content-type", "application/json");
        }
        return http.request(options)
                .compose(request -> request.send(Buffer.buffer(body)))
                .compose(response -> response.body().map(b -> new Reply(response.statusCode(), b.getBytes())))
                .toCompletionStage();
    }

    @Override
    public void close() {
        http.close();
    }
}
