package dev.switchboard.workflowbridge.runnow;

import static dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.Ending.CANCELED;
import static dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.Ending.FAILED;
import static dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.Ending.INTERNAL_ERROR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.workflowbridge.support.Bridge;
import dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.JobScript;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every way a run-now command ends, with its exit code, its message and its outputs. */
class RunNowExitPathsTest {

    private final Bridge bridge = new Bridge().withPat().flyte("f8a3kq2x9p", "n2", 0);

    @AfterEach
    void close() {
        bridge.close();
    }

    @Test
    void successExitsZeroWritesTheOutputsAndPrintsOneJsonLine() {
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(3)));

        Bridge.Result result = bridge.runNow("--job-id", "42", "-p", "run_date=2026-11-24", "-p", "region=eu");

        assertEquals(ExitCodes.SUCCESS, result.exitCode(), result.stderr());
        long runId = bridge.workspace.runIds().get(0);
        JsonNode json = result.json();
        assertEquals(42, json.path("job_id").asLong());
        assertEquals(runId, json.path("run_id").asLong());
        assertEquals("TERMINATED", json.path("life_cycle_state").asText());
        assertEquals("SUCCESS", json.path("result_state").asText());
        String runPage = bridge.workspace.url() + "/?o=1234567890123456#job/42/run/" + runId;
        assertEquals(runPage, json.path("run_page_url").asText());
        assertEquals(Map.of("run_id", Long.toString(runId), "run_page_url", runPage, "result_state", "SUCCESS",
                "life_cycle_state", "TERMINATED"), result.outputs());
        assertEquals(Map.of("run_date", "2026-11-24", "region", "eu"), bridge.workspace.parametersOf(runId));
        // Each state change is printed once, with the run page.
        assertTrue(result.stderr().contains(runPage), result.stderr());
        assertEquals(1, count(result.stderr(), "run " + runId + ": PENDING"));
        assertEquals(1, count(result.stderr(), "run " + runId + ": RUNNING"));
        assertEquals(1, count(result.stderr(), "run " + runId + ": TERMINATED SUCCESS"));
    }

    @Test
    void failedRunExitsOneWithDatabricksStateMessage() {
        bridge.workspace.job(42, JobScript.endingWith(FAILED, Duration.ofMinutes(2))
                .withMessage("Task train failed with message: ValueError: learning_rate must be > 0."));

        Bridge.Result result = bridge.runNow("--job-id", "42");

        assertEquals(ExitCodes.RUN_FAILED, result.exitCode());
        assertTrue(result.stderr().contains("ended TERMINATED FAILED: Task train failed with message: ValueError:"
                + " learning_rate must be > 0."), result.stderr());
        assertEquals("FAILED", result.json().path("result_state").asText());
        assertEquals(Map.of(), result.outputs(), "no outputs for a failed run");
    }

    @Test
    void internalErrorExitsOneWithTheMessage() {
        bridge.workspace.job(42, JobScript.endingWith(INTERNAL_ERROR, Duration.ofMinutes(2)));

        Bridge.Result result = bridge.runNow("--job-id", "42");

        assertEquals(ExitCodes.RUN_FAILED, result.exitCode());
        assertTrue(result.stderr().contains("ended INTERNAL_ERROR FAILED: Cluster 0123-456789-abcdefgh was"
                + " terminated: driver unreachable."), result.stderr());
        assertEquals("INTERNAL_ERROR", result.json().path("life_cycle_state").asText());
    }

    @Test
    void runCancelledInDatabricksExitsOne() {
        bridge.workspace.job(42, JobScript.runsUntilTold());
        bridge.sleeper.onSleep((index, pause) -> {
            if (index == 4) {
                bridge.workspace.finish(bridge.workspace.runIds().get(0), CANCELED, "Run cancelled by ana@example.com.");
            }
        });

        Bridge.Result result = bridge.runNow("--job-id", "42");

        assertEquals(ExitCodes.RUN_FAILED, result.exitCode());
        assertTrue(result.stderr().contains("ended TERMINATED CANCELED: Run cancelled by ana@example.com."),
                result.stderr());
        assertEquals(List.of(), bridge.workspace.cancelRequests(), "the bridge itself cancelled nothing");
    }

    @Test
    void timeoutCancelsTheRunWaitsForTheConfirmationAndExitsThree() {
        bridge.workspace.job(42, JobScript.runsUntilTold());

        Bridge.Result result = bridge.runNow("--job-id", "42", "--timeout-seconds", "2000");

        long runId = bridge.workspace.runIds().get(0);
        assertEquals(ExitCodes.TIMED_OUT, result.exitCode());
        assertEquals(List.of(runId), bridge.workspace.cancelRequests());
        // It saw the cancellation in progress and waited until Databricks reported it done (it takes 15 s).
        assertTrue(result.stderr().contains("run " + runId + ": TERMINATING"), result.stderr());
        assertTrue(result.stderr().contains("Databricks run " + runId + " of job 42 did not finish within"
                + " timeout-seconds=2000; it was cancelled, Databricks reports TERMINATED CANCELED"), result.stderr());
        assertTrue(bridge.elapsed().compareTo(Duration.ofSeconds(2015)) >= 0, bridge.elapsed().toString());
        assertTrue(bridge.elapsed().compareTo(Duration.ofSeconds(2060)) < 0, bridge.elapsed().toString());
        assertEquals("CANCELED", result.json().path("result_state").asText());
    }

    @Test
    void timeoutWithoutCancelConfirmationStillExitsThreeAndSaysSo() {
        bridge.workspace.job(42, JobScript.runsUntilTold().ignoringCancel());

        Bridge.Result result = bridge.runNow("--job-id", "42", "--timeout-seconds", "600",
                "--cancel-timeout-seconds", "120");

        assertEquals(ExitCodes.TIMED_OUT, result.exitCode());
        assertTrue(result.stderr().contains("it was asked to cancel, but Databricks did not confirm it within"
                + " cancel-timeout-seconds=120; it may still be running"), result.stderr());
        assertEquals(Duration.ofSeconds(720), bridge.elapsed());
    }

    @Test
    void aRunThatSucceedsBeforeTheCancellationTakesEffectIsTheSuccessItIs() {
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofSeconds(590)).ignoringCancel());

        Bridge.Result result = bridge.runNow("--job-id", "42", "--timeout-seconds", "600");

        assertEquals(ExitCodes.SUCCESS, result.exitCode(), result.stderr());
        assertEquals(List.of(bridge.workspace.runIds().get(0)), bridge.workspace.cancelRequests());
        assertTrue(result.stderr().contains("finished successfully before the cancellation took effect"),
                result.stderr());
        assertEquals("SUCCESS", result.outputs().get("result_state"));
    }

    @Test
    void skipWaitExitsZeroRightAfterRunNowWithOutputs() {
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofHours(5)));

        Bridge.Result result = bridge.runNow("--job-id", "42", "--skip-wait-for-completion");

        assertEquals(ExitCodes.SUCCESS, result.exitCode(), result.stderr());
        assertEquals(Duration.ZERO, bridge.elapsed(), "did not wait at all");
        assertEquals(List.of("POST /api/2.2/jobs/run-now 200", "GET /api/2.2/jobs/runs/get 200"),
                bridge.workspace.requests());
        long runId = bridge.workspace.runIds().get(0);
        assertEquals(Long.toString(runId), result.outputs().get("run_id"));
        assertEquals("PENDING", result.outputs().get("life_cycle_state"));
        assertEquals("", result.outputs().get("result_state"));
        assertEquals(runId, result.json().path("run_id").asLong());
    }

    @Test
    void noLimitWhenTimeoutIsZero() {
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofHours(30)));

        Bridge.Result result = bridge.runNow("--job-id", "42", "--timeout-seconds", "0",
                "--max-poll-interval-seconds", "3600");

        assertEquals(ExitCodes.SUCCESS, result.exitCode(), result.stderr());
        assertTrue(bridge.elapsed().compareTo(Duration.ofHours(30)) > 0);
    }

    @Test
    void unknownJobExitsFourWithDatabricksError() {
        Bridge.Result result = bridge.runNow("--job-id", "404");

        assertEquals(ExitCodes.BRIDGE_ERROR, result.exitCode());
        assertTrue(result.stderr().contains("run-now for job 404 failed: HTTP 400 INVALID_PARAMETER_VALUE: Job 404"
                + " does not exist."), result.stderr());
        assertEquals("", result.stdout(), "no run, no result line");
    }

    @Test
    void rejectedTokenExitsFourWithoutRetrying() {
        bridge.env("DATABRICKS_PERSONAL_ACCESS_TOKEN", "dapi-revoked-0000000000000000");
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(1)));

        Bridge.Result result = bridge.runNow("--job-id", "42");

        assertEquals(ExitCodes.BRIDGE_ERROR, result.exitCode());
        assertTrue(result.stderr().contains("HTTP 403 PERMISSION_DENIED: Invalid access token."), result.stderr());
        assertTrue(!result.stderr().contains("dapi-revoked"), "the token is never printed");
        assertEquals(1, bridge.workspace.count("POST /api/2.2/jobs/run-now"));
    }

    @Test
    void unwritableOutputDirectoryExitsFour() throws Exception {
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(1)));
        java.nio.file.Path blocker = bridge.scratch().resolve("not-a-directory");
        java.nio.file.Files.writeString(blocker, "x");

        Bridge.Result result = bridge.run(blocker.resolve("out"), "run-now", "--host", bridge.workspace.url(),
                "--job-id", "42", "--output-dir", blocker.resolve("out").toString());

        assertEquals(ExitCodes.BRIDGE_ERROR, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("could not write the outputs to " + blocker.resolve("out")),
                result.stderr());
    }

    private static long count(String text, String part) {
        return text.lines().filter(line -> line.contains(part)).count();
    }
}
