package dev.switchboard.model.oauth;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The access token of one client, cached until it is due for renewal ({@link AccessToken#refreshAtMillis}). Callers
 * that find no usable token while a fetch is under way share that fetch (single flight), so that a burst of requests
 * makes one token request. A failed fetch is not cached: the next caller tries again. A token that the resource server
 * refused is dropped with {@link #refused}, so that the next caller fetches a new one.
 *
 * <p>Plain Java on {@link CompletionStage}s: the fetch runs on whatever HTTP client the caller has (the event loop's,
 * in the gateways), and nothing here blocks.
 */
public final class TokenCache {

    private final Supplier<? extends CompletionStage<AccessToken>> fetch;
    private final Clock clock;
    private AccessToken current; // guarded by this
    private CompletableFuture<AccessToken> inFlight; // guarded by this

    /** @param fetch one token request; called once per renewal, never concurrently with itself */
    public TokenCache(Supplier<? extends CompletionStage<AccessToken>> fetch, Clock clock) {
        this.fetch = Objects.requireNonNull(fetch, "fetch");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A usable token: the cached one, the one being fetched, or a new one. */
    public CompletionStage<AccessToken> token() {
        CompletableFuture<AccessToken> mine;
        synchronized (this) {
            if (current != null && clock.millis() < current.refreshAtMillis()) {
                return CompletableFuture.completedStage(current);
            }
            if (inFlight != null) {
                return view(inFlight);
            }
            mine = new CompletableFuture<>();
            inFlight = mine;
        }
        CompletionStage<AccessToken> fetching;
        try {
            fetching = fetch.get();
        } catch (RuntimeException e) {
            fetching = CompletableFuture.failedStage(e);
        }
        fetching.whenComplete((token, error) -> {
            synchronized (this) {
                if (error == null && token != null) {
                    current = token;
                }
                inFlight = null;
            }
            if (error != null) {
                mine.completeExceptionally(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error);
            } else if (token == null) {
                mine.completeExceptionally(new TokenEndpointException(0, "the token request gave no token"));
            } else {
                mine.complete(token);
            }
        });
        return view(mine);
    }

    /**
     * A caller's own stage of the shared fetch: completing it does not touch the others', and it fails with the
     * fetch's own exception (a dependent stage would wrap it in a {@code CompletionException}).
     */
    private static CompletionStage<AccessToken> view(CompletableFuture<AccessToken> shared) {
        CompletableFuture<AccessToken> view = new CompletableFuture<>();
        shared.whenComplete((token, error) -> {
            if (error != null) {
                view.completeExceptionally(error);
            } else {
                view.complete(token);
            }
        });
        return view;
    }

    /** Drops {@code value} if it is the cached token: the resource server refused it (revoked, or clocks apart). */
    public synchronized void refused(String value) {
        if (current != null && current.value().equals(value)) {
            current = null;
        }
    }
}
