package dev.switchboard.model.access;

import dev.switchboard.model.config.IdentityProvider;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.lang.JoseException;

/**
 * JWTs of the configured identity providers, verified with jose4j against cached JWKS keys. A verified token is kept
 * until it expires (or the config changes), so a repeat caller costs a map lookup, not a signature check.
 */
public final class JwtAuthenticator {

    private static final AlgorithmConstraints ASYMMETRIC_ONLY = new AlgorithmConstraints(
            AlgorithmConstraints.ConstraintType.PERMIT,
            AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.RSA_USING_SHA384,
            AlgorithmIdentifiers.RSA_USING_SHA512, AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
            AlgorithmIdentifiers.RSA_PSS_USING_SHA384, AlgorithmIdentifiers.RSA_PSS_USING_SHA512,
            AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
            AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384,
            AlgorithmIdentifiers.ECDSA_USING_P521_CURVE_AND_SHA512);
    private static final int MAX_CACHED_TOKENS = 10_000;

    private record Verified(Principal principal, long expiresAtMillis, long revision) {
    }

    private final JwksCache jwks;
    private final Clock clock;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    public JwtAuthenticator(JwksCache jwks, Clock clock) {
        this.jwks = jwks;
        this.clock = clock;
    }

    public static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        return token.startsWith("eyJ") && first > 0 && token.indexOf('.', first + 1) > first
                && token.indexOf('.', token.indexOf('.', first + 1) + 1) < 0;
    }

    /** Completes with the caller, or fails with {@link AuthenticationFailure}. */
    public CompletionStage<Principal> authenticate(ConfigSnapshot snapshot, String token) {
        Verified hit = verified.get(token);
        long now = clock.millis();
        if (hit != null && hit.revision() == snapshot.revision() && now < hit.expiresAtMillis()) {
            return CompletableFuture.completedFuture(hit.principal());
        }
        String kid;
        IdentityProvider idp;
        try {
            JsonWebSignature jws = (JsonWebSignature) JsonWebSignature.fromCompactSerialization(token);
            kid = jws.getKeyIdHeaderValue();
            String issuer = JwtClaims.parse(jws.getUnverifiedPayload()).getIssuer();
            idp = snapshot.config().identityProviders().stream()
                    .filter(p -> p.issuer().equals(issuer)).findFirst()
                    .orElseThrow(() -> new AuthenticationFailure("The token's issuer is not trusted by this gateway."));
        } catch (JoseException | InvalidJwtException | MalformedClaimException | ClassCastException e) {
            return CompletableFuture.failedFuture(new AuthenticationFailure("The bearer token is not a valid JWT."));
        } catch (AuthenticationFailure e) {
            return CompletableFuture.failedFuture(e);
        }
        return jwks.keysFor(idp.jwksUrl(), kid)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(new AuthenticationFailure(
                        "The signing keys of the token's issuer are not available; try again later.")))
                .thenApply(keys -> verify(snapshot, idp, keys, token));
    }

    private Principal verify(ConfigSnapshot snapshot, IdentityProvider idp, JwksCache.Keys keys, String token) {
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(30)
                .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                .setExpectedIssuer(idp.issuer())
                .setExpectedAudience(idp.audiences().toArray(String[]::new))
                .setJwsAlgorithmConstraints(ASYMMETRIC_ONLY)
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(keys.keys()))
                .build();
        JwtClaims claims;
        try {
            claims = consumer.processToClaims(token);
        } catch (InvalidJwtException e) {
            throw new AuthenticationFailure(reason(e));
        }
        Principal principal = principalOf(snapshot, idp, claims);
        try {
            remember(token, new Verified(principal, claims.getExpirationTime().getValueInMillis(), snapshot.revision()));
        } catch (MalformedClaimException e) {
            throw new AuthenticationFailure("The token's exp claim is malformed.");
        }
        return principal;
    }

    private static String reason(InvalidJwtException e) {
        if (e.hasExpired()) {
            return "The token has expired.";
        }
        if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_INVALID)
                || e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_MISSING)) {
            return "The token's audience is not accepted by this gateway.";
        }
        if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.SIGNATURE_INVALID)
                || e.getMessage().contains("Unable to find a suitable verification key")) {
            return "The token's signature could not be verified.";
        }
        return "The token is not valid.";
    }

    private static Principal principalOf(ConfigSnapshot snapshot, IdentityProvider idp, JwtClaims claims) {
        Object userClaim = claims.getClaimValue(idp.claims().user());
        if (!(userClaim instanceof String user) || user.isBlank()) {
            throw new AuthenticationFailure("The token has no '" + idp.claims().user() + "' claim to name the user.");
        }
        String name = snapshot.user(user).map(u -> u.name()).orElse(user);
        List<String> teams = new ArrayList<>();
        Object teamsClaim = claims.getClaimValue(idp.claims().teams());
        if (teamsClaim instanceof List<?> list) {
            for (Object t : list) {
                if (t instanceof String s) {
                    teams.add(s);
                }
            }
        } else if (teamsClaim instanceof String s) {
            teams.add(s);
        }
        return new Principal(SubjectRef.user(name), List.copyOf(teams), "jwt:" + idp.name());
    }

    private void remember(String token, Verified entry) {
        if (verified.size() >= MAX_CACHED_TOKENS) {
            long now = clock.millis();
            verified.values().removeIf(v -> v.expiresAtMillis() <= now);
            if (verified.size() >= MAX_CACHED_TOKENS) {
                verified.clear();
            }
        }
        verified.put(token, entry);
    }
}
