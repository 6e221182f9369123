package dev.switchboard.gateway.provider.azure;

import dev.switchboard.gateway.provider.credentials.TokenCache;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Microsoft Entra ID access tokens for Azure OpenAI: the client-credentials grant of an app registration at its
 * tenant's token endpoint, for the scope {@value #SCOPE}; cached and shared through a {@link TokenCache}.
 */
public final class EntraTokens {

    /** The audience of Azure AI services (Azure OpenAI among them). */
    static final String SCOPE = "https://cognitiveservices.azure.com/.default";

    /** One app registration at one token endpoint; the secret itself is not part of the key. */
    record Key(String tokenUrl, String clientId, int secretHash) {
    }

    private final HttpClient http;
    private final TokenCache<Key> cache;

    public EntraTokens(HttpClient http, Clock clock) {
        this.http = http;
        this.cache = new TokenCache<>(clock);
    }

    public Future<String> token(String tokenUrl, String clientId, String clientSecret) {
        Key key = new Key(tokenUrl, clientId, clientSecret.hashCode());
        return cache.token(key, () -> fetch(key, clientSecret));
    }

    /** Drops {@code token} if it is the cached one: Azure refused it. */
    public void refused(String tokenUrl, String clientId, String clientSecret, String token) {
        cache.refused(new Key(tokenUrl, clientId, clientSecret.hashCode()), token);
    }

    private Future<TokenCache.Token> fetch(Key key, String clientSecret) {
        String form = "grant_type=client_credentials"
                + "&client_id=" + URLEncoder.encode(key.clientId(), StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8)
                + "&scope=" + URLEncoder.encode(SCOPE, StandardCharsets.UTF_8);
        return http.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(key.tokenUrl())
                        .setTimeout(30_000)
                        .putHeader("content-type", "application/x-www-form-urlencoded")
                        .putHeader("accept", "application/json"))
                .compose(req -> req.send(Buffer.buffer(form)))
                .compose(res -> res.body().map(body -> {
                    if (res.statusCode() != 200) {
                        // Entra's error_description names the app and tenant; its error code says enough
                        String code = errorCode(body);
                        throw new IllegalStateException("the Entra ID token endpoint answered HTTP " + res.statusCode()
                                + (code == null ? "" : " (" + code + ")"));
                    }
                    JsonObject json = body.toJsonObject();
                    String value = json.getString("access_token");
                    if (value == null || value.isEmpty()) {
                        throw new IllegalStateException("the Entra ID token endpoint answered without access_token");
                    }
                    return cache.expiringIn(value, json.getLong("expires_in", 3599L));
                }));
    }

    private static String errorCode(Buffer body) {
        try {
            String code = body.toJsonObject().getString("error");
            return code != null && code.matches("[a-z_]{1,64}") ? code : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
