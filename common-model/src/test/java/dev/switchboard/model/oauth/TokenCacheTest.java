package dev.switchboard.model.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The access token cache: reuse until due, renewal before expiry, one fetch for many callers, no cached failures. */
class TokenCacheTest {

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        long millis = 1_000_000;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private final TestClock clock = new TestClock();
    private final AtomicInteger fetches = new AtomicInteger();
    private final List<CompletableFuture<AccessToken>> issued = new ArrayList<>();

    /** Each fetch is a future the test completes. */
    private synchronized CompletionStage<AccessToken> fetch() {
        fetches.incrementAndGet();
        CompletableFuture<AccessToken> f = new CompletableFuture<>();
        issued.add(f);
        return f;
    }

    private AccessToken token(String value, long lifetimeSeconds) {
        return new AccessToken(value, clock.millis, clock.millis + lifetimeSeconds * 1000);
    }

    private static AccessToken now(CompletionStage<AccessToken> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aTokenIsReusedUntilAMinuteBeforeItExpires() throws Exception {
        TokenCache cache = new TokenCache(this::fetch, clock);
        CompletionStage<AccessToken> first = cache.token();
        issued.get(0).complete(token("t1", 3600));
        assertEquals("t1", now(first).value());
        clock.millis += 3600_000 - 60_001;
        assertEquals("t1", now(cache.token()).value());
        assertEquals(1, fetches.get());
        clock.millis += 1;
        CompletionStage<AccessToken> renewed = cache.token();
        assertEquals(2, fetches.get(), "renewed a minute before expiry, not at it");
        issued.get(1).complete(token("t2", 3600));
        assertEquals("t2", now(renewed).value());
    }

    @Test
    void aShortLivedTokenIsRenewedHalfWayThroughItsLife() throws Exception {
        TokenCache cache = new TokenCache(this::fetch, clock);
        CompletionStage<AccessToken> first = cache.token();
        issued.get(0).complete(token("short", 10));
        now(first);
        clock.millis += 4_999;
        assertEquals("short", now(cache.token()).value());
        clock.millis += 1;
        cache.token();
        assertEquals(2, fetches.get());
    }

    @Test
    void concurrentCallersShareOneFetch() throws Exception {
        TokenCache cache = new TokenCache(this::fetch, clock);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<CompletionStage<AccessToken>>> calls = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                calls.add(pool.submit(cache::token));
            }
            List<CompletionStage<AccessToken>> stages = new ArrayList<>();
            for (Future<CompletionStage<AccessToken>> c : calls) {
                stages.add(c.get(5, TimeUnit.SECONDS));
            }
            assertEquals(1, fetches.get());
            issued.get(0).complete(token("shared", 3600));
            for (CompletionStage<AccessToken> s : stages) {
                assertEquals("shared", now(s).value());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedFetchFailsItsCallersAndIsNotCached() throws Exception {
        TokenCache cache = new TokenCache(this::fetch, clock);
        CompletionStage<AccessToken> a = cache.token();
        CompletionStage<AccessToken> b = cache.token();
        issued.get(0).completeExceptionally(new TokenEndpointException(401, "the token endpoint answered HTTP 401"));
        for (CompletionStage<AccessToken> s : List.of(a, b)) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> now(s));
            assertTrue(e.getCause() instanceof TokenEndpointException, e.toString());
        }
        Throwable seen = a.handle((t, e) -> e).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(seen instanceof TokenEndpointException, "the fetch's own exception, unwrapped: " + seen);
        CompletionStage<AccessToken> retry = cache.token();
        assertEquals(2, fetches.get(), "the next caller tries again");
        issued.get(1).complete(token("t", 3600));
        assertEquals("t", now(retry).value());
    }

    @Test
    void aRefusedTokenIsDroppedButOnlyIfItIsTheCachedOne() throws Exception {
        TokenCache cache = new TokenCache(this::fetch, clock);
        CompletionStage<AccessToken> first = cache.token();
        issued.get(0).complete(token("t1", 3600));
        now(first);
        cache.refused("an-older-token");
        assertEquals("t1", now(cache.token()).value());
        assertEquals(1, fetches.get());
        cache.refused("t1");
        cache.token();
        assertEquals(2, fetches.get());
    }

    @Test
    void callersCannotCompleteTheSharedFetch() throws Exception {
        TokenCache cache = new TokenCache(this::fetch, clock);
        cache.token().toCompletableFuture().complete(token("forged", 3600));
        issued.get(0).complete(token("real", 3600));
        assertEquals("real", now(cache.token()).value());
        assertEquals(1, fetches.get());
    }

    @Test
    void theTokenNeverShowsItsValue() {
        AccessToken t = token("eyJ-very-secret", 60);
        assertFalse(t.toString().contains("secret"), t.toString());
        assertSame(t.value(), t.value());
    }
}
