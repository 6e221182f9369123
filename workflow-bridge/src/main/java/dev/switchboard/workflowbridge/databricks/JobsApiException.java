package dev.switchboard.workflowbridge.databricks;

/**
 * A Jobs API call that did not succeed. Transient failures (429, 5xx, I/O, after the client's own retries) may go away
 * if asked again later; the others (a rejected token, a missing job) will not.
 */
public final class JobsApiException extends RuntimeException {

    private final boolean transientFailure;

    public JobsApiException(String message, boolean transientFailure) {
        super(message);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
