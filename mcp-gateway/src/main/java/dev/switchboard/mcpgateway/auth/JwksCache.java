package dev.switchboard.mcpgateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;

/**
 * The signing keys of each identity provider, fetched without blocking and kept in memory. A fetch of one URL is
 * single-flight; a token with an unknown {@code kid} may trigger a refresh, but at most one per
 * {@code unknownKidInterval}, so forged kids cannot make the gateway hammer the IdP.
 */
final class JwksCache {

    private static final Logger LOG = Logger.getLogger(JwksCache.class);

    record Keys(List<JsonWebKey> keys, long fetchedAtMillis) {
        boolean has(String kid) {
            for (JsonWebKey k : keys) {
                if (kid == null || kid.equals(k.getKeyId())) {
                    return true;
                }
            }
            return false;
        }
    }

    private final HttpClient http;
    private final Clock clock;
    private final Duration unknownKidInterval;
    private final Map<String, Keys> byUrl = new ConcurrentHashMap<>();
    private final Map<String, Future<Keys>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Long> lastAttemptMillis = new ConcurrentHashMap<>();

    JwksCache(HttpClient http, Clock clock, Duration unknownKidInterval) {
        this.http = http;
        this.clock = clock;
        this.unknownKidInterval = unknownKidInterval;
    }

    /** Keys that can verify a token with {@code kid}: from memory, or after one (rate-limited) fetch. */
    Future<Keys> keysFor(String jwksUrl, String kid) {
        Keys cached = byUrl.get(jwksUrl);
        if (cached != null && cached.has(kid)) {
            return Future.succeededFuture(cached);
        }
        long now = clock.millis();
        Long last = lastAttemptMillis.get(jwksUrl);
        if (cached != null && last != null && now - last < unknownKidInterval.toMillis()) {
            return Future.succeededFuture(cached);
        }
        return fetch(jwksUrl).recover(e -> cached != null ? Future.succeededFuture(cached) : Future.failedFuture(e));
    }

    /** Refreshes if the keys are older than {@code maxAge}; for the background refresher. */
    void refreshIfOlderThan(String jwksUrl, Duration maxAge) {
        Keys cached = byUrl.get(jwksUrl);
        if (cached == null || clock.millis() - cached.fetchedAtMillis() >= maxAge.toMillis()) {
            fetch(jwksUrl);
        }
    }

    Future<Keys> fetch(String jwksUrl) {
        return inFlight.computeIfAbsent(jwksUrl, url -> {
            lastAttemptMillis.put(url, clock.millis());
            Promise<Keys> promise = Promise.promise();
            http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                            .putHeader("accept", "application/json").setTimeout(10_000))
                    .compose(req -> req.send())
                    .compose(res -> res.statusCode() == 200 ? res.body()
                            : Future.failedFuture("JWKS endpoint answered HTTP " + res.statusCode()))
                    .map(body -> {
                        try {
                            Keys keys = new Keys(new JsonWebKeySet(body.toString()).getJsonWebKeys(), clock.millis());
                            byUrl.put(url, keys);
                            return keys;
                        } catch (Exception e) {
                            throw new IllegalStateException("JWKS is not valid: " + e.getMessage());
                        }
                    })
                    .onComplete(ar -> {
                        inFlight.remove(url);
                        if (ar.failed()) {
                            LOG.warnf("could not fetch JWKS from %s: %s", url, ar.cause().getMessage());
                        }
                    })
                    .onComplete(promise);
            return promise.future();
        });
    }
}
