package dev.switchboard.controlplane.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.controlplane.config.ConfigJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * The session cookie: the session itself, signed with HMAC-SHA256, so that any control-plane replica accepts it without a
 * session store. The signing key is derived from the master key (every replica shares it); without one it is random per
 * process, and a restart ends every session. Signing out clears the cookie; a copied cookie stays valid until it
 * expires ({@code switchboard.console.session-ttl}).
 */
@ApplicationScoped
public class SessionCookies {

    public static final String NAME = "switchboard_console";
    private static final Logger LOG = Logger.getLogger(SessionCookies.class);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;
    private final Clock clock;

    @Inject
    public SessionCookies(ControlPlaneConfig config) {
        this(config.masterKey().filter(k -> !k.isBlank()).map(k -> Base64.getDecoder().decode(k.strip()))
                .orElse(null), Clock.systemUTC());
    }

    /** @param masterKey null: a random key of this process. */
    SessionCookies(byte[] masterKey, Clock clock) {
        this.clock = clock;
        if (masterKey == null) {
            byte[] random = new byte[32];
            RANDOM.nextBytes(random);
            this.key = random;
            LOG.info("console sessions are signed with a key of this process (no master key): a restart ends them");
        } else {
            this.key = hmac(masterKey, "switchboard console session v1".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A new session for {@code caller} with a fresh CSRF token, ending after {@code ttl}. */
    public ConsoleSession open(String caller, Role role, java.time.Duration ttl) {
        byte[] csrf = new byte[24];
        RANDOM.nextBytes(csrf);
        return new ConsoleSession(caller, role, B64.encodeToString(csrf), clock.instant().plus(ttl));
    }

    public String encode(ConsoleSession session) {
        return sign(ConfigJson.mapper().createObjectNode()
                .put("c", session.caller())
                .put("r", session.role().name())
                .put("x", session.csrf())
                .put("e", session.expiresAt().getEpochSecond()));
    }

    /** The session in a cookie value, or null when it is malformed, not signed by us, or expired. */
    public ConsoleSession decode(String value) {
        JsonNode body = verified(value);
        if (body == null) {
            return null;
        }
        try {
            return new ConsoleSession(body.path("c").asText(), Role.valueOf(body.path("r").asText()),
                    body.path("x").asText(), Instant.ofEpochSecond(body.path("e").asLong()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code body} (which must hold its expiry, epoch seconds, as {@code e}) signed with this control plane's key. */
    String sign(ObjectNode body) {
        String payload = B64.encodeToString(body.toString().getBytes(StandardCharsets.UTF_8));
        return payload + "." + B64.encodeToString(hmac(key, payload.getBytes(StandardCharsets.US_ASCII)));
    }

    /** What {@link #sign} signed, or null when malformed, not signed by us, or past its {@code e}. */
    JsonNode verified(String value) {
        if (value == null) {
            return null;
        }
        int dot = value.indexOf('.');
        if (dot <= 0 || dot == value.length() - 1) {
            return null;
        }
        String payload = value.substring(0, dot);
        byte[] expected = hmac(key, payload.getBytes(StandardCharsets.US_ASCII));
        try {
            if (!MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(value.substring(dot + 1)))) {
                return null;
            }
            JsonNode body = ConfigJson.mapper().readTree(Base64.getUrlDecoder().decode(payload));
            Instant expires = Instant.ofEpochSecond(body.path("e").asLong());
            if (!clock.instant().isBefore(expires)) {
                return null;
            }
            return body;
        } catch (IllegalArgumentException | java.io.IOException e) {
            return null;
        }
    }

    Instant now() {
        return clock.instant();
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
