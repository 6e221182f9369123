package dev.switchboard.workflowbridge.databricks;

/** Credentials could not be produced, e.g. the token exchange was refused. */
public final class CredentialsException extends RuntimeException {

    private final boolean transientFailure;

    public CredentialsException(String message, boolean transientFailure) {
        super(message);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
