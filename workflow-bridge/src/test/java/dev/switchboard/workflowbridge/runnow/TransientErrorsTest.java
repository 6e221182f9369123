package dev.switchboard.workflowbridge.runnow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.workflowbridge.support.Bridge;
import dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.JobScript;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Databricks 429 and 5xx: retried, honouring Retry-After; a long outage ends the wait but leaves the run. */
class TransientErrorsTest {

    private final Bridge bridge = new Bridge().withPat().flyte("f8a3kq2x9p", "n2", 0);

    @AfterEach
    void close() {
        bridge.close();
    }

    @Test
    void rateLimitedRunNowWaitsAsRetryAfterSaysAndStartsOneRun() {
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(5)));
        bridge.workspace.failNext("/api/2.2/jobs/run-now", 429, 7, 2);

        Bridge.Result result = bridge.runNow("--job-id", "42");

        assertEquals(ExitCodes.SUCCESS, result.exitCode(), result.stderr());
        assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(7)), bridge.sleeper.pauses().subList(0, 2));
        assertEquals(List.of("POST /api/2.2/jobs/run-now 429", "POST /api/2.2/jobs/run-now 429",
                "POST /api/2.2/jobs/run-now 200"), bridge.workspace.requests().subList(0, 3));
        assertEquals(1, bridge.workspace.runsStarted());
    }

    @Test
    void serverErrorsWhilePollingAreRetried() {
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(5)));
        bridge.workspace.failNext("/api/2.2/jobs/runs/get", 503, null, 2);
        bridge.workspace.failNext("/api/2.2/jobs/runs/get", 429, 12, 1);

        Bridge.Result result = bridge.runNow("--job-id", "42");

        assertEquals(ExitCodes.SUCCESS, result.exitCode(), result.stderr());
        assertTrue(bridge.sleeper.pauses().contains(Duration.ofSeconds(12)), bridge.sleeper.pauses().toString());
        assertEquals(3, bridge.workspace.requests().stream().filter(r -> r.endsWith(" 503") || r.endsWith(" 429"))
                .count());
    }

    @Test
    void aLongOutageEndsTheWaitAndLeavesTheRunAlone() {
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofHours(2)));
        bridge.sleeper.onSleep((index, pause) -> {
            if (index == 1) {
                bridge.workspace.failNext("/api/2.2/jobs/runs/get", 503, null, 1000);
            }
        });

        Bridge.Result result = bridge.runNow("--job-id", "42");

        long runId = bridge.workspace.runIds().get(0);
        assertEquals(ExitCodes.BRIDGE_ERROR, result.exitCode());
        assertTrue(result.stderr().contains("runs/get for run " + runId + " failed after retrying: HTTP 503"
                + " TEMPORARILY_UNAVAILABLE"), result.stderr());
        assertTrue(result.stderr().contains("Run " + runId + " is left as it is"), result.stderr());
        assertEquals(List.of(), bridge.workspace.cancelRequests());
        assertEquals(RunNowFlow.MAX_FAILED_POLLS_IN_A_ROW, result.stderr().lines()
                .filter(line -> line.contains("failed after retrying")).count());
    }
}
