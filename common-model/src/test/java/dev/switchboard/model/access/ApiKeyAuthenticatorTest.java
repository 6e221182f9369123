package dev.switchboard.model.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.testsupport.TestClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ApiKeyAuthenticatorTest {

    private final TestClock clock = new TestClock("2027-01-01T00:00:00Z");
    private final ApiKeyAuthenticator keys = new ApiKeyAuthenticator(clock);

    /** A snapshot with the keys {@code sk-<name>} of {@code names}; {@code extra} goes under each key. */
    private static ConfigSnapshot snapshot(long revision, String extra, String... names) {
        StringBuilder yaml = new StringBuilder("service_accounts:\n");
        for (String n : names) {
            yaml.append("  - name: ").append(n).append('\n');
        }
        yaml.append("api_keys:").append(names.length == 0 ? " []\n" : "\n");
        for (String n : names) {
            yaml.append("  - name: ").append(n).append("-key\n")
                    .append("    subject: service_account:").append(n).append('\n')
                    .append("    key_hash: ").append(ApiKey.hashOf("sk-" + n)).append('\n')
                    .append(extra);
        }
        return ConfigCodec.loadYaml(yaml.toString(), revision, Instant.EPOCH);
    }

    @Test
    void aKnownKeyAuthenticatesAndIsRememberedAnUnknownOneIsNot() {
        ConfigSnapshot s = snapshot(1, "", "alice", "bob");
        Principal first = keys.authenticate(s, "sk-alice");
        assertEquals(SubjectRef.serviceAccount("alice"), first.subject());
        assertEquals("api_key:alice-key", first.credential());
        assertSame(first, keys.authenticate(s, "sk-alice"), "the second request is a cache hit");
        assertEquals(1, keys.cached());

        AuthenticationFailure wrong = assertThrows(AuthenticationFailure.class, () -> keys.authenticate(s, "sk-alicf"));
        assertEquals("Incorrect API key provided.", wrong.getMessage());
        assertThrows(AuthenticationFailure.class, () -> keys.authenticate(s, "sk-alice "));
        assertEquals(1, keys.cached(), "refused keys never enter the cache");
    }

    @Test
    void theCacheIsBounded() {
        String[] names = new String[ApiKeyAuthenticator.CACHE_SLOTS * 4];
        for (int i = 0; i < names.length; i++) {
            names[i] = "sa" + i;
        }
        ConfigSnapshot s = snapshot(1, "", names);
        for (String n : names) {
            assertEquals("api_key:" + n + "-key", keys.authenticate(s, "sk-" + n).credential());
        }
        assertTrue(keys.cached() <= ApiKeyAuthenticator.CACHE_SLOTS, "at most one key per slot: " + keys.cached());
        for (String n : names) {
            // evicted or not, every key still authenticates as itself
            assertEquals(SubjectRef.serviceAccount(n), keys.authenticate(s, "sk-" + n).subject());
        }
    }

    @Test
    void aSnapshotSwapEmptiesTheCacheAndARevokedKeyIsRefusedAtOnce() {
        ConfigSnapshot before = snapshot(1, "", "alice", "bob");
        keys.authenticate(before, "sk-alice");
        keys.authenticate(before, "sk-bob");
        assertEquals(2, keys.cached());

        ConfigSnapshot after = snapshot(2, "", "bob");   // alice's key revoked
        AuthenticationFailure revoked = assertThrows(AuthenticationFailure.class,
                () -> keys.authenticate(after, "sk-alice"));
        assertEquals("Incorrect API key provided.", revoked.getMessage());
        assertEquals(0, keys.cached(), "the new snapshot starts with an empty cache");
        assertEquals(SubjectRef.serviceAccount("bob"), keys.authenticate(after, "sk-bob").subject());
        assertEquals(1, keys.cached());
    }

    @Test
    void aKeyDisabledByTheNewSnapshotIsRefusedEvenThoughItWasCached() {
        ConfigSnapshot before = snapshot(1, "", "alice");
        keys.authenticate(before, "sk-alice");
        ConfigSnapshot after = snapshot(2, "    disabled: true\n", "alice");
        AuthenticationFailure disabled = assertThrows(AuthenticationFailure.class,
                () -> keys.authenticate(after, "sk-alice"));
        assertEquals("The API key 'alice-key' is disabled.", disabled.getMessage());
        assertThrows(AuthenticationFailure.class, () -> keys.authenticate(after, "sk-alice"));
    }

    @Test
    void aCachedKeyStillExpiresOnTime() {
        ConfigSnapshot s = snapshot(1, "    expires_at: \"2027-01-01T00:00:10Z\"\n", "alice");
        keys.authenticate(s, "sk-alice");
        keys.authenticate(s, "sk-alice");
        clock.set("2027-01-01T00:00:10Z");
        AuthenticationFailure expired = assertThrows(AuthenticationFailure.class,
                () -> keys.authenticate(s, "sk-alice"));
        assertEquals("The API key 'alice-key' has expired.", expired.getMessage());
    }

    @Test
    void keysAreComparedWhole() {
        assertTrue(ApiKeyAuthenticator.sameKey("sk-abc", "sk-abc"));
        assertFalse(ApiKeyAuthenticator.sameKey("sk-abc", "sk-abd"));
        assertFalse(ApiKeyAuthenticator.sameKey("xk-abc", "sk-abc"));
        assertFalse(ApiKeyAuthenticator.sameKey("sk-abc", "sk-abcd"));
        assertFalse(ApiKeyAuthenticator.sameKey("", "a"));
        assertTrue(ApiKeyAuthenticator.sameKey("", ""));
    }
}
