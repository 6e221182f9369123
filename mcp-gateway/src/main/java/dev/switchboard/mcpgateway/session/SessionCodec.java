package dev.switchboard.mcpgateway.session;

import dev.switchboard.mcpgateway.jsonrpc.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a {@link McpSession} into an {@code Mcp-Session-Id} and opens it again: AES-256-GCM under the session key, so
 * the id is confidential (upstream session ids and the subject are not readable) and authenticated (a changed byte
 * fails the tag check). Any replica holding the same key serves any session.
 *
 * <p>Form: base64url without padding of {@code 0x01 | 12-byte random nonce | ciphertext and 16-byte tag}; the version
 * byte is also bound as associated data. Only visible ASCII, as the transport requires of session ids.
 */
public final class SessionCodec {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** Ids longer than this are refused before any decryption is tried. */
    private static final int MAX_ID_LENGTH = 8192;

    private final SecretKeySpec key;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public SessionCodec(byte[] key32, Clock clock) {
        if (key32.length != 32) {
            throw new IllegalArgumentException("the session key must be 32 bytes, got " + key32.length);
        }
        this.key = new SecretKeySpec(key32.clone(), "AES");
        this.clock = clock;
    }

    /** A key from its base64 form (standard or URL alphabet); throws with a clear message otherwise. */
    public static byte[] keyFromBase64(String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim().replace('-', '+').replace('_', '/'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("switchboard.mcp.session-key is not base64");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException(
                    "switchboard.mcp.session-key must be the base64 of 32 bytes, got " + key.length + " bytes");
        }
        return key;
    }

    public static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    public String seal(McpSession session) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(new byte[] {VERSION});
            byte[] sealed = cipher.doFinal(Json.MAPPER.writeValueAsBytes(session));
            ByteBuffer out = ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length);
            out.put(VERSION).put(nonce).put(sealed);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
        } catch (GeneralSecurityException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot seal a session", e);
        }
    }

    /** The session in {@code id}, if the id is well-formed, authentic under this key and not expired. */
    public Optional<McpSession> open(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(id.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length < 1 + NONCE_BYTES + TAG_BITS / 8 || raw[0] != VERSION) {
            return Optional.empty();
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 1, NONCE_BYTES));
            cipher.updateAAD(new byte[] {VERSION});
            byte[] plain = cipher.doFinal(raw, 1 + NONCE_BYTES, raw.length - 1 - NONCE_BYTES);
            McpSession session = Json.MAPPER.readValue(plain, McpSession.class);
            return session.expiredAt(clock.instant()) ? Optional.empty() : Optional.of(session);
        } catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
