package dev.switchboard.model.access;

/**
 * A credential that does not authenticate, with a message fit for the caller (it never holds the credential). Each
 * plane answers it in its own protocol's shape. A value, thrown to leave early; no stack trace.
 */
public final class AuthenticationFailure extends RuntimeException {

    public AuthenticationFailure(String message) {
        super(message, null, false, false);
    }
}
