package dev.switchboard.gateway.provider.databricks;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OAuth access tokens of Databricks service principals (client credentials at the workspace's
 * {@code /oidc/v1/token}), cached until shortly before they expire. Concurrent requests for an expired token share one
 * token call (single flight); a token the workspace refused is dropped so the next request fetches a new one. Runs on
 * the event loop: the Databricks SDK's own OAuth client blocks, which the request path must not.
 */
public final class DatabricksTokens {

    /** Refresh this long before the token's expiry, so that no request carries a token about to lapse. */
    static final Duration REFRESH_MARGIN = Duration.ofSeconds(60);

    record Token(String value, long expiresAtMillis) {
    }

    /** Identifies one service principal of one workspace; the secret itself is not part of the key. */
    record Key(String workspaceUrl, String clientId, int secretHash) {
    }

    private final HttpClient http;
    private final Clock clock;
    private final Map<Key, Token> tokens = new ConcurrentHashMap<>();
    private final Map<Key, Future<Token>> inFlight = new ConcurrentHashMap<>();

    public DatabricksTokens(HttpClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    public Future<String> token(String workspaceUrl, String clientId, String clientSecret) {
        Key key = new Key(workspaceUrl, clientId, clientSecret.hashCode());
        Token cached = tokens.get(key);
        if (fresh(cached)) {
            return Future.succeededFuture(cached.value());
        }
        Promise<Token> mine = Promise.promise();
        Future<Token> running = inFlight.putIfAbsent(key, mine.future());
        if (running != null) {
            return running.map(Token::value);
        }
        // a fetch may have completed since the look-up above: use its token rather than fetch another
        Token fetched = tokens.get(key);
        if (fresh(fetched)) {
            inFlight.remove(key);
            mine.complete(fetched);
            return Future.succeededFuture(fetched.value());
        }
        // started outside the map's lock: a fetch that fails at once completes (and unregisters) synchronously
        fetch(key, clientSecret).onComplete(ar -> {
            // cache first, then unregister: a request on another event loop in between must find one or the other,
            // else it starts a second token call
            if (ar.succeeded()) {
                tokens.put(key, ar.result());
            }
            inFlight.remove(key);
        }).onComplete(mine);
        return mine.future().map(Token::value);
    }

    private boolean fresh(Token token) {
        return token != null && clock.millis() < token.expiresAtMillis() - REFRESH_MARGIN.toMillis();
    }

    /** Drops {@code token} if it is the cached one: the workspace refused it (revoked, or clock skew). */
    public void refused(String workspaceUrl, String clientId, String clientSecret, String token) {
        Key key = new Key(workspaceUrl, clientId, clientSecret.hashCode());
        tokens.computeIfPresent(key, (k, t) -> t.value().equals(token) ? null : t);
    }

    private Future<Token> fetch(Key key, String clientSecret) {
        Promise<Token> promise = Promise.promise();
        String basic = Base64.getEncoder().encodeToString(
                (URLEncoder.encode(key.clientId(), StandardCharsets.UTF_8) + ":"
                        + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        String url = stripSlash(key.workspaceUrl()) + "/oidc/v1/token";
        http.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setTimeout(30_000)
                        .putHeader("authorization", "Basic " + basic)
                        .putHeader("content-type", "application/x-www-form-urlencoded")
                        .putHeader("accept", "application/json"))
                .compose(req -> req.send(Buffer.buffer("grant_type=client_credentials&scope=all-apis")))
                .compose(res -> res.body().map(body -> {
                    if (res.statusCode() != 200) {
                        // the body may echo the client id, never the secret; keep only the status
                        throw new IllegalStateException("the Databricks token endpoint answered HTTP " + res.statusCode());
                    }
                    JsonObject json = body.toJsonObject();
                    String value = json.getString("access_token");
                    if (value == null || value.isEmpty()) {
                        throw new IllegalStateException("the Databricks token endpoint answered without access_token");
                    }
                    long expiresIn = json.getLong("expires_in", 3600L);
                    return new Token(value, clock.millis() + expiresIn * 1000);
                }))
                .onComplete(promise);
        return promise.future();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
