package dev.switchboard.workflowbridge.runnow;

/** The process exit codes, one per kind of ending; Flyte fails the task on any but 0. */
public final class ExitCodes {

    /** The run succeeded, or was started with --skip-wait-for-completion; outputs written. */
    public static final int SUCCESS = 0;
    /** The run ended FAILED, CANCELED, TIMEDOUT, INTERNAL_ERROR, SKIPPED, ... (Databricks's message printed). */
    public static final int RUN_FAILED = 1;
    /** A flag or variable is missing or wrong, or no credentials are configured. No run was started. */
    public static final int USAGE = 2;
    /** timeout-seconds passed: the run was cancelled (the message says whether Databricks confirmed it). */
    public static final int TIMED_OUT = 3;
    /** The bridge could not do its job: an API call was refused or kept failing, or outputs could not be written. */
    public static final int BRIDGE_ERROR = 4;
    /** Stopped by SIGTERM (128 + 15), as the JVM reports it. */
    public static final int TERMINATED = 143;

    private ExitCodes() {
    }
}
