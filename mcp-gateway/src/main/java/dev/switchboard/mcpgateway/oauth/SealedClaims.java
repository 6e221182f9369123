package dev.switchboard.mcpgateway.oauth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwe.ContentEncryptionAlgorithmIdentifiers;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jwe.KeyManagementAlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.AesKey;
import org.jose4j.lang.JoseException;

/**
 * The sign-in's self-contained values (client registrations, pending authorizations, authorization codes, refresh
 * tokens): claims sealed as a JWE (direct AES-256-GCM) under a key derived from the session key, so that any replica
 * with the same key opens what another sealed, and no store is shared. Each carries its purpose, so that one kind can
 * never be presented as another, and its expiry.
 */
final class SealedClaims {

    /** Values longer than this are refused before any decryption is tried. */
    private static final int MAX_LENGTH = 16_384;
    private static final String PURPOSE = "pur";

    private final AesKey key;
    private final Clock clock;

    SealedClaims(byte[] sessionKey, Clock clock) {
        this.key = new AesKey(derive(sessionKey, "switchboard mcp sign-in sealing"));
        this.clock = clock;
    }

    /**
     * A key of its own for each use of the session key: HMAC-SHA256 of a label under it (HKDF's expand step with a
     * single block; the session key is already uniformly random), so that the sealed sessions, sealed sign-in values
     * and signed access tokens never share a key.
     */
    static byte[] derive(byte[] sessionKey, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(sessionKey, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    String seal(String purpose, JwtClaims claims, Duration ttl) {
        claims.setClaim(PURPOSE, purpose);
        claims.setExpirationTime(NumericDate.fromMilliseconds(clock.millis() + ttl.toMillis()));
        JsonWebEncryption jwe = new JsonWebEncryption();
        jwe.setAlgorithmHeaderValue(KeyManagementAlgorithmIdentifiers.DIRECT);
        jwe.setEncryptionMethodHeaderParameter(ContentEncryptionAlgorithmIdentifiers.AES_256_GCM);
        jwe.setKey(key);
        jwe.setPayload(claims.toJson());
        try {
            return jwe.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot seal a sign-in value", e);
        }
    }

    /** The claims, if {@code value} was sealed here for {@code purpose} and has not expired. */
    Optional<JwtClaims> open(String purpose, String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        try {
            JsonWebEncryption jwe = new JsonWebEncryption();
            jwe.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                    KeyManagementAlgorithmIdentifiers.DIRECT));
            jwe.setContentEncryptionAlgorithmConstraints(new AlgorithmConstraints(
                    AlgorithmConstraints.ConstraintType.PERMIT, ContentEncryptionAlgorithmIdentifiers.AES_256_GCM));
            jwe.setCompactSerialization(value);
            jwe.setKey(key);
            JwtClaims claims = JwtClaims.parse(jwe.getPayload());
            NumericDate exp = claims.getExpirationTime();
            if (!purpose.equals(claims.getClaimValue(PURPOSE)) || exp == null
                    || exp.getValueInMillis() <= clock.millis()) {
                return Optional.empty();
            }
            return Optional.of(claims);
        } catch (JoseException | org.jose4j.jwt.consumer.InvalidJwtException | MalformedClaimException
                 | RuntimeException e) {
            return Optional.empty();
        }
    }
}
