package dev.switchboard.workflowbridge.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stand-in for the Kubernetes API server's token signer: issues RS256 service-account JWTs the way a projected
 * token looks ({@code iss}, {@code sub} = system:serviceaccount:NS:NAME, {@code aud}, {@code iat}, {@code exp}).
 */
public final class ServiceAccountTokens {

    public static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    public static final String SUBJECT = "system:serviceaccount:flyte-workflows:flyte-databricks-sa";
    public static final String AUDIENCE = "databricks-token-federation";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** One signing key for the whole test run: generating an RSA key takes a noticeable fraction of a second. */
    private static final KeyPair KEYS = generate();

    private final KeyPair keys = KEYS;

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public PublicKey publicKey() {
        return keys.getPublic();
    }

    public String issue(String subject, String audience, Instant issuedAt, Duration lifetime) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("kid", "sa-key-1");
        header.put("typ", "JWT");
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", subject);
        claims.put("aud", new String[] {audience});
        claims.put("iat", issuedAt.getEpochSecond());
        claims.put("exp", issuedAt.plus(lifetime).getEpochSecond());
        try {
            String signingInput = B64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + B64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(keys.getPrivate());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(rs256.sign());
        } catch (GeneralSecurityException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public String issue(Instant issuedAt) {
        return issue(SUBJECT, AUDIENCE, issuedAt, Duration.ofHours(24));
    }
}
