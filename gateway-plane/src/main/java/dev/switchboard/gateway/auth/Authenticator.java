package dev.switchboard.gateway.auth;

import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.snapshot.SnapshotHolder;
import dev.switchboard.model.config.IdentityProvider;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.switchboard.model.access.ApiKeyAuthenticator;
import dev.switchboard.model.access.AuthenticationFailure;
import dev.switchboard.model.access.JwksCache;
import dev.switchboard.model.access.JwtAuthenticator;
import dev.switchboard.model.access.Principal;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Step 1 of the pipeline: who is calling. {@code Authorization: Bearer <token>} carries either a gateway API key or a
 * JWT of a configured identity provider. Neither needs an external call on the request path, except a JWKS refresh
 * for a key id not seen before (rate-limited).
 */
@ApplicationScoped
public class Authenticator {

    @Inject
    Vertx vertx;

    @Inject
    SnapshotHolder holder;

    @ConfigProperty(name = "switchboard.jwt.unknown-kid-refresh-interval", defaultValue = "30s")
    Duration unknownKidInterval;

    @ConfigProperty(name = "switchboard.jwt.jwks-check-interval", defaultValue = "10s")
    Duration jwksCheckInterval;

    private final Clock clock = Clock.systemUTC();
    private ApiKeyAuthenticator apiKeys;
    private JwksCache jwks;
    private JwtAuthenticator jwts;

    void start(@Observes StartupEvent event) {
        apiKeys = new ApiKeyAuthenticator(clock);
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(4));
        jwks = new JwksCache(url -> fetch(http, url), clock, unknownKidInterval);
        jwts = new JwtAuthenticator(jwks, clock);
        // Keys are fetched ahead of the first token and refreshed in the background, per each IdP's interval.
        vertx.setPeriodic(1, jwksCheckInterval.toMillis(), id -> {
            var state = holder.current();
            if (state != null) {
                for (IdentityProvider idp : state.snapshot().config().identityProviders()) {
                    jwks.refreshIfOlderThan(idp.jwksUrl(), Duration.ofSeconds(idp.jwksRefreshSeconds()));
                }
            }
        });
    }

    public Future<Principal> authenticate(ConfigSnapshot snapshot, String authorization) {
        String token = bearerToken(authorization);
        try {
            if (JwtAuthenticator.looksLikeJwt(token)) {
                return onThisContext(jwts.authenticate(snapshot, token));
            }
            return Future.succeededFuture(apiKeys.authenticate(snapshot, token));
        } catch (AuthenticationFailure e) {
            throw GatewayError.unauthenticated(e.getMessage());
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
                    ? GatewayError.unauthenticated(a.getMessage()) : GatewayError.internal());
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
            throw GatewayError.unauthenticated(
                    "You didn't provide an API key. Send it in the Authorization header: 'Authorization: Bearer YOUR_KEY'.");
        }
        if (authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw GatewayError.unauthenticated("The Authorization header must be 'Bearer YOUR_KEY'.");
        }
        String token = authorization.substring(7).trim();
        if (token.isEmpty()) {
            throw GatewayError.unauthenticated("The Authorization header carries an empty key.");
        }
        return token;
    }
}
