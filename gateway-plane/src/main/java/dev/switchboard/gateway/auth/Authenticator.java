package dev.switchboard.gateway.auth;

import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.snapshot.SnapshotHolder;
import dev.switchboard.model.config.IdentityProvider;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
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
        jwks = new JwksCache(vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(4)), clock, unknownKidInterval);
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
        if (JwtAuthenticator.looksLikeJwt(token)) {
            return jwts.authenticate(snapshot, token);
        }
        return Future.succeededFuture(apiKeys.authenticate(snapshot, token));
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
