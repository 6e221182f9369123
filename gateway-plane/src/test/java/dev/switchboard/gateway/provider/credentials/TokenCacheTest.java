package dev.switchboard.gateway.provider.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The token cache that Databricks, Azure Entra ID and Google service accounts share, on a clock the test moves. */
class TokenCacheTest {

    private Instant now = Instant.parse("2026-12-07T08:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };
    private final TokenCache<String> cache = new TokenCache<>(clock);
    private final AtomicInteger fetches = new AtomicInteger();
    private final List<Promise<TokenCache.Token>> pending = new ArrayList<>();

    private Future<TokenCache.Token> slowFetch() {
        fetches.incrementAndGet();
        Promise<TokenCache.Token> promise = Promise.promise();
        pending.add(promise);
        return promise.future();
    }

    @Test
    void requestsWaitingForATokenShareOneFetch() {
        List<Future<String>> waiting = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            waiting.add(cache.token("app", this::slowFetch));
        }
        assertEquals(1, fetches.get());
        pending.get(0).complete(cache.expiringIn("t1", 3600));
        waiting.forEach(f -> assertEquals("t1", f.result()));
        assertEquals("t1", cache.token("app", this::slowFetch).result());
        assertEquals(1, fetches.get(), "cached afterwards");
    }

    @Test
    void aTokenIsRefreshedAMinuteBeforeItExpires() {
        cache.token("app", () -> Future.succeededFuture(cache.expiringIn("t1", 3600)));
        now = now.plus(Duration.ofSeconds(3600 - 61));
        assertEquals("t1", cache.token("app", this::slowFetch).result());
        assertEquals(0, fetches.get());
        now = now.plus(Duration.ofSeconds(1));
        Future<String> refreshed = cache.token("app", this::slowFetch);
        assertEquals(1, fetches.get(), "within the margin: fetched again");
        pending.get(0).complete(cache.expiringIn("t2", 3600));
        assertEquals("t2", refreshed.result());
    }

    @Test
    void aRefusedTokenIsDroppedButANewerOneIsKept() {
        cache.token("app", () -> Future.succeededFuture(cache.expiringIn("t1", 3600)));
        cache.refused("app", "t0");
        assertEquals("t1", cache.token("app", this::slowFetch).result(), "a stale refusal leaves the newer token");
        cache.refused("app", "t1");
        cache.token("app", this::slowFetch);
        assertEquals(1, fetches.get(), "the refused token is fetched anew");
    }

    @Test
    void aFailedFetchIsNotCachedAndTheNextRequestTriesAgain() {
        Future<String> failed = cache.token("app", () -> Future.failedFuture(new IllegalStateException("HTTP 401")));
        assertTrue(failed.failed());
        Future<String> next = cache.token("app", this::slowFetch);
        assertFalse(next.isComplete());
        assertEquals(1, fetches.get());
    }

    @Test
    void keysAreApart() {
        cache.token("a", () -> Future.succeededFuture(cache.expiringIn("ta", 3600)));
        cache.token("b", () -> Future.succeededFuture(cache.expiringIn("tb", 3600)));
        assertEquals("ta", cache.token("a", this::slowFetch).result());
        assertEquals("tb", cache.token("b", this::slowFetch).result());
    }
}
