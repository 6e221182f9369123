package dev.switchboard.workflowbridge.runnow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.workflowbridge.support.Bridge;
import dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.JobScript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Flags, environment variables, defaults, and the usage errors (exit 2, nothing sent to Databricks). */
class SettingsTest {

    private final Bridge bridge = new Bridge().withPat().flyte("f8a3kq2x9p", "n2", 0);

    @AfterEach
    void close() {
        bridge.close();
    }

    @Test
    void everythingCanComeFromTheEnvironment() {
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofHours(1)));
        Path outputs = bridge.scratch().resolve("from-env");
        bridge.env("DATABRICKS_HOST", bridge.workspace.url())
                .env("DATABRICKS_JOB_ID", "42")
                .env("DATABRICKS_JOB_PARAMETERS", "{\"run_date\":\"2026-11-24\",\"shards\":8}")
                .env("WORKFLOW_BRIDGE_SKIP_WAIT_FOR_COMPLETION", "true")
                .env("WORKFLOW_BRIDGE_OUTPUT_DIR", outputs.toString());

        Bridge.Result result = bridge.run(outputs, "run-now");

        assertEquals(ExitCodes.SUCCESS, result.exitCode(), result.stderr());
        long runId = bridge.workspace.runIds().get(0);
        assertEquals(Map.of("run_date", "2026-11-24", "shards", "8"), bridge.workspace.parametersOf(runId));
        assertEquals(Long.toString(runId), result.outputs().get("run_id"));
    }

    @Test
    void flagsWinOverTheEnvironment() {
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(1)));
        bridge.env("DATABRICKS_HOST", "https://adb-1.1.azuredatabricks.net")
                .env("DATABRICKS_JOB_ID", "7")
                .env("DATABRICKS_JOB_PARAMETERS", "{\"from\":\"env\"}")
                .env("WORKFLOW_BRIDGE_SKIP_WAIT_FOR_COMPLETION", "true");

        Bridge.Result result = bridge.runNow("--job-id", "42", "-p", "from=flag", "--skip-wait-for-completion=false");

        assertEquals(ExitCodes.SUCCESS, result.exitCode(), result.stderr());
        long runId = bridge.workspace.runIds().get(0);
        assertEquals(Map.of("from", "flag"), bridge.workspace.parametersOf(runId));
        assertEquals("SUCCESS", result.json().path("result_state").asText(), "it waited: the flag said false");
    }

    @Test
    void missingHostOrJobIdIsAUsageError() {
        Bridge.Result noHost = bridge.run(bridge.scratch(), "run-now", "--job-id", "42");
        Bridge.Result noJob = bridge.runNow();

        assertEquals(ExitCodes.USAGE, noHost.exitCode());
        assertTrue(noHost.stderr().contains("missing --host (or DATABRICKS_HOST)"), noHost.stderr());
        assertEquals(ExitCodes.USAGE, noJob.exitCode());
        assertTrue(noJob.stderr().contains("missing --job-id / DATABRICKS_JOB_ID"), noJob.stderr());
        assertEquals(List.of(), bridge.workspace.requests());
    }

    @Test
    void noCredentialsNamesBothOptions() {
        bridge.withoutEnv("DATABRICKS_PERSONAL_ACCESS_TOKEN");

        Bridge.Result result = bridge.runNow("--job-id", "42");

        assertEquals(ExitCodes.USAGE, result.exitCode());
        assertTrue(result.stderr().contains("no Databricks credentials: set DATABRICKS_PERSONAL_ACCESS_TOKEN to a"
                + " personal access token, or DATABRICKS_SERVICE_PRINCIPAL_CLIENT_ID to the service principal"),
                result.stderr());
        assertEquals(List.of(), bridge.workspace.requests());
    }

    @Test
    void outsideFlyteAnIdempotencyKeyIsRequired() {
        bridge.withoutEnv("FLYTE_INTERNAL_EXECUTION_ID");
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(1)));

        Bridge.Result refused = bridge.runNow("--job-id", "42");
        Bridge.Result keyed = bridge.runNow("--job-id", "42", "--idempotency-key", "backfill-2026-11-24");

        assertEquals(ExitCodes.USAGE, refused.exitCode());
        assertTrue(refused.stderr().contains("no Flyte execution in the environment"), refused.stderr());
        assertEquals(ExitCodes.SUCCESS, keyed.exitCode(), keyed.stderr());
    }

    @Test
    void missingNodeIdIsWarnedAbout() {
        bridge.withoutEnv("FLYTE_INTERNAL_NODE_ID");
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(1)));

        Bridge.Result result = bridge.runNow("--job-id", "42");

        assertEquals(ExitCodes.SUCCESS, result.exitCode());
        assertTrue(result.stderr().contains("warning: no Flyte node id"), result.stderr());
    }

    @Test
    void wrongValuesAreUsageErrors() {
        assertEquals(ExitCodes.USAGE, bridge.runNow("--job-id", "forty-two").exitCode());
        assertEquals(ExitCodes.USAGE, bridge.runNow("--job-id", "-1").exitCode());
        assertEquals(ExitCodes.USAGE, bridge.runNow("--job-id", "42", "--timeout-seconds", "-5").exitCode());
        assertEquals(ExitCodes.USAGE, bridge.env("DATABRICKS_JOB_PARAMETERS", "[1,2]").runNow("--job-id", "42")
                .exitCode());
        assertEquals(ExitCodes.USAGE, bridge.run(bridge.scratch(), "run-now", "--host",
                "http://adb-1.1.azuredatabricks.net", "--job-id", "42").exitCode());
        assertEquals(ExitCodes.USAGE, bridge.run(bridge.scratch()).exitCode(), "no command");
        assertEquals(List.of(), bridge.workspace.requests());
    }
}
