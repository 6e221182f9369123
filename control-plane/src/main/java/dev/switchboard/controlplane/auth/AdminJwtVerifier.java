package dev.switchboard.controlplane.auth;

import dev.switchboard.controlplane.ControlPlaneConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;

/**
 * Checks admin JWTs against the configured issuer's JWKS (fetched on first use, cached, refetched for an unknown key
 * id): signature, expiry, issuer, audience when configured, and the admin role in the role claim. Blocking: the JWKS
 * may be fetched, so callers run it off the event loop.
 */
@ApplicationScoped
public class AdminJwtVerifier {

    private final ControlPlaneConfig.Jwt settings;
    private final JwtConsumer consumer;

    /**
     * The outcome: the caller's name when the token is valid and holds the role; why not otherwise. {@code roles}: the
     * role claim's values of a valid token (the console maps them to its viewer role too).
     */
    public record Verdict(String caller, boolean valid, boolean admin, String reason, List<String> roles) {
    }

    @Inject
    public AdminJwtVerifier(ControlPlaneConfig config) {
        this.settings = config.admin().jwt();
        if (settings.issuer().isPresent() && settings.jwksUrl().isPresent()) {
            HttpsJwks jwks = new HttpsJwks(settings.jwksUrl().get());
            JwtConsumerBuilder builder = new JwtConsumerBuilder()
                    .setRequireExpirationTime()
                    .setAllowedClockSkewInSeconds(30)
                    .setExpectedIssuer(settings.issuer().get())
                    .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(jwks));
            Optional<List<String>> audiences = settings.audiences();
            if (audiences.isPresent() && !audiences.get().isEmpty()) {
                builder.setExpectedAudience(audiences.get().toArray(String[]::new));
            } else {
                builder.setSkipDefaultAudienceValidation();
            }
            this.consumer = builder.build();
        } else {
            this.consumer = null;
        }
    }

    public boolean enabled() {
        return consumer != null;
    }

    public Verdict verify(String token) {
        JwtClaims claims;
        try {
            claims = consumer.processToClaims(token);
        } catch (InvalidJwtException e) {
            return new Verdict(null, false, false, "the token is not a valid admin JWT", List.of());
        }
        String caller = "jwt:" + claimText(claims.getClaimsMap(), settings.principalClaim()).orElse("unknown");
        List<String> roles = roles(claims.getClaimsMap());
        boolean admin = roles.contains(settings.role());
        return new Verdict(caller, true, admin, admin ? null
                : "the token's " + settings.roleClaim() + " claim does not hold the role " + settings.role(), roles);
    }

    private List<String> roles(Map<String, Object> claims) {
        Object value = at(claims, settings.roleClaim());
        if (value instanceof String s) {
            return List.of(s.split("[ ,]+"));
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    private static Optional<String> claimText(Map<String, Object> claims, String path) {
        Object value = at(claims, path);
        return value == null ? Optional.empty() : Optional.of(String.valueOf(value));
    }

    private static Object at(Map<String, Object> claims, String path) {
        Object value = claims;
        for (String part : path.split("\\.")) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(part);
        }
        return value;
    }
}
