package dev.switchboard.workflowbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflowbridge.runnow.RunNowSettings;
import dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace;
import dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.FederationPolicy;
import dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.JobScript;
import dev.switchboard.workflowbridge.support.ServiceAccountTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged application ({@code java -jar target/quarkus-app/quarkus-run.jar}) as a real process: its own
 * environment, real stdout and stderr, a real SIGTERM. The fake workspace runs on the real clock here.
 */
class WorkflowBridgeJarIT {

    private static final Path JAR = Path.of(System.getProperty("workflow-bridge.jar",
            "target/quarkus-app/quarkus-run.jar"));
    private static final String PAT = "dapi0123456789abcdef0123456789abcdef-it";

    private final FakeDatabricksWorkspace workspace = new FakeDatabricksWorkspace(Clock.systemUTC()).acceptPat(PAT);

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        workspace.close();
    }

    private record Finished(int exitCode, String stdout, String stderr) {
    }

    private Map<String, String> flyteEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin"); // as in any container; the SDK's User-Agent code needs it
        env.put("FLYTE_INTERNAL_EXECUTION_PROJECT", "forecasting");
        env.put("FLYTE_INTERNAL_EXECUTION_DOMAIN", "production");
        env.put("FLYTE_INTERNAL_EXECUTION_ID", "f8a3kq2x9p");
        env.put("FLYTE_INTERNAL_NODE_ID", "n2");
        env.put("FLYTE_ATTEMPT_NUMBER", "0");
        env.put("DATABRICKS_HOST", workspace.url());
        return env;
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
    }

    private Finished finish(Process process) throws Exception {
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the bridge did not end");
        return new Finished(process.exitValue(), Files.readString(dir.resolve("stdout")),
                Files.readString(dir.resolve("stderr")));
    }

    private static String poll(String seconds) {
        return "--poll-interval-seconds=" + seconds;
    }

    @Test
    void runsAJobToSuccessWritesOutputsAndPrintsOnlyTheResultOnStdout() throws Exception {
        workspace.job(42, new JobScript(Duration.ofMillis(200), Duration.ofMillis(500),
                FakeDatabricksWorkspace.Ending.SUCCESS, "", Duration.ZERO, false));
        Map<String, String> env = flyteEnv();
        env.put("DATABRICKS_PERSONAL_ACCESS_TOKEN", PAT);
        env.put("DATABRICKS_JOB_PARAMETERS", "{\"run_date\":\"2026-11-24\"}");
        Path outputs = dir.resolve("outputs");

        Finished run = finish(start(env, "run-now", "--job-id", "42", "--output-dir", outputs.toString(),
                poll("0.1"), "--max-poll-interval-seconds=0.2"));

        assertEquals(0, run.exitCode(), run.stderr());
        long runId = workspace.runIds().get(0);
        List<String> stdout = run.stdout().lines().toList();
        assertEquals(1, stdout.size(), run.stdout());
        JsonNode json = new ObjectMapper().readTree(stdout.get(0));
        assertEquals(runId, json.path("run_id").asLong());
        assertEquals("SUCCESS", json.path("result_state").asText());
        assertEquals(Long.toString(runId), Files.readString(outputs.resolve("run_id")));
        assertEquals("SUCCESS", Files.readString(outputs.resolve("result_state")));
        // Which intermediate states a real-time poll sees depends on the machine; RunNowExitPathsTest pins them.
        assertTrue(run.stderr().contains("run " + runId + ": TERMINATED SUCCESS"), run.stderr());
        assertEquals(Map.of("run_date", "2026-11-24"), workspace.parametersOf(runId));
        assertFalse(run.stdout().contains(PAT) || run.stderr().contains(PAT), "the PAT was printed");
    }

    @Test
    void exchangesTheServiceAccountTokenInThePackagedApp() throws Exception {
        ServiceAccountTokens tokens = new ServiceAccountTokens();
        workspace.federate(new FederationPolicy("6f1c0a52-8b4e-4d37-9d2f-3a1b2c3d4e5f", ServiceAccountTokens.ISSUER,
                ServiceAccountTokens.SUBJECT, ServiceAccountTokens.AUDIENCE, tokens.publicKey(), Duration.ofHours(1)));
        workspace.job(42, JobScript.succeedsAfter(Duration.ofHours(1)));
        String subjectToken = tokens.issue(Instant.now());
        Path tokenFile = Files.writeString(dir.resolve("token"), subjectToken);
        Map<String, String> env = flyteEnv();
        env.put("DATABRICKS_SERVICE_PRINCIPAL_CLIENT_ID", "6f1c0a52-8b4e-4d37-9d2f-3a1b2c3d4e5f");
        env.put("DATABRICKS_OIDC_TOKEN_FILEPATH", tokenFile.toString());

        Finished run = finish(start(env, "run-now", "--job-id", "42", "--skip-wait-for-completion",
                "--output-dir", dir.resolve("outputs").toString()));

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(1, workspace.tokenExchanges());
        assertEquals(1, workspace.runsStarted());
        for (String secret : workspace.issuedTokens()) {
            assertFalse(run.stdout().contains(secret) || run.stderr().contains(secret), "a Databricks token leaked");
        }
        assertFalse(run.stdout().contains(subjectToken) || run.stderr().contains(subjectToken),
                "the service-account token leaked");
    }

    @Test
    void sigtermLeavesTheRunRunningByDefault() throws Exception {
        Finished run = sigtermWhileWaiting();

        assertEquals(143, run.exitCode(), run.stderr());
        long runId = workspace.runIds().get(0);
        assertTrue(run.stderr().contains("SIGTERM: leaving run " + runId + " running"), run.stderr());
        assertEquals(List.of(), workspace.cancelRequests());
    }

    @Test
    void sigtermCancelsTheRunWithCancelOnSigterm() throws Exception {
        Finished run = sigtermWhileWaiting("--cancel-on-sigterm");

        assertEquals(143, run.exitCode(), run.stderr());
        long runId = workspace.runIds().get(0);
        assertEquals(List.of(runId), workspace.cancelRequests());
        assertTrue(run.stderr().contains("SIGTERM: cancel of run " + runId + " requested"), run.stderr());
    }

    private Finished sigtermWhileWaiting(String... extra) throws Exception {
        workspace.job(42, JobScript.runsUntilTold());
        Map<String, String> env = flyteEnv();
        env.put("DATABRICKS_PERSONAL_ACCESS_TOKEN", PAT);
        List<String> args = new ArrayList<>(List.of("run-now", "--job-id", "42", poll("0.1"),
                "--max-poll-interval-seconds=0.1", "--output-dir", dir.resolve("outputs").toString()));
        args.addAll(List.of(extra));
        Process process = start(env, args.toArray(String[]::new));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (workspace.count("GET /api/2.2/jobs/runs/get") < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        process.destroy(); // SIGTERM
        return finish(process);
    }

    @Test
    void helpNamesEveryEnvironmentVariable() throws Exception {
        Finished help = finish(start(Map.of(), "run-now", "--help"));

        assertEquals(0, help.exitCode());
        for (String variable : List.of(RunNowSettings.HOST, RunNowSettings.JOB_ID, RunNowSettings.JOB_PARAMETERS,
                RunNowSettings.TIMEOUT_SECONDS, RunNowSettings.SKIP_WAIT, RunNowSettings.OUTPUT_DIR,
                RunNowSettings.FRESH_RUN_ON_RETRY, RunNowSettings.CANCEL_ON_SIGTERM, RunNowSettings.POLL_INTERVAL,
                RunNowSettings.MAX_POLL_INTERVAL, RunNowSettings.CANCEL_TIMEOUT, RunNowSettings.IDEMPOTENCY_KEY,
                RunNowSettings.PAT, RunNowSettings.CLIENT_ID, RunNowSettings.OIDC_TOKEN_FILE,
                RunNowSettings.OIDC_TOKEN_ENDPOINT)) {
            assertTrue(help.stdout().contains(variable), variable + " is not in --help");
        }
    }
}
