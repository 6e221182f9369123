package dev.switchboard.model.access;

import dev.switchboard.model.config.ApiKey;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;

/**
 * Gateway API keys: the presented key is hashed and looked up in the snapshot; the clear key is never stored in the
 * config or a snapshot.
 * <p>
 * A plane sees the same few keys on request after request, so the keys verified against the current snapshot are
 * remembered in a small cache ({@link #CACHE_SLOTS} slots, one entry each, a newer key taking an older one's slot):
 * a hit costs a string hash and a comparison instead of a SHA-256 and a hex encoding. Only keys the snapshot holds
 * enter it (a caller without a key cannot evict anyone), a hit compares the whole key in constant time, and the
 * expiry and the disabled flag are still checked on every request. The cache belongs to one snapshot: the first
 * request with another snapshot (a config swap) starts an empty one, so a key revoked or changed by the new config is
 * refused from its first request on.
 */
public final class ApiKeyAuthenticator {

    /** Slots of the verified-key cache (a power of two). */
    static final int CACHE_SLOTS = 256;
    private static final String CREDENTIAL_PREFIX = "api_key:";

    private final Clock clock;
    /** Mixed into the slot of a key, so that which keys share a slot cannot be worked out from outside. */
    private final int seed = new SecureRandom().nextInt();
    private volatile Verified verified = new Verified(null);

    public ApiKeyAuthenticator(Clock clock) {
        this.clock = clock;
    }

    public Principal authenticate(ConfigSnapshot snapshot, String presentedKey) {
        Verified cache = verified;
        if (cache.snapshot != snapshot) {
            cache = new Verified(snapshot);
            verified = cache;
        }
        int slot = slot(presentedKey);
        Entry hit = cache.slots[slot];
        if (hit != null && sameKey(hit.key, presentedKey)) {
            return usable(hit.apiKey, hit.principal);
        }
        ApiKey key = snapshot.apiKeyByHash(ApiKey.hashOf(presentedKey)).orElse(null);
        if (key == null) {
            throw new AuthenticationFailure("Incorrect API key provided.");
        }
        Principal principal = new Principal(key.subject(), List.of(), CREDENTIAL_PREFIX + key.name());
        // racy by design: entries are immutable, and a lost or overwritten entry is only a miss later
        cache.slots[slot] = new Entry(presentedKey, key, principal);
        return usable(key, principal);
    }

    /** How many keys the cache holds now (tests). */
    int cached() {
        int n = 0;
        for (Entry e : verified.slots) {
            if (e != null) {
                n++;
            }
        }
        return n;
    }

    private Principal usable(ApiKey key, Principal principal) {
        if (!key.usableAt(clock.instant())) {
            throw new AuthenticationFailure(key.disabled()
                    ? "The API key '" + key.name() + "' is disabled." : "The API key '" + key.name() + "' has expired.");
        }
        return principal;
    }

    private int slot(String key) {
        int h = (key.hashCode() ^ seed) * 0x9E3779B9;
        return (h ^ (h >>> 16)) & (CACHE_SLOTS - 1);
    }

    /** Equal keys, compared in time that depends on their length only, never on where they differ. */
    static boolean sameKey(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < a.length(); i++) {
            diff |= a.charAt(i) ^ b.charAt(i);
        }
        return diff == 0;
    }

    /** The verified keys of one snapshot. */
    private static final class Verified {
        final ConfigSnapshot snapshot;
        final Entry[] slots = new Entry[CACHE_SLOTS];

        Verified(ConfigSnapshot snapshot) {
            this.snapshot = snapshot;
        }
    }

    private record Entry(String key, ApiKey apiKey, Principal principal) {
    }
}
