package dev.switchboard.runtime.auth;

import dev.switchboard.model.access.Principal;
import dev.switchboard.model.snapshot.ConfigSnapshot;

/**
 * Tokens a plane issues itself (the MCP gateway's sign-in), checked before the identity providers' JWTs. Verification
 * is local: no I/O.
 */
@FunctionalInterface
public interface IssuedTokens {

    IssuedTokens NONE = (snapshot, token) -> null;

    /**
     * The caller, or null when {@code token} is not one of this plane's (then the identity providers are asked).
     *
     * @throws dev.switchboard.model.access.AuthenticationFailure when it is one of this plane's but no longer valid
     */
    Principal verify(ConfigSnapshot snapshot, String token);
}
