package dev.switchboard.mcpgateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.mcpgateway.upstream.UpstreamSession;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionCodecTest {

    private static final byte[] KEY = new byte[32];
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private final McpSession session = new McpSession("abc", "alpha", "user:alice", NOW.getEpochSecond() + 60,
            "2025-11-25", Map.of("alpha", new UpstreamSession("up-1", "2025-11-25")), null);

    private static SessionCodec at(Instant instant) {
        return new SessionCodec(KEY, Clock.fixed(instant, ZoneOffset.UTC));
    }

    @Test
    void aSealedSessionOpensToTheSameSession() {
        String id = at(NOW).seal(session);
        assertEquals(session, at(NOW).open(id).orElseThrow());
        assertTrue(id.chars().allMatch(c -> c > 0x20 && c < 0x7f), "visible ASCII only");
    }

    @Test
    void sealingTwiceGivesDifferentIds() {
        assertNotEquals(at(NOW).seal(session), at(NOW).seal(session));
    }

    @Test
    void anExpiredSessionDoesNotOpen() {
        String id = at(NOW).seal(session);
        assertTrue(at(NOW.plusSeconds(59)).open(id).isPresent());
        assertTrue(at(NOW.plusSeconds(60)).open(id).isEmpty());
    }

    @Test
    void everyFlippedBitAndAnotherKeyFailToOpen() {
        String id = at(NOW).seal(session);
        byte[] raw = Base64.getUrlDecoder().decode(id);
        for (int i = 0; i < raw.length; i++) {
            byte[] changed = raw.clone();
            changed[i] ^= (byte) 0x80;
            assertTrue(at(NOW).open(Base64.getUrlEncoder().withoutPadding().encodeToString(changed)).isEmpty(), "byte " + i);
        }
        byte[] other = new byte[32];
        other[0] = 1;
        assertTrue(new SessionCodec(other, Clock.fixed(NOW, ZoneOffset.UTC)).open(id).isEmpty());
    }

    @Test
    void garbageDoesNotOpen() {
        for (String id : new String[] {null, "", "!!!", "AQ", "a".repeat(9000), "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
            assertTrue(at(NOW).open(id).isEmpty(), String.valueOf(id));
        }
    }

    @Test
    void theKeyMustBeTheBase64Of32Bytes() {
        assertEquals(32, SessionCodec.keyFromBase64(Base64.getEncoder().encodeToString(new byte[32])).length);
        assertThrows(IllegalArgumentException.class, () -> SessionCodec.keyFromBase64("c2hvcnQ="));
        assertThrows(IllegalArgumentException.class, () -> SessionCodec.keyFromBase64("not base64 at all!"));
    }
}
