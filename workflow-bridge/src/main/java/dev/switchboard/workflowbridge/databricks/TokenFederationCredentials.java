package dev.switchboard.workflowbridge.databricks;

import com.databricks.sdk.core.DatabricksException;
import com.databricks.sdk.core.http.HttpClient;
import com.databricks.sdk.core.oauth.CachedTokenSource;
import com.databricks.sdk.core.oauth.DatabricksOAuthTokenSource;
import com.databricks.sdk.core.oauth.FileIDTokenSource;
import com.databricks.sdk.core.oauth.OpenIDConnectEndpoints;
import com.databricks.sdk.core.oauth.Token;
import com.databricks.sdk.core.oauth.TokenSource;
import java.io.IOException;
import java.net.MalformedURLException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * OAuth token federation (RFC 8693): the pod's Kubernetes service-account token, read from a file, is exchanged at the
 * workspace's token endpoint for a short-lived Databricks token of the service principal {@code clientId}. The file is
 * read again at every exchange, so a projected token that the kubelet rotates is always current. The Databricks token
 * is cached and exchanged again before it expires (the SDK's {@link CachedTokenSource}, 40 s ahead of expiry).
 */
public final class TokenFederationCredentials implements Credentials {

    private final String tokenEndpoint;
    private final CachedTokenSource tokens;

    public TokenFederationCredentials(WorkspaceHost host, String clientId, Path subjectTokenFile, String tokenEndpoint,
            HttpClient http, Clock clock) {
        this.tokenEndpoint = tokenEndpoint;
        OpenIDConnectEndpoints endpoints;
        try {
            endpoints = new OpenIDConnectEndpoints(tokenEndpoint, host.url() + "/oidc/v1/authorize");
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a URL: " + tokenEndpoint);
        }
        TokenSource exchange = new DatabricksOAuthTokenSource.Builder(clientId, host.url(), endpoints,
                new FileIDTokenSource(subjectTokenFile.toString()), http)
                .scopes(List.of("all-apis"))
                .build();
        this.tokens = new CachedTokenSource.Builder(expiringOn(clock, exchange))
                .setAsyncDisabled(true)
                .setClockSupplier(() -> clock)
                .build();
    }

    @Override
    public Map<String, String> headers() {
        Token token;
        try {
            token = tokens.getToken();
        } catch (DatabricksException | IllegalArgumentException e) {
            throw new CredentialsException("token exchange at " + tokenEndpoint + " failed: " + e.getMessage(),
                    causedByIo(e));
        }
        String type = token.getTokenType() == null || token.getTokenType().isBlank() ? "Bearer" : token.getTokenType();
        return Map.of("Authorization", type + " " + token.getAccessToken());
    }

    @Override
    public String authType() {
        return "oidc-token-federation";
    }

    /**
     * The SDK stamps a token's expiry from the system clock; re-anchor the same lifetime on ours, so that the cache
     * decides "about to expire" on the clock the rest of the bridge (and a test's virtual clock) runs on.
     */
    private static TokenSource expiringOn(Clock clock, TokenSource source) {
        return () -> {
            Token token = source.getToken();
            Duration lifetime = Duration.between(Instant.now(), token.getExpiry());
            return new Token(token.getAccessToken(), token.getTokenType(), token.getRefreshToken(),
                    clock.instant().plus(lifetime));
        };
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "TokenFederationCredentials[" + tokenEndpoint + "]";
    }
}
