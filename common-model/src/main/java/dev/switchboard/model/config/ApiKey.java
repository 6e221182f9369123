package dev.switchboard.model.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A gateway API key. Only its hash is kept ({@code sha256:<64 hex>} of the clear key); the clear key is shown once,
 * when it is created, and never stored.
 */
public record ApiKey(String name, SubjectRef subject, String keyHash, Instant expiresAt, Boolean disabled) {

    public ApiKey {
        disabled = disabled != null && disabled;
    }

    /** One digest per thread: a gateway hashes the presented key of every request. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    });

    /** The stored form of a clear key: {@code sha256:<64 lowercase hex>}. */
    public static String hashOf(String clearKey) {
        byte[] digest = SHA_256.get().digest(clearKey.getBytes(StandardCharsets.UTF_8));
        return "sha256:" + HexFormat.of().formatHex(digest);
    }

    public boolean usableAt(Instant now) {
        return !disabled && (expiresAt == null || now.isBefore(expiresAt));
    }
}
