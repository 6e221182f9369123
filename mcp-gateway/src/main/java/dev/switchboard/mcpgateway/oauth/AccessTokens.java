package dev.switchboard.mcpgateway.oauth;

import dev.switchboard.model.access.AuthenticationFailure;
import dev.switchboard.model.access.Principal;
import dev.switchboard.model.config.IdentityProvider;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.User;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.runtime.auth.IssuedTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * The MCP gateway's own access tokens (RFC 9068 JWTs, HS256 under a key derived from the session key, so that every
 * replica with the same key verifies them) and all that the sign-in seals. An access token names the user as the
 * identity provider's ID token did and the groups it claimed; its audience is the gateway (the resource of its
 * protected resource metadata), so no other service takes it. At every use the user must still be one of the config's
 * {@code users} and the provider must still sign users in: removing either refuses the token at once.
 */
public final class AccessTokens implements IssuedTokens {

    /** The {@code kid} that marks a token as the gateway's own (the identity providers' tokens go to their JWKS). */
    static final String KID = "switchboard-mcp-sign-in";
    static final Duration ACCESS_TOKEN_TTL = Duration.ofMinutes(10);

    private final HmacKey key;
    private final Clock clock;
    private final SealedClaims sealed;

    public AccessTokens(byte[] sessionKey, Clock clock) {
        this.key = new HmacKey(SealedClaims.derive(sessionKey, "switchboard mcp access token"));
        this.clock = clock;
        this.sealed = new SealedClaims(sessionKey, clock);
    }

    SealedClaims sealed() {
        return sealed;
    }

    Clock clock() {
        return clock;
    }

    /** The identity provider the gateway signs users in with, if any ({@code sign_in} is set on at most one). */
    public static Optional<IdentityProvider> signInProvider(ConfigSnapshot snapshot) {
        return snapshot.config().identityProviders().stream().filter(p -> p.signIn() != null).findFirst();
    }

    /**
     * A signed access token for {@code user} (the provider's user claim) with {@code groups}, from {@code issuer}: its
     * audience is the gateway and, when the client named one (RFC 8707), the MCP endpoint it asked for.
     */
    String issue(String issuer, String resource, String idp, String user, List<String> groups, String clientId) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(resource == null || resource.equals(issuer) ? List.of(issuer) : List.of(issuer, resource));
        claims.setSubject(user);
        claims.setClaim("idp", idp);
        claims.setStringListClaim("groups", groups);
        claims.setClaim("client_id", clientId);
        claims.setIssuedAt(NumericDate.fromMilliseconds(clock.millis()));
        claims.setExpirationTime(NumericDate.fromMilliseconds(clock.millis() + ACCESS_TOKEN_TTL.toMillis()));
        claims.setJwtId(UUID.randomUUID().toString());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKeyIdHeaderValue(KID);
        jws.setHeader("typ", "at+jwt");
        jws.setKey(key);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
    }

    @Override
    public Principal verify(ConfigSnapshot snapshot, String token) {
        try {
            JsonWebSignature jws = (JsonWebSignature) JsonWebSignature.fromCompactSerialization(token);
            if (!KID.equals(jws.getKeyIdHeaderValue())) {
                return null;
            }
        } catch (JoseException | ClassCastException e) {
            return null;
        }
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(30)
                .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                .setSkipDefaultAudienceValidation()
                .setJwsAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.HMAC_SHA256))
                .setVerificationKey(key)
                .build();
        JwtClaims claims;
        try {
            claims = consumer.processToClaims(token);
            if (claims.getIssuer() == null || !claims.getAudience().contains(claims.getIssuer())) {
                throw new AuthenticationFailure("The token's audience is not accepted by this gateway.");
            }
        } catch (InvalidJwtException e) {
            throw new AuthenticationFailure(e.hasExpired() ? "The token has expired." : "The token is not valid.");
        } catch (MalformedClaimException e) {
            throw new AuthenticationFailure("The token is not valid.");
        }
        Object idp = claims.getClaimValue("idp");
        IdentityProvider provider = signInProvider(snapshot).filter(p -> p.name().equals(idp))
                .orElseThrow(() -> new AuthenticationFailure(
                        "Sign-in through this gateway is no longer configured as it was: sign in again."));
        User user = knownUser(snapshot, claims.getClaimValueAsString("sub"));
        return new Principal(SubjectRef.user(user.name()), stringList(claims.getClaimValue("groups")),
                "oauth:" + provider.name());
    }

    /** The config's user named by the provider's user claim, or the refusal of one that is not (or no longer) there. */
    static User knownUser(ConfigSnapshot snapshot, String user) {
        if (user == null || user.isBlank()) {
            throw new AuthenticationFailure("The token names no user.");
        }
        return snapshot.user(user).orElseThrow(() -> new AuthenticationFailure(
                "'" + user + "' is not a user of this gateway (or no longer is)."));
    }

    static List<String> stringList(Object claim) {
        List<String> out = new ArrayList<>();
        if (claim instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof String s) {
                    out.add(s);
                }
            }
        } else if (claim instanceof String s) {
            out.add(s);
        }
        return List.copyOf(out);
    }
}
