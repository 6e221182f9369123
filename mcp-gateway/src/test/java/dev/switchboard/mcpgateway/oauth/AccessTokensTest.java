package dev.switchboard.mcpgateway.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.access.AuthenticationFailure;
import dev.switchboard.model.access.Principal;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/** The gateway's own access tokens and sealed sign-in values, against a clock the test sets. */
class AccessTokensTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Instant NOW = Instant.parse("2026-12-07T05:00:00Z");
    private static final String ISSUER = "https://mcp.example.com";

    private static AccessTokens at(Instant instant) {
        return new AccessTokens(KEY, Clock.fixed(instant, ZoneOffset.UTC));
    }

    private static ConfigSnapshot config(String users) {
        return ConfigCodec.loadYaml("""
                identity_providers:
                  - name: okta
                    issuer: https://example.okta.com/oauth2/default
                    audiences: [api://switchboard]
                    jwks_url: https://example.okta.com/oauth2/default/v1/keys
                    sign_in: {client_id: switchboard-mcp, client_secret: {env: OKTA_SECRET}}
                users: %s
                """.formatted(users), 1, NOW);
    }

    private static final ConfigSnapshot WITH_ALICE = config("[{name: alice, email: alice@example.com}]");

    @Test
    void aTokenNamesTheConfigsUserAndTheGroupsTheProviderClaimed() {
        String token = at(NOW).issue(ISSUER, ISSUER + "/mcp/v1/alpha/mcp", "okta", "alice@example.com",
                List.of("analysts"), "client-1");

        Principal p = at(NOW.plusSeconds(60)).verify(WITH_ALICE, token);

        assertEquals(SubjectRef.user("alice"), p.subject());
        assertEquals(List.of("analysts"), p.claimedTeams());
        assertEquals("oauth:okta", p.credential());
    }

    @Test
    void aTokenExpiresAfterTenMinutesAndClockSkew() {
        String token = at(NOW).issue(ISSUER, null, "okta", "alice@example.com", List.of(), "c");

        AuthenticationFailure e = assertThrows(AuthenticationFailure.class,
                () -> at(NOW.plus(AccessTokens.ACCESS_TOKEN_TTL).plusSeconds(31)).verify(WITH_ALICE, token));
        assertEquals("The token has expired.", e.getMessage());
    }

    @Test
    void aUserNoLongerInTheConfigIsRefusedAtOnce() {
        String token = at(NOW).issue(ISSUER, null, "okta", "alice@example.com", List.of(), "c");

        AuthenticationFailure e = assertThrows(AuthenticationFailure.class,
                () -> at(NOW).verify(config("[{name: bob, email: bob@example.com}]"), token));
        assertTrue(e.getMessage().contains("alice@example.com"), e.getMessage());
    }

    @Test
    void anotherKeysTokenIsRefusedAndAnIdentityProvidersTokenIsNotOurs() {
        String token = at(NOW).issue(ISSUER, null, "okta", "alice@example.com", List.of(), "c");
        AccessTokens otherKey = new AccessTokens("ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.US_ASCII),
                Clock.fixed(NOW, ZoneOffset.UTC));

        assertThrows(AuthenticationFailure.class, () -> otherKey.verify(WITH_ALICE, token));
        assertNull(at(NOW).verify(WITH_ALICE, "eyJhbGciOiJSUzI1NiIsImtpZCI6Im9rdGEifQ.e30.c2ln"));
    }

    @Test
    void aSealedValueOpensOnlyForItsPurposeAndUntilItExpires() {
        SealedClaims sealed = at(NOW).sealed();
        JwtClaims claims = new JwtClaims();
        claims.setClaim("usr", "alice@example.com");
        String code = sealed.seal("code", claims, Duration.ofSeconds(60));

        assertEquals("alice@example.com", at(NOW.plusSeconds(59)).sealed().open("code", code).orElseThrow()
                .getClaimValue("usr"));
        assertTrue(at(NOW.plusSeconds(60)).sealed().open("code", code).isEmpty(), "expired");
        assertTrue(at(NOW).sealed().open("refresh", code).isEmpty(), "a code is no refresh token");
        String tampered = code.substring(0, code.length() - 3) + (code.endsWith("A") ? "BBB" : "AAA");
        assertTrue(at(NOW).sealed().open("code", tampered).isEmpty(), "tampered");
    }
}
