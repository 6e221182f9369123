package dev.switchboard.workflowbridge.runnow;

import dev.switchboard.workflowbridge.databricks.RunView;
import java.time.Duration;
import java.util.Optional;

/** How a run-now command ended, with its exit code and the message it ends with. */
public sealed interface Outcome {

    int exitCode();

    /** The run as last seen; empty when none was started or found. */
    Optional<RunView> lastSeen();

    /** The closing line for stderr; empty for a success. */
    Optional<String> message();

    record Succeeded(RunView run) implements Outcome {
        public int exitCode() {
            return ExitCodes.SUCCESS;
        }

        public Optional<RunView> lastSeen() {
            return Optional.of(run);
        }

        public Optional<String> message() {
            return Optional.empty();
        }
    }

    /** Started (or found running) with --skip-wait-for-completion: not waited on. */
    record Started(RunView run) implements Outcome {
        public int exitCode() {
            return ExitCodes.SUCCESS;
        }

        public Optional<RunView> lastSeen() {
            return Optional.of(run);
        }

        public Optional<String> message() {
            return Optional.empty();
        }
    }

    /** The run ended without success; {@code hint} explains a run that had already failed before this attempt. */
    record RunFailed(RunView run, String hint) implements Outcome {
        public int exitCode() {
            return ExitCodes.RUN_FAILED;
        }

        public Optional<RunView> lastSeen() {
            return Optional.of(run);
        }

        public Optional<String> message() {
            String stateMessage = run.stateMessage() == null || run.stateMessage().isBlank()
                    ? "" : ": " + run.stateMessage();
            return Optional.of("Databricks run " + run.runId() + " of job " + run.jobId() + " ended "
                    + run.stateLabel() + stateMessage + " (" + run.runPageUrl() + ")" + (hint.isEmpty() ? "" : ". " + hint));
        }
    }

    /** timeout-seconds passed; the run was asked to cancel. {@code problem} is empty when Databricks confirmed it. */
    record TimedOut(RunView run, Duration timeout, String problem) implements Outcome {
        public int exitCode() {
            return ExitCodes.TIMED_OUT;
        }

        public Optional<RunView> lastSeen() {
            return Optional.of(run);
        }

        public Optional<String> message() {
            String head = "Databricks run " + run.runId() + " of job " + run.jobId() + " did not finish within"
                    + " timeout-seconds=" + timeout.toSeconds() + "; ";
            String tail = problem.isEmpty()
                    ? "it was cancelled, Databricks reports " + run.stateLabel()
                            + (run.stateMessage() == null ? "" : ": " + run.stateMessage())
                    : "it was asked to cancel, but " + problem + "; it may still be running";
            return Optional.of(head + tail + " (" + run.runPageUrl() + ")");
        }
    }

    /** The bridge could not go on; a run it had started or found is left as it is. */
    record BridgeFailed(Optional<RunView> lastSeen, String problem) implements Outcome {
        public int exitCode() {
            return ExitCodes.BRIDGE_ERROR;
        }

        public Optional<String> message() {
            return Optional.of(problem + lastSeen.map(run -> ". Run " + run.runId() + " is left as it is ("
                    + run.runPageUrl() + "); a retry of this task re-attaches to it").orElse(""));
        }
    }

    /** The wait was interrupted (the process is being stopped); the run is left as it is. */
    record Interrupted(RunView run) implements Outcome {
        public int exitCode() {
            return ExitCodes.TERMINATED;
        }

        public Optional<RunView> lastSeen() {
            return Optional.of(run);
        }

        public Optional<String> message() {
            return Optional.of("interrupted while waiting for Databricks run " + run.runId());
        }
    }
}
