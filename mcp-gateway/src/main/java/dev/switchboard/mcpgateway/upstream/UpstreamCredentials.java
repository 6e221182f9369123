package dev.switchboard.mcpgateway.upstream;

import dev.switchboard.model.oauth.AccessToken;
import dev.switchboard.model.oauth.ClientCredentials;
import dev.switchboard.model.oauth.TokenCache;
import dev.switchboard.model.oauth.TokenEndpointException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The value of the credential header the gateway presents to an upstream: the static token, or an OAuth access token
 * of the server's client ({@code oauth-client-credentials}, {@code databricks-service-principal}) from a
 * {@link TokenCache} per client: cached until shortly before it expires, fetched once for any number of concurrent
 * requests, dropped when the upstream refuses it. Token requests run on the event loop, on the upstream client.
 */
final class UpstreamCredentials {

    private static final Logger LOG = Logger.getLogger(UpstreamCredentials.class);

    private final Vertx vertx;
    private final HttpClient http;
    private final Clock clock;
    private final long timeoutMs;
    private final Map<McpUpstream.OAuthClientKey, TokenCache> caches = new ConcurrentHashMap<>();

    UpstreamCredentials(Vertx vertx, HttpClient http, Clock clock, long timeoutMs) {
        this.vertx = vertx;
        this.http = http;
        this.clock = clock;
        this.timeoutMs = timeoutMs;
    }

    /**
     * The header value for {@code up}, or null when it takes no credential. Fails with a message fit for the client
     * (no secret, no token) when an access token cannot be had.
     */
    Future<String> headerValue(McpUpstream up) {
        if (up.credentialError() != null) {
            return Future.failedFuture(new CredentialException("its credential is not configured"));
        }
        if (!up.oauth()) {
            return Future.succeededFuture(up.credentialValue());
        }
        TokenCache cache = caches.computeIfAbsent(up.oauthKey(), k -> new TokenCache(
                () -> fetch(up.name(), up.tokenUrl(), up.clientCredentials()), clock));
        Context context = vertx.getOrCreateContext();
        return Future.fromCompletionStage(cache.token(), context).map(token -> "Bearer " + token.value());
    }

    /**
     * Sends one request with the credential header; when an OAuth upstream answers 401, once more with a new token
     * (the cached one was revoked or lapsed early). {@code options} are copied for each try; {@code sink}, when given,
     * is told how to cancel the request if the client goes away.
     */
    Future<HttpClientResponse> send(McpUpstream up, RequestOptions options, Buffer body, EventSink sink) {
        return attempt(http, up, options, body, sink, true);
    }

    /** As {@link #send(McpUpstream, RequestOptions, Buffer, EventSink)}, on another client than the pooled one. */
    Future<HttpClientResponse> send(HttpClient client, McpUpstream up, RequestOptions options, Buffer body,
                                    EventSink sink) {
        return attempt(client, up, options, body, sink, true);
    }

    private Future<HttpClientResponse> attempt(HttpClient client, McpUpstream up, RequestOptions options, Buffer body,
                                               EventSink sink, boolean mayRenew) {
        return headerValue(up).compose(value -> {
            MultiMap headers = MultiMap.caseInsensitiveMultiMap();
            if (options.getHeaders() != null) {
                headers.addAll(options.getHeaders());
            }
            if (up.credentialHeader() != null && value != null) {
                headers.set(up.credentialHeader(), value);
            }
            return client.request(new RequestOptions(options).setHeaders(headers)).compose(req -> {
                if (sink != null) {
                    sink.onGone(() -> req.reset(0));
                }
                return body == null ? req.send() : req.send(body);
            }).compose(res -> {
                if (res.statusCode() == 401 && up.oauth() && mayRenew) {
                    refused(up, value);
                    return res.body().transform(ignored -> attempt(client, up, options, body, sink, false));
                }
                return Future.succeededFuture(res);
            });
        });
    }

    /** The upstream refused {@code headerValue} (HTTP 401): the next request fetches a new token. */
    void refused(McpUpstream up, String headerValue) {
        if (up.oauth() && headerValue != null && headerValue.startsWith("Bearer ")) {
            TokenCache cache = caches.get(up.oauthKey());
            if (cache != null) {
                cache.refused(headerValue.substring("Bearer ".length()));
            }
        }
    }

    private CompletableFuture<AccessToken> fetch(String server, String tokenUrl, ClientCredentials client) {
        CompletableFuture<AccessToken> result = new CompletableFuture<>();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(tokenUrl)
                .setIdleTimeout(timeoutMs)
                .putHeader("content-type", "application/x-www-form-urlencoded")
                .putHeader("accept", "application/json");
        String authorization = client.authorizationHeader();
        if (authorization != null) {
            options.putHeader("authorization", authorization);
        }
        http.request(options)
                .compose(req -> req.send(Buffer.buffer(client.formBody())))
                .compose(res -> res.body().map(body ->
                        ClientCredentials.readResponse(res.statusCode(), body.getBytes(), clock.millis())))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        LOG.debugf("MCP server '%s': new access token from %s, %s", server, tokenUrl, ar.result());
                        result.complete(ar.result());
                        return;
                    }
                    String why = ar.cause() instanceof TokenEndpointException e ? e.getMessage()
                            : "the token endpoint cannot be reached";
                    LOG.warnf("MCP server '%s': no access token from %s: %s", server, tokenUrl, why);
                    result.completeExceptionally(new CredentialException("the gateway could not get an access token "
                            + "for it: " + why));
                });
        return result;
    }

    /** The credential cannot be had; the message is for the client and names no secret. */
    static final class CredentialException extends RuntimeException {
        CredentialException(String message) {
            super(message, null, false, false);
        }
    }
}
