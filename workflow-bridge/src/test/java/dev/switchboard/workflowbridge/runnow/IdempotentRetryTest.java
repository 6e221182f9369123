package dev.switchboard.workflowbridge.runnow;

import static dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.Ending.FAILED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.workflowbridge.support.Bridge;
import dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.JobScript;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Flyte retries a task pod: the retry must find the run the first attempt started, never start a second one. */
class IdempotentRetryTest {

    private final Bridge bridge = new Bridge().withPat().flyte("f8a3kq2x9p", "n2", 0);

    @AfterEach
    void close() {
        bridge.close();
    }

    @Test
    void aRetriedPodReattachesToTheRunItsFirstAttemptStarted() {
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(5)));
        killPodAtPoll(3);
        Bridge.Result first = bridge.runNow("--job-id", "42");
        bridge.sleeper.onSleep((index, pause) -> { });

        Bridge.Result retry = bridge.attempt(1).runNow("--job-id", "42");

        assertEquals(ExitCodes.TERMINATED, first.exitCode());
        assertEquals(ExitCodes.SUCCESS, retry.exitCode(), retry.stderr());
        assertEquals(1, bridge.workspace.runsStarted(), "one Databricks run for one logical task");
        assertEquals(first.runId(), retry.runId());
        assertEquals(2, bridge.workspace.count("POST /api/2.2/jobs/run-now"));
    }

    @Test
    void aLostRunNowAnswerIsRetriedWithTheSameTokenAndStartsOneRun() {
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(5)));
        bridge.workspace.loseNextAnswer("/api/2.2/jobs/run-now", 502);

        Bridge.Result result = bridge.runNow("--job-id", "42");

        assertEquals(ExitCodes.SUCCESS, result.exitCode(), result.stderr());
        assertEquals(List.of("POST /api/2.2/jobs/run-now 502", "POST /api/2.2/jobs/run-now 200"),
                bridge.workspace.requests().subList(0, 2));
        assertEquals(1, bridge.workspace.runsStarted());
    }

    @Test
    void otherNodesAndOtherExecutionsGetTheirOwnRuns() {
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(5)));

        long n2 = bridge.runNow("--job-id", "42").runId();
        long n3 = bridge.env("FLYTE_INTERNAL_NODE_ID", "n3").runNow("--job-id", "42").runId();
        long nextExecution = bridge.flyte("a9zz01bb7c", "n2", 0).runNow("--job-id", "42").runId();
        long otherParameters = bridge.runNow("--job-id", "42", "-p", "run_date=2026-11-25").runId();

        assertEquals(4, bridge.workspace.runsStarted());
        assertEquals(4, List.of(n2, n3, nextExecution, otherParameters).stream().distinct().count());
    }

    @Test
    void aRetryThatFindsTheEarlierRunFailedFailsAndStartsNothing() {
        bridge.workspace.job(42, JobScript.endingWith(FAILED, Duration.ofMinutes(10)));
        Bridge.Result first = bridge.runNow("--job-id", "42");
        Duration before = bridge.elapsed();

        Bridge.Result retry = bridge.attempt(1).runNow("--job-id", "42");

        assertEquals(ExitCodes.RUN_FAILED, first.exitCode());
        assertEquals(ExitCodes.RUN_FAILED, retry.exitCode(), "a re-attached failed run is never a success");
        assertEquals(1, bridge.workspace.runsStarted());
        assertEquals(first.runId(), retry.runId());
        assertEquals(before, bridge.elapsed(), "nothing to wait for");
        assertTrue(retry.stderr().contains("ended TERMINATED FAILED: Task train failed"), retry.stderr());
        assertTrue(retry.stderr().contains("attempt 1 of the Flyte task: it re-attached to the run an earlier attempt"
                + " started, which had failed"), retry.stderr());
        assertTrue(retry.stderr().contains("--fresh-run-on-retry"), retry.stderr());
        assertEquals(java.util.Map.of(), retry.outputs());
    }

    @Test
    void withFreshRunOnRetryARetryStartsANewRunAfterAFailedOne() {
        bridge.workspace.job(42, JobScript.endingWith(FAILED, Duration.ofMinutes(10)));
        Bridge.Result first = bridge.runNow("--job-id", "42", "--fresh-run-on-retry");
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(10))); // the cause got fixed

        Bridge.Result retry = bridge.attempt(1).runNow("--job-id", "42", "--fresh-run-on-retry");

        assertEquals(ExitCodes.RUN_FAILED, first.exitCode());
        assertEquals(ExitCodes.SUCCESS, retry.exitCode(), retry.stderr());
        assertEquals(2, bridge.workspace.runsStarted());
        assertNotEquals(first.runId(), retry.runId());
        assertTrue(retry.stderr().contains("fresh-run-on-retry: moving on to a fresh run"), retry.stderr());
    }

    @Test
    void aLaterRetryReattachesToTheFreshRunOfAnEarlierRetry() {
        bridge.workspace.job(42, JobScript.endingWith(FAILED, Duration.ofMinutes(10)));
        bridge.runNow("--job-id", "42", "--fresh-run-on-retry");
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(5)));
        killPodAtPoll(2);
        Bridge.Result secondAttempt = bridge.attempt(1).runNow("--job-id", "42", "--fresh-run-on-retry");
        bridge.sleeper.onSleep((index, pause) -> { });

        Bridge.Result thirdAttempt = bridge.attempt(2).runNow("--job-id", "42", "--fresh-run-on-retry");

        assertEquals(ExitCodes.TERMINATED, secondAttempt.exitCode());
        assertEquals(ExitCodes.SUCCESS, thirdAttempt.exitCode(), thirdAttempt.stderr());
        assertEquals(2, bridge.workspace.runsStarted(), "the third attempt started nothing new");
        assertEquals(secondAttempt.runId(), thirdAttempt.runId());
    }

    @Test
    void aRetryThatFindsTheEarlierRunSucceededSucceedsAtOnce() {
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(10)));
        Bridge.Result first = bridge.runNow("--job-id", "42");
        Duration before = bridge.elapsed();

        Bridge.Result retry = bridge.attempt(1).runNow("--job-id", "42");

        assertEquals(ExitCodes.SUCCESS, retry.exitCode());
        assertEquals(first.runId(), retry.runId());
        assertEquals(before, bridge.elapsed());
        assertEquals("SUCCESS", retry.outputs().get("result_state"));
    }

    /** The pod is deleted while waiting: SIGTERM, then the JVM stops (here: the wait is interrupted). */
    private void killPodAtPoll(int poll) {
        bridge.sleeper.onSleep((index, pause) -> {
            if (index == poll) {
                bridge.termination.fire();
                throw new InterruptedException("SIGTERM");
            }
        });
    }
}
