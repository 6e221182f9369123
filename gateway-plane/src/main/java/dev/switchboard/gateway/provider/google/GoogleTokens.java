package dev.switchboard.gateway.provider.google;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.api.client.http.HttpResponseException;
import dev.switchboard.gateway.provider.credentials.TokenCache;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Vertex AI access tokens of Google service accounts, obtained by Google's auth library (a JWT signed with the key,
 * exchanged at the key's {@code token_uri}, or at the account's {@code token_url} when given) and cached in a
 * {@link TokenCache}. The library blocks, so token calls run on a small pool of their own, never on the event loop.
 */
public final class GoogleTokens {

    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

    /** One service-account key at one token endpoint; the key itself is not part of the cache key. */
    record Key(String tokenUrl, int keyHash) {
    }

    private final TokenCache<Key> cache;
    private final ExecutorService blocking;

    public GoogleTokens(Clock clock) {
        this.cache = new TokenCache<>(clock);
        AtomicInteger n = new AtomicInteger();
        this.blocking = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "google-tokens-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** @param tokenUrl the token endpoint instead of the key's {@code token_uri}, or null */
    public Future<String> token(String tokenUrl, String serviceAccountKeyJson) {
        Key key = new Key(tokenUrl, serviceAccountKeyJson.hashCode());
        return cache.token(key, () -> fetch(tokenUrl, serviceAccountKeyJson));
    }

    /** Drops {@code token} if it is the cached one: Google refused it. */
    public void refused(String tokenUrl, String serviceAccountKeyJson, String token) {
        cache.refused(new Key(tokenUrl, serviceAccountKeyJson.hashCode()), token);
    }

    private Future<TokenCache.Token> fetch(String tokenUrl, String keyJson) {
        Context context = Vertx.currentContext();
        CompletableFuture<TokenCache.Token> fetched = CompletableFuture.supplyAsync(() -> {
            AccessToken token = refresh(tokenUrl, keyJson);
            long expiresIn = token.getExpirationTime() == null ? 3600
                    : Math.max(0, (token.getExpirationTime().getTime() - System.currentTimeMillis()) / 1000);
            return cache.expiringIn(token.getTokenValue(), expiresIn);
        }, blocking);
        // back on the caller's event loop, where the request goes on
        return context == null ? Future.fromCompletionStage(fetched) : Future.fromCompletionStage(fetched, context);
    }

    private static AccessToken refresh(String tokenUrl, String keyJson) {
        ServiceAccountCredentials credentials;
        try {
            credentials = ServiceAccountCredentials.fromStream(
                    new ByteArrayInputStream(keyJson.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            // the library's message may quote the key: keep only what kind of failure it was
            throw new IllegalStateException("the service_account_key is not a Google service-account JSON key");
        }
        if (tokenUrl != null) {
            credentials = credentials.toBuilder().setTokenServerUri(URI.create(tokenUrl)).build();
        }
        GoogleCredentials scoped = credentials.createScoped(List.of(SCOPE));
        try {
            return scoped.refreshAccessToken();
        } catch (IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof HttpResponseException refused) {
                    throw new IllegalStateException("the Google token endpoint answered HTTP " + refused.getStatusCode());
                }
            }
            throw new IllegalStateException("the Google token endpoint could not be reached ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
