package dev.switchboard.model.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The OAuth 2.0 client credentials grant (RFC 6749 section 4.4) as plain values: the token request's form body and
 * {@code Authorization} header, and the reading of the token endpoint's answer. The HTTP call is the caller's, on
 * whatever client it runs. Its {@link #toString} never shows the secret.
 */
public final class ClientCredentials {

    /** How the client authenticates at the token endpoint (RFC 6749 section 2.3.1). */
    public enum ClientAuth {
        /** HTTP Basic with the form-encoded client id and secret; every token endpoint must support it. */
        BASIC,
        /** {@code client_id} and {@code client_secret} in the form body. */
        POST
    }

    /** What a token without {@code expires_in} is taken to live (the field is only recommended). */
    static final long DEFAULT_LIFETIME_SECONDS = 3600;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,64}");

    private final String clientId;
    private final String clientSecret;
    private final String scope;
    private final String audience;
    private final ClientAuth clientAuth;

    /**
     * @param scope    the {@code scope} parameter, or null
     * @param audience the {@code audience} parameter (Auth0 and others name the API this way), or null
     */
    public ClientCredentials(String clientId, String clientSecret, String scope, String audience,
                             ClientAuth clientAuth) {
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
        this.scope = scope;
        this.audience = audience;
        this.clientAuth = clientAuth == null ? ClientAuth.BASIC : clientAuth;
    }

    public String clientId() {
        return clientId;
    }

    public String scope() {
        return scope;
    }

    public String audience() {
        return audience;
    }

    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** The {@code application/x-www-form-urlencoded} body of the token request. */
    public String formBody() {
        StringBuilder b = new StringBuilder("grant_type=client_credentials");
        if (scope != null) {
            b.append("&scope=").append(form(scope));
        }
        if (audience != null) {
            b.append("&audience=").append(form(audience));
        }
        if (clientAuth == ClientAuth.POST) {
            b.append("&client_id=").append(form(clientId)).append("&client_secret=").append(form(clientSecret));
        }
        return b.toString();
    }

    /** The {@code Authorization} header of the token request, or null when the credentials go in the body. */
    public String authorizationHeader() {
        if (clientAuth != ClientAuth.BASIC) {
            return null;
        }
        String pair = form(clientId) + ":" + form(clientSecret);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The token in a token endpoint's answer (RFC 6749 section 5.1), issued at {@code nowMillis}; a refusal or an
     * answer without {@code access_token} is a {@link TokenEndpointException} naming the status and the OAuth error
     * code only.
     */
    public static AccessToken readResponse(int status, byte[] body, long nowMillis) {
        JsonNode json;
        try {
            json = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (status != 200) {
            String code = json == null ? null : json.path("error").asText(null);
            throw new TokenEndpointException(status, "the token endpoint answered HTTP " + status
                    + (code != null && ERROR_CODE.matcher(code).matches() ? " (" + code + ")" : ""));
        }
        String value = json == null ? null : json.path("access_token").asText(null);
        if (value == null || value.isEmpty()) {
            throw new TokenEndpointException(status, "the token endpoint answered without an access_token");
        }
        long expiresIn = json.path("expires_in").canConvertToLong() && json.path("expires_in").asLong() > 0
                ? json.path("expires_in").asLong() : DEFAULT_LIFETIME_SECONDS;
        return new AccessToken(value, nowMillis, nowMillis + expiresIn * 1000);
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ClientCredentials[client_id=" + clientId + (scope == null ? "" : ", scope=" + scope)
                + (audience == null ? "" : ", audience=" + audience) + ", " + clientAuth + "]";
    }
}
