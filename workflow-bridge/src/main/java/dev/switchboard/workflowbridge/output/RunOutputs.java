package dev.switchboard.workflowbridge.output;

import dev.switchboard.workflowbridge.databricks.RunView;

/** What a finished bridge command reports about its run; names as in the Jobs API. */
public record RunOutputs(long jobId, long runId, String runPageUrl, String lifeCycleState, String resultState,
        String stateMessage) {

    public static RunOutputs of(RunView run) {
        return new RunOutputs(run.jobId(), run.runId(), run.runPageUrl(), run.lifeCycleState(), run.resultState(),
                run.stateMessage());
    }
}
