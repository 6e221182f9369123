package dev.switchboard.workflowbridge.runnow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.workflowbridge.support.Bridge;
import dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.JobScript;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while waiting (the pod is deleted, or Flyte's own timeout fires). In-process, the JVM's shutdown hook is
 * stood in for by {@code termination.fire()}; WorkflowBridgeJarIT sends a real SIGTERM to the packaged jar.
 */
class SigtermTest {

    private final Bridge bridge = new Bridge().withPat().flyte("f8a3kq2x9p", "n2", 0);

    @AfterEach
    void close() {
        bridge.close();
    }

    @Test
    void byDefaultTheRunIsLeftRunningForARetryToReattach() {
        bridge.workspace.job(42, JobScript.runsUntilTold());
        sigtermAtPoll(2);

        Bridge.Result result = bridge.runNow("--job-id", "42");

        long runId = bridge.workspace.runIds().get(0);
        assertEquals(ExitCodes.TERMINATED, result.exitCode());
        assertEquals(List.of(), bridge.workspace.cancelRequests());
        assertTrue(result.stderr().contains("SIGTERM: leaving run " + runId + " running"), result.stderr());
        assertTrue(result.stderr().contains("a retry of this task re-attaches to it"), result.stderr());
    }

    @Test
    void withCancelOnSigtermTheRunIsCancelled() {
        bridge.workspace.job(42, JobScript.runsUntilTold());
        sigtermAtPoll(2);

        Bridge.Result result = bridge.runNow("--job-id", "42", "--cancel-on-sigterm");

        long runId = bridge.workspace.runIds().get(0);
        assertEquals(List.of(runId), bridge.workspace.cancelRequests());
        assertTrue(result.stderr().contains("SIGTERM: cancel of run " + runId + " requested"), result.stderr());
    }

    @Test
    void afterTheCommandEndsSigtermDoesNothing() {
        bridge.workspace.job(42, JobScript.succeedsAfter(java.time.Duration.ofMinutes(1)));

        bridge.runNow("--job-id", "42", "--cancel-on-sigterm");

        assertFalse(bridge.termination.armed());
    }

    private void sigtermAtPoll(int poll) {
        bridge.sleeper.onSleep((index, pause) -> {
            if (index == poll) {
                bridge.termination.fire();
                throw new InterruptedException("SIGTERM");
            }
        });
    }
}
