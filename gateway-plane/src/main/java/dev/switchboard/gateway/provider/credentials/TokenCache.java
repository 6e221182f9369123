package dev.switchboard.gateway.provider.credentials;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Access tokens of provider accounts (OAuth client credentials, service accounts), cached until shortly before they
 * expire. Concurrent requests for a missing or expiring token share one token call (single flight); a token the
 * provider refused is dropped so that the next request fetches a new one. The key names the credential (never holds
 * the secret itself, only its hash).
 */
public final class TokenCache<K> {

    /** Refresh this long before the token's expiry, so that no request carries a token about to lapse. */
    public static final Duration REFRESH_MARGIN = Duration.ofSeconds(60);

    public record Token(String value, long expiresAtMillis) {
    }

    private final Clock clock;
    private final Map<K, Token> tokens = new ConcurrentHashMap<>();
    private final Map<K, Future<Token>> inFlight = new ConcurrentHashMap<>();

    public TokenCache(Clock clock) {
        this.clock = clock;
    }

    /** The cached token of {@code key} while fresh, else the one {@code fetch} gets (one fetch at a time per key). */
    public Future<String> token(K key, Supplier<Future<Token>> fetch) {
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
        Future<Token> started;
        try {
            started = fetch.get();
        } catch (RuntimeException e) {
            started = Future.failedFuture(e);
        }
        // started outside the map's lock: a fetch that fails at once completes (and unregisters) synchronously
        started.onComplete(ar -> {
            // cache first, then unregister: a request on another event loop in between must find one or the other,
            // else it starts a second token call
            if (ar.succeeded()) {
                tokens.put(key, ar.result());
            }
            inFlight.remove(key);
        }).onComplete(mine);
        return mine.future().map(Token::value);
    }

    /** Drops {@code token} if it is the cached one of {@code key}: the provider refused it (revoked, or clock skew). */
    public void refused(K key, String token) {
        tokens.computeIfPresent(key, (k, t) -> t.value().equals(token) ? null : t);
    }

    /** A token valid for {@code expiresInSeconds} from now. */
    public Token expiringIn(String value, long expiresInSeconds) {
        return new Token(value, clock.millis() + expiresInSeconds * 1000);
    }

    private boolean fresh(Token token) {
        return token != null && clock.millis() < token.expiresAtMillis() - REFRESH_MARGIN.toMillis();
    }
}
