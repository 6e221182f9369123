package dev.switchboard.model.oauth;

import java.time.Instant;

/**
 * An OAuth access token, when it was issued and when it expires (epoch milliseconds). Its {@link #toString} never shows
 * the value.
 */
public record AccessToken(String value, long issuedAtMillis, long expiresAtMillis) {

    /** A token is renewed this long before it expires at the most; a short-lived one half-way through its life. */
    public static final long MAX_REFRESH_MARGIN_MILLIS = 60_000;

    /**
     * From when the token is renewed rather than used: a minute before it expires, or half-way through a lifetime
     * shorter than two minutes, so that no request carries a token about to lapse and a short-lived token is still
     * used for a while.
     */
    public long refreshAtMillis() {
        long lifetime = Math.max(0, expiresAtMillis - issuedAtMillis);
        return expiresAtMillis - Math.min(MAX_REFRESH_MARGIN_MILLIS, lifetime / 2);
    }

    @Override
    public String toString() {
        return "AccessToken[*** expires " + Instant.ofEpochMilli(expiresAtMillis) + "]";
    }
}
