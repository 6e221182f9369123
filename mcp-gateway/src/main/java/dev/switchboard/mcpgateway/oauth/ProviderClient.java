package dev.switchboard.mcpgateway.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import dev.switchboard.model.access.JwksCache;
import dev.switchboard.model.config.IdentityProvider;
import dev.switchboard.model.config.McpServer.McpAuth.TokenEndpointAuthMethod;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.lang.JoseException;

/**
 * The gateway as an OpenID Connect client of the identity provider that signs users in: its discovery document
 * (cached an hour), the authorization code and refresh token grants at its token endpoint, and the ID token's
 * verification against the provider's JWKS (issuer, audience = our client id, nonce, expiry). No secret or token
 * appears in an exception's message; a refusal carries only the provider's OAuth error code.
 */
final class ProviderClient implements AutoCloseable {

    private static final Duration DISCOVERY_TTL = Duration.ofHours(1);
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,64}");
    private static final AlgorithmConstraints ASYMMETRIC = new AlgorithmConstraints(
            AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256,
            AlgorithmIdentifiers.RSA_USING_SHA384, AlgorithmIdentifiers.RSA_USING_SHA512,
            AlgorithmIdentifiers.RSA_PSS_USING_SHA256, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
            AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384);

    /** The provider's endpoints, from its discovery document. */
    record Endpoints(String authorization, String token, long fetchedAtMillis) {
    }

    /** Who signed in, as the ID token says it: the user claim's value and the teams claim's. */
    record Identity(String user, List<String> groups) {
    }

    /** A token endpoint's answer: the identity (null when a refresh brought no ID token) and the refresh token. */
    record Tokens(Identity identity, String refreshToken) {
    }

    /** The provider answered with an OAuth error (an expired code, a refresh refused for a disabled user, ...). */
    static final class Refused extends RuntimeException {
        final String error;

        Refused(String error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

    private final HttpClient http;
    private final Clock clock;
    private final JwksCache jwks;
    private final Map<String, Endpoints> discovered = new ConcurrentHashMap<>();

    ProviderClient(Vertx vertx, Clock clock, int connectTimeoutMs) {
        this.http = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(8)
                .setConnectTimeout(connectTimeoutMs));
        this.clock = clock;
        this.jwks = new JwksCache(url -> get(url).map(Buffer::toString).toCompletionStage(), clock, Duration.ofSeconds(30));
    }

    Future<Endpoints> endpoints(IdentityProvider idp) {
        Endpoints cached = discovered.get(idp.issuer());
        if (cached != null && clock.millis() - cached.fetchedAtMillis() < DISCOVERY_TTL.toMillis()) {
            return Future.succeededFuture(cached);
        }
        String issuer = idp.issuer().endsWith("/") ? idp.issuer().substring(0, idp.issuer().length() - 1)
                : idp.issuer();
        return get(issuer + "/.well-known/openid-configuration").map(body -> {
            JsonNode doc = json(body);
            String authorization = doc.path("authorization_endpoint").asText(null);
            String token = doc.path("token_endpoint").asText(null);
            if (authorization == null || token == null) {
                throw new IllegalStateException("the identity provider's discovery document names no "
                        + (authorization == null ? "authorization_endpoint" : "token_endpoint"));
            }
            Endpoints endpoints = new Endpoints(authorization, token, clock.millis());
            discovered.put(idp.issuer(), endpoints);
            return endpoints;
        });
    }

    /** Redeems the provider's authorization code; the ID token must carry {@code nonce}. */
    Future<Tokens> exchange(IdentityProvider idp, String secret, String code, String redirectUri, String verifier,
                            String nonce) {
        return token(idp, secret, "grant_type=authorization_code&code=" + form(code) + "&redirect_uri="
                + form(redirectUri) + "&code_verifier=" + form(verifier), nonce, true);
    }

    /** Renews the sign-in at the provider: a user it has disabled is refused here ({@link Refused}). */
    Future<Tokens> refresh(IdentityProvider idp, String secret, String refreshToken) {
        return token(idp, secret, "grant_type=refresh_token&refresh_token=" + form(refreshToken) + "&scope="
                + form(String.join(" ", idp.signIn().scopes())), null, false);
    }

    private Future<Tokens> token(IdentityProvider idp, String secret, String grant, String nonce,
                                 boolean idTokenRequired) {
        return endpoints(idp).compose(endpoints -> {
            StringBuilder body = new StringBuilder(grant);
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                    .setAbsoluteURI(endpoints.token()).setTimeout(15_000)
                    .putHeader("content-type", "application/x-www-form-urlencoded")
                    .putHeader("accept", "application/json");
            String clientId = idp.signIn().clientId();
            if (secret != null && idp.signIn().tokenEndpointAuthMethod() == TokenEndpointAuthMethod.CLIENT_SECRET_BASIC) {
                options.putHeader("authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (form(clientId) + ":" + form(secret)).getBytes(StandardCharsets.UTF_8)));
            } else {
                body.append("&client_id=").append(form(clientId));
                if (secret != null) {
                    body.append("&client_secret=").append(form(secret));
                }
            }
            return http.request(options).compose(req -> req.send(body.toString()))
                    .compose(res -> res.body().compose(b -> answer(idp, res.statusCode(), b, nonce, idTokenRequired)));
        });
    }

    private Future<Tokens> answer(IdentityProvider idp, int status, Buffer body, String nonce, boolean idTokenRequired) {
        JsonNode doc;
        try {
            doc = json(body);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the identity provider's token endpoint answered HTTP " + status
                    + " without JSON");
        }
        if (status != 200) {
            String error = doc.path("error").asText("");
            error = ERROR_CODE.matcher(error).matches() ? error : "invalid_grant";
            if (status >= 500) {
                throw new IllegalStateException("the identity provider's token endpoint answered HTTP " + status);
            }
            throw new Refused(error, "the identity provider refused (HTTP " + status + ", " + error + ")");
        }
        String refreshToken = doc.path("refresh_token").asText(null);
        String idToken = doc.path("id_token").asText(null);
        if (idToken == null) {
            if (idTokenRequired) {
                throw new IllegalStateException("the identity provider's token endpoint sent no id_token "
                        + "(is 'openid' among the scopes?)");
            }
            return Future.succeededFuture(new Tokens(null, refreshToken));
        }
        String kid;
        try {
            kid = JsonWebSignature.fromCompactSerialization(idToken).getKeyIdHeaderValue();
        } catch (JoseException e) {
            throw new IllegalStateException("the identity provider sent an ID token that is not a JWT");
        }
        return Future.fromCompletionStage(jwks.keysFor(idp.jwksUrl(), kid))
                .map(keys -> new Tokens(verify(idp, keys, idToken, nonce), refreshToken));
    }

    private Identity verify(IdentityProvider idp, JwksCache.Keys keys, String idToken, String nonce) {
        JwtClaims claims;
        try {
            claims = new JwtConsumerBuilder()
                    .setRequireExpirationTime()
                    .setAllowedClockSkewInSeconds(60)
                    .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                    .setExpectedIssuer(idp.issuer())
                    .setExpectedAudience(idp.signIn().clientId())
                    .setJwsAlgorithmConstraints(ASYMMETRIC)
                    .setVerificationKeyResolver(new JwksVerificationKeyResolver(keys.keys()))
                    .build().processToClaims(idToken);
        } catch (InvalidJwtException e) {
            throw new IllegalStateException("the identity provider's ID token did not verify"
                    + (e.hasExpired() ? " (expired)" : ""));
        }
        if (nonce != null && !nonce.equals(claims.getClaimValue("nonce"))) {
            throw new IllegalStateException("the identity provider's ID token carries another nonce");
        }
        Object user = claims.getClaimValue(idp.claims().user());
        if (!(user instanceof String u) || u.isBlank()) {
            throw new Refused("access_denied", "the ID token has no '" + idp.claims().user() + "' claim");
        }
        return new Identity(u, AccessTokens.stringList(claims.getClaimValue(idp.claims().teams())));
    }

    private Future<Buffer> get(String url) {
        return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setTimeout(10_000)
                        .putHeader("accept", "application/json"))
                .compose(req -> req.send())
                .compose(res -> res.statusCode() == 200 ? res.body()
                        : Future.failedFuture(new IllegalStateException(url + " answered HTTP " + res.statusCode())));
    }

    private static JsonNode json(Buffer body) {
        try {
            return Json.MAPPER.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("not JSON");
        }
    }

    static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.close();
    }
}
