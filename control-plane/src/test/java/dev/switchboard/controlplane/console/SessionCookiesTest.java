package dev.switchboard.controlplane.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SessionCookiesTest {

    private static final byte[] KEY = new byte[32];
    private static final Instant NOW = Instant.parse("2026-12-07T05:00:00Z");

    private static SessionCookies at(Instant now) {
        return new SessionCookies(KEY, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aSessionComesBackAsItWasSignedUntilItExpires() {
        ConsoleSession session = at(NOW).open("jwt:ops@example.com", Role.VIEWER, Duration.ofHours(8));
        String cookie = at(NOW).encode(session);
        assertEquals(session, at(NOW.plus(Duration.ofHours(7))).decode(cookie));
        assertNull(at(NOW.plus(Duration.ofHours(8))).decode(cookie), "expired");
    }

    @Test
    void anyChangeToTheCookieOrAnotherKeyIsRefused() {
        String cookie = at(NOW).encode(at(NOW).open("viewer-token", Role.VIEWER, Duration.ofHours(1)));
        String payload = cookie.substring(0, cookie.indexOf('.'));
        String forged = new String(Base64.getUrlDecoder().decode(payload)).replace("VIEWER", "ADMIN");
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes())
                + cookie.substring(cookie.indexOf('.'));
        assertNull(at(NOW).decode(tampered));
        byte[] other = new byte[32];
        other[0] = 1;
        assertNull(new SessionCookies(other, Clock.fixed(NOW, ZoneOffset.UTC)).decode(cookie));
        assertNull(at(NOW).decode("garbage"));
        assertNull(at(NOW).decode(cookie.substring(0, cookie.length() - 2)));
    }

    @Test
    void everySessionHasItsOwnCsrfToken() {
        SessionCookies cookies = at(NOW);
        assertNotEquals(cookies.open("a", Role.ADMIN, Duration.ofHours(1)).csrf(),
                cookies.open("a", Role.ADMIN, Duration.ofHours(1)).csrf());
    }
}
