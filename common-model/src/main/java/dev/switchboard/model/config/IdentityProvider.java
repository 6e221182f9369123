package dev.switchboard.model.config;

import java.util.List;

/**
 * An OpenID Connect / OAuth identity provider whose JWTs the gateway accepts. Keys come from {@code jwks_url}, cached
 * and refreshed every {@code jwks_refresh_seconds} (default 300).
 */
public record IdentityProvider(String name, String issuer, List<String> audiences, String jwksUrl,
                               ClaimMappings claims, Integer jwksRefreshSeconds) {

    public IdentityProvider {
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        claims = claims == null ? ClaimMappings.DEFAULTS : claims;
        jwksRefreshSeconds = jwksRefreshSeconds == null ? 300 : jwksRefreshSeconds;
    }
}
