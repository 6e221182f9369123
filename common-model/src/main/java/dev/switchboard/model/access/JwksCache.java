package dev.switchboard.model.access;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;

/**
 * The signing keys of each identity provider, fetched without blocking and kept in memory. A fetch of one URL is
 * single-flight; a token with an unknown {@code kid} may trigger a refresh, but at most one per
 * {@code unknownKidInterval}, so forged kids cannot make a plane hammer the IdP. The HTTP call itself is the plane's
 * ({@code fetch}: URL to the JWKS document), so that it runs on the plane's own non-blocking client.
 */
public final class JwksCache {

    private static final Logger LOG = Logger.getLogger(JwksCache.class.getName());

    /** The keys of one JWKS URL and when they were fetched. */
    public record Keys(List<JsonWebKey> keys, long fetchedAtMillis) {
        boolean has(String kid) {
            for (JsonWebKey k : keys) {
                if (kid == null || kid.equals(k.getKeyId())) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Function<String, CompletionStage<String>> fetch;
    private final Clock clock;
    private final Duration unknownKidInterval;
    private final Map<String, Keys> byUrl = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Keys>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Long> lastAttemptMillis = new ConcurrentHashMap<>();

    public JwksCache(Function<String, CompletionStage<String>> fetch, Clock clock, Duration unknownKidInterval) {
        this.fetch = fetch;
        this.clock = clock;
        this.unknownKidInterval = unknownKidInterval;
    }

    /** Keys that can verify a token with {@code kid}: from memory, or after one (rate-limited) fetch. */
    public CompletionStage<Keys> keysFor(String jwksUrl, String kid) {
        Keys cached = byUrl.get(jwksUrl);
        if (cached != null && cached.has(kid)) {
            return CompletableFuture.completedFuture(cached);
        }
        Long last = lastAttemptMillis.get(jwksUrl);
        if (cached != null && last != null && clock.millis() - last < unknownKidInterval.toMillis()) {
            return CompletableFuture.completedFuture(cached);
        }
        return fetch(jwksUrl).exceptionallyCompose(e -> cached != null
                ? CompletableFuture.completedFuture(cached) : CompletableFuture.failedFuture(e));
    }

    /** Refreshes if the keys are older than {@code maxAge}; for the background refresher. */
    public void refreshIfOlderThan(String jwksUrl, Duration maxAge) {
        Keys cached = byUrl.get(jwksUrl);
        if (cached == null || clock.millis() - cached.fetchedAtMillis() >= maxAge.toMillis()) {
            fetch(jwksUrl);
        }
    }

    CompletableFuture<Keys> fetch(String jwksUrl) {
        CompletableFuture<Keys> mine = new CompletableFuture<>();
        CompletableFuture<Keys> running = inFlight.putIfAbsent(jwksUrl, mine);
        if (running != null) {
            return running;
        }
        lastAttemptMillis.put(jwksUrl, clock.millis());
        // started outside the map's lock: a fetch that fails at once completes (and unregisters) synchronously
        CompletionStage<String> body;
        try {
            body = fetch.apply(jwksUrl);
        } catch (RuntimeException e) {
            body = CompletableFuture.failedFuture(e);
        }
        body.thenApply(json -> {
            try {
                Keys keys = new Keys(new JsonWebKeySet(json).getJsonWebKeys(), clock.millis());
                byUrl.put(jwksUrl, keys);
                return keys;
            } catch (Exception e) {
                throw new IllegalStateException("JWKS is not valid: " + e.getMessage());
            }
        }).whenComplete((keys, error) -> {
            inFlight.remove(jwksUrl);
            if (error != null) {
                LOG.log(Level.WARNING, "could not fetch JWKS from " + jwksUrl + ": " + error.getMessage());
                mine.completeExceptionally(error);
            } else {
                mine.complete(keys);
            }
        });
        return mine;
    }
}
