package dev.switchboard.model.oauth;

/**
 * A token endpoint refused or failed to issue a token. The message names what happened (the HTTP status and the OAuth
 * {@code error} code) and never the request's credentials nor the endpoint's free text, which may echo them.
 */
public final class TokenEndpointException extends RuntimeException {

    private final int status;

    public TokenEndpointException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The HTTP status of the token endpoint's answer; 0 when there was none (connection failed). */
    public int status() {
        return status;
    }
}
