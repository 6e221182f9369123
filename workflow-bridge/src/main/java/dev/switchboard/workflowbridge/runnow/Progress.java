package dev.switchboard.workflowbridge.runnow;

import dev.switchboard.workflowbridge.databricks.RunView;
import java.io.PrintStream;
import java.time.Clock;
import java.time.temporal.ChronoUnit;

/** The human-readable lines on stderr: one per step and per state change of the run. */
final class Progress {

    private final PrintStream err;
    private final Clock clock;

    Progress(PrintStream err, Clock clock) {
        this.err = err;
        this.clock = clock;
    }

    void info(String format, Object... args) {
        err.println(prefix() + String.format(format, args));
    }

    void warn(String message) {
        err.println(prefix() + "warning: " + message);
    }

    void error(String message) {
        err.println(prefix() + "error: " + message);
    }

    void state(RunView run) {
        String message = run.stateMessage() == null || run.stateMessage().isBlank() ? "" : " - " + run.stateMessage();
        info("run %d: %s%s", run.runId(), run.stateLabel(), message);
    }

    private String prefix() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS) + " workflow-bridge: ";
    }
}
