package dev.switchboard.workflowbridge.databricks;

import java.util.Set;

/**
 * One look at a run, in the Jobs API's own words: {@code life_cycle_state}, {@code result_state},
 * {@code state_message}. {@code resultState} is null until the run has one.
 */
public record RunView(long jobId, long runId, String runPageUrl, String lifeCycleState, String resultState,
        String stateMessage) {

    /** The life-cycle states after which a run never changes again. */
    private static final Set<String> TERMINAL = Set.of("TERMINATED", "SKIPPED", "INTERNAL_ERROR");

    public boolean terminal() {
        return TERMINAL.contains(lifeCycleState);
    }

    /** Only {@code TERMINATED} with {@code SUCCESS} is a success; anything else, known or not, is not. */
    public boolean succeeded() {
        return "TERMINATED".equals(lifeCycleState) && "SUCCESS".equals(resultState);
    }

    public boolean failed() {
        return terminal() && !succeeded();
    }

    /** What a state change is judged by: {@code RUNNING}, {@code TERMINATED FAILED}, ... */
    public String stateLabel() {
        return resultState == null ? lifeCycleState : lifeCycleState + " " + resultState;
    }
}
