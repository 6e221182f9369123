package dev.switchboard.gateway.provider.databricks;

import dev.switchboard.gateway.provider.credentials.TokenCache;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;

/**
 * OAuth access tokens of Databricks service principals (client credentials at the workspace's
 * {@code /oidc/v1/token}), cached in a {@link TokenCache} (one token call under concurrency, refreshed before expiry).
 * Runs on the event loop: the Databricks SDK's own OAuth client blocks, which the request path must not.
 */
public final class DatabricksTokens {

    /** Identifies one service principal of one workspace; the secret itself is not part of the key. */
    record Key(String workspaceUrl, String clientId, int secretHash) {
    }

    private final HttpClient http;
    private final TokenCache<Key> cache;

    public DatabricksTokens(HttpClient http, Clock clock) {
        this.http = http;
        this.cache = new TokenCache<>(clock);
    }

    public Future<String> token(String workspaceUrl, String clientId, String clientSecret) {
        Key key = new Key(workspaceUrl, clientId, clientSecret.hashCode());
        return cache.token(key, () -> fetch(key, clientSecret));
    }

    /** Drops {@code token} if it is the cached one: the workspace refused it (revoked, or clock skew). */
    public void refused(String workspaceUrl, String clientId, String clientSecret, String token) {
        cache.refused(new Key(workspaceUrl, clientId, clientSecret.hashCode()), token);
    }

    private Future<TokenCache.Token> fetch(Key key, String clientSecret) {
        String basic = Base64.getEncoder().encodeToString(
                (URLEncoder.encode(key.clientId(), StandardCharsets.UTF_8) + ":"
                        + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        String url = stripSlash(key.workspaceUrl()) + "/oidc/v1/token";
        return http.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setTimeout(30_000)
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
                    return cache.expiringIn(value, json.getLong("expires_in", 3600L));
                }));
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
