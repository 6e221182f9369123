package dev.switchboard.runtime.auth;

import dev.switchboard.model.access.ApiKeyAuthenticator;
import dev.switchboard.model.access.AuthenticationFailure;
import dev.switchboard.model.access.JwksCache;
import dev.switchboard.model.access.JwtAuthenticator;
import dev.switchboard.model.access.Principal;
import dev.switchboard.model.config.IdentityProvider;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.Config;

/**
 * Who is calling a plane. {@code Authorization: Bearer <token>} carries either a gateway API key (hashed, looked up in
 * the snapshot) or a JWT of a configured identity provider (verified against cached JWKS keys). No external call on the
 * request path, except a JWKS refresh for a key id not seen before (rate-limited). Each plane answers a refusal in its
 * own protocol's shape, through its {@link Rejections}.
 */
public final class BearerAuthenticator implements AutoCloseable {

    /** The shortest wait between two JWKS fetches caused by tokens whose key id is unknown. */
    public static final String UNKNOWN_KID_INTERVAL = "switchboard.jwt.unknown-kid-refresh-interval";
    public static final String UNKNOWN_KID_INTERVAL_DEFAULT = "30s";
    /** How often the identity providers' key sets are checked against their own refresh interval. */
    public static final String JWKS_CHECK_INTERVAL = "switchboard.jwt.jwks-check-interval";
    public static final String JWKS_CHECK_INTERVAL_DEFAULT = "10s";

    /** How a plane refuses a caller: each method gives the failure the plane answers with. */
    public interface Rejections {

        /** No {@code Authorization} header. */
        RuntimeException missing();

        /** An {@code Authorization} header that is not {@code Bearer <token>}. */
        RuntimeException notBearer();

        /** {@code Bearer} with nothing after it. */
        RuntimeException emptyToken();

        /** A token that does not authenticate; {@code message} is fit for the caller. */
        RuntimeException refused(String message);

        /** Verification broke for another reason than the token (a JWKS fetch that failed, say). */
        RuntimeException broken(Throwable cause);
    }

    private final Vertx vertx;
    private final HttpClient http;
    private final Rejections rejections;
    private final ApiKeyAuthenticator apiKeys;
    private final JwksCache jwks;
    private final JwtAuthenticator jwts;
    private final IssuedTokens issued;
    private long refresher = -1;

    public BearerAuthenticator(Vertx vertx, Clock clock, Duration unknownKidInterval, Rejections rejections) {
        this(vertx, clock, unknownKidInterval, rejections, IssuedTokens.NONE);
    }

    /** @param issued the plane's own tokens, checked before the identity providers' */
    public BearerAuthenticator(Vertx vertx, Clock clock, Duration unknownKidInterval, Rejections rejections,
                               IssuedTokens issued) {
        this.vertx = vertx;
        this.issued = issued;
        this.rejections = rejections;
        this.http = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(4));
        this.apiKeys = new ApiKeyAuthenticator(clock);
        this.jwks = new JwksCache(url -> fetch(http, url), clock, unknownKidInterval);
        this.jwts = new JwtAuthenticator(jwks, clock);
    }

    /**
     * A plane's authenticator with the intervals of its config, refreshing the key sets of the identity providers in
     * the snapshot that {@code snapshots} gives at the time (null before the first config).
     */
    public static BearerAuthenticator start(Vertx vertx, Config config, Rejections rejections,
                                            Supplier<ConfigSnapshot> snapshots) {
        return start(vertx, config, rejections, snapshots, IssuedTokens.NONE);
    }

    /** {@link #start(Vertx, Config, Rejections, Supplier)} for a plane that issues tokens of its own. */
    public static BearerAuthenticator start(Vertx vertx, Config config, Rejections rejections,
                                            Supplier<ConfigSnapshot> snapshots, IssuedTokens issued) {
        Settings s = new Settings(config);
        BearerAuthenticator authenticator = new BearerAuthenticator(vertx, Clock.systemUTC(),
                s.duration(UNKNOWN_KID_INTERVAL, UNKNOWN_KID_INTERVAL_DEFAULT), rejections, issued);
        authenticator.refreshKeysEvery(s.duration(JWKS_CHECK_INTERVAL, JWKS_CHECK_INTERVAL_DEFAULT), snapshots);
        return authenticator;
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

    /** The caller, or a failed future with one of the plane's {@link Rejections}. */
    public Future<Principal> authenticate(ConfigSnapshot snapshot, String authorization) {
        try {
            String token = bearerToken(authorization);
            if (JwtAuthenticator.looksLikeJwt(token)) {
                Principal own = issued.verify(snapshot, token);
                if (own != null) {
                    return Future.succeededFuture(own);
                }
                return onThisContext(jwts.authenticate(snapshot, token));
            }
            return Future.succeededFuture(apiKeys.authenticate(snapshot, token));
        } catch (AuthenticationFailure e) {
            return Future.failedFuture(rejections.refused(e.getMessage()));
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
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
                    ? rejections.refused(a.getMessage()) : rejections.broken(cause));
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

    private String bearerToken(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw rejections.missing();
        }
        if (authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw rejections.notBearer();
        }
        String token = authorization.substring(7).trim();
        if (token.isEmpty()) {
            throw rejections.emptyToken();
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
