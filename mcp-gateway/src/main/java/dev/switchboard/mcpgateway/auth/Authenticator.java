package dev.switchboard.mcpgateway.auth;

import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.model.config.IdentityProvider;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import dev.switchboard.model.access.ApiKeyAuthenticator;
import dev.switchboard.model.access.AuthenticationFailure;
import dev.switchboard.model.access.JwksCache;
import dev.switchboard.model.access.JwtAuthenticator;
import dev.switchboard.model.access.Principal;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Who is calling. {@code Authorization: Bearer <token>} carries either a gateway API key (hashed, looked up in the
 * snapshot) or a JWT of a configured identity provider (verified against cached JWKS keys), exactly as on the LLM
 * path. No external call on the request path, except a JWKS refresh for a key id not seen before (rate-limited).
 */
public final class Authenticator implements AutoCloseable {

    private final Vertx vertx;
    private final HttpClient http;
    private final ApiKeyAuthenticator apiKeys;
    private final JwksCache jwks;
    private final JwtAuthenticator jwts;
    private long refresher = -1;

    public Authenticator(Vertx vertx, Clock clock, Duration unknownKidInterval) {
        this.vertx = vertx;
        this.http = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(4));
        this.apiKeys = new ApiKeyAuthenticator(clock);
        this.jwks = new JwksCache(url -> fetch(http, url), clock, unknownKidInterval);
        this.jwts = new JwtAuthenticator(jwks, clock);
    }

    /** Fetches keys ahead of the first token and refreshes them in the background, per each IdP's interval. */
    public void refreshKeysEvery(Duration checkInterval, Supplier<ConfigSnapshot> snapshots) {
        refresher = vertx.setPeriodic(1, checkInterval.toMillis(), id -> {
            ConfigSnapshot snapshot = snapshots.get();
            if (snapshot != null) {
                for (IdentityProvider idp : snapshot.config().identityProviders()) {
                    jwks.refreshIfOlderThan(idp.jwksUrl(), Duration.ofSeconds(idp.jwksRefreshSeconds()));
                }
            }
        });
    }

    /** The caller, or a failed future with a 401 {@link McpError}. */
    public Future<Principal> authenticate(ConfigSnapshot snapshot, String authorization) {
        String token;
        try {
            token = bearerToken(authorization);
        } catch (McpError e) {
            return Future.failedFuture(e);
        }
        try {
            if (JwtAuthenticator.looksLikeJwt(token)) {
                return onThisContext(jwts.authenticate(snapshot, token));
            }
            return Future.succeededFuture(apiKeys.authenticate(snapshot, token));
        } catch (AuthenticationFailure e) {
            return Future.failedFuture(McpError.unauthenticated(e.getMessage()));
        }
    }

    /** A verified-token cache hit is already complete: no hop through the event loop for it. */
    private Future<Principal> onThisContext(CompletionStage<Principal> stage) {
        CompletableFuture<Principal> f = stage.toCompletableFuture();
        if (f.isDone() && !f.isCompletedExceptionally()) {
            return Future.succeededFuture(f.join());
        }
        return Future.fromCompletionStage(stage, vertx.getOrCreateContext()).recover(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return Future.failedFuture(cause instanceof AuthenticationFailure a
                    ? McpError.unauthenticated(a.getMessage()) : cause);
        });
    }

    private static CompletionStage<String> fetch(HttpClient http, String url) {
        return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                        .putHeader("accept", "application/json").setTimeout(10_000))
                .compose(req -> req.send())
                .compose(res -> res.statusCode() == 200 ? res.body()
                        : Future.failedFuture("JWKS endpoint answered HTTP " + res.statusCode()))
                .map(body -> body.toString())
                .toCompletionStage();
    }

    private static String bearerToken(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw McpError.noToken(
                    "Send a gateway API key or an identity provider's token as 'Authorization: Bearer <token>'.");
        }
        if (authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw McpError.unauthenticated("The Authorization header must be 'Bearer <token>'.");
        }
        String token = authorization.substring(7).trim();
        if (token.isEmpty()) {
            throw McpError.unauthenticated("The Authorization header carries an empty token.");
        }
        return token;
    }

    @Override
    public void close() {
        if (refresher >= 0) {
            vertx.cancelTimer(refresher);
        }
        http.close();
    }
}
