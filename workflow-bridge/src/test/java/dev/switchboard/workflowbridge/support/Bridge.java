package dev.switchboard.workflowbridge.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflowbridge.BridgeRuntime;
import dev.switchboard.workflowbridge.WorkflowBridgeCommand;
import dev.switchboard.workflowbridge.runnow.RunNowCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The bridge in-process, against a {@link FakeDatabricksWorkspace} on a shared {@link VirtualClock}: environment,
 * credentials and Flyte variables are set per test, stdout and stderr are captured. {@link #close()} checks that no
 * secret (the PAT, the service-account token, any Databricks token the fake issued) appeared in any output.
 */
public final class Bridge implements AutoCloseable {

    public static final String PAT = "dapi0123456789abcdef0123456789abcdef-3";
    public static final String CLIENT_ID = "6f1c0a52-8b4e-4d37-9d2f-3a1b2c3d4e5f";

    public final VirtualClock clock = new VirtualClock();
    public final VirtualSleeper sleeper = new VirtualSleeper(clock);
    public final ManualTermination termination = new ManualTermination();
    public final FakeDatabricksWorkspace workspace = new FakeDatabricksWorkspace(clock);
    public final ServiceAccountTokens serviceAccountTokens = new ServiceAccountTokens();

    private final Map<String, String> env = new HashMap<>();
    private final Set<String> secrets = new HashSet<>();
    private final List<Result> results = new ArrayList<>();
    private final Path scratch;

    public Bridge() {
        try {
            scratch = Files.createTempDirectory("workflow-bridge-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What one bridge command did. */
    public record Result(int exitCode, String stdout, String stderr, Path outputDir) {

        public JsonNode json() {
            List<String> lines = stdout.lines().toList();
            assertEquals(1, lines.size(), "stdout must be exactly one JSON line, was:\n" + stdout);
            try {
                return new ObjectMapper().readTree(lines.get(0));
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + lines.get(0), e);
            }
        }

        public long runId() {
            return json().path("run_id").asLong();
        }

        /** The output files, by name; empty when none were written. */
        public Map<String, String> outputs() {
            Map<String, String> files = new LinkedHashMap<>();
            if (!Files.isDirectory(outputDir)) {
                return files;
            }
            try (Stream<Path> list = Files.list(outputDir)) {
                for (Path file : list.filter(Files::isRegularFile).sorted().toList()) {
                    files.put(file.getFileName().toString(), Files.readString(file));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return files;
        }
    }

    // ---- set-up ----------------------------------------------------------------------------------------------

    public Bridge env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public Bridge withoutEnv(String name) {
        env.remove(name);
        return this;
    }

    /** A personal access token the workspace accepts. */
    public Bridge withPat() {
        workspace.acceptPat(PAT);
        secrets.add(PAT);
        return env("DATABRICKS_PERSONAL_ACCESS_TOKEN", PAT);
    }

    /** The variables Flyte sets in a task pod, plus the node id as the docs tell to set it. */
    public Bridge flyte(String executionId, String nodeId, int attempt) {
        env("FLYTE_INTERNAL_EXECUTION_PROJECT", "forecasting");
        env("FLYTE_INTERNAL_EXECUTION_DOMAIN", "production");
        env("FLYTE_INTERNAL_EXECUTION_ID", executionId);
        env("FLYTE_INTERNAL_TASK_NAME", "pipelines.train.databricks_train");
        env("FLYTE_ATTEMPT_NUMBER", Integer.toString(attempt));
        return env("FLYTE_INTERNAL_NODE_ID", nodeId);
    }

    /** The same Flyte task, retried: only the attempt number changes. */
    public Bridge attempt(int attempt) {
        return env("FLYTE_ATTEMPT_NUMBER", Integer.toString(attempt));
    }

    /** Writes a service-account token file, as the kubelet projects it; returns its path. */
    public Path writeServiceAccountToken(String token) {
        secrets.add(token);
        Path file = scratch.resolve("sa-token");
        try {
            Files.writeString(file, token + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    public Path scratch() {
        return scratch;
    }

    // ---- running ---------------------------------------------------------------------------------------------

    /** {@code workflow-bridge run-now --host <fake> --output-dir <fresh dir> <args>}. */
    public Result runNow(String... args) {
        Path outputDir = scratch.resolve("outputs-" + results.size());
        List<String> all = new ArrayList<>(List.of("run-now", "--host", workspace.url(), "--output-dir",
                outputDir.toString()));
        all.addAll(Arrays.asList(args));
        return run(outputDir, all.toArray(String[]::new));
    }

    /** {@code workflow-bridge <args>}, nothing added. */
    public Result run(Path outputDir, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        BridgeRuntime runtime = new BridgeRuntime(Map.copyOf(env), clock, sleeper, outStream, errStream, termination);
        CommandLine commandLine = new CommandLine(WorkflowBridgeCommand.class, new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == RunNowCommand.class ? type.cast(new RunNowCommand(runtime))
                        : CommandLine.defaultFactory().create(type);
            }
        });
        commandLine.setOut(new PrintWriter(outStream, true));
        commandLine.setErr(new PrintWriter(errStream, true));
        int exitCode = commandLine.execute(args);
        Result result = new Result(exitCode, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8), outputDir);
        results.add(result);
        return result;
    }

    // ---- checks ----------------------------------------------------------------------------------------------

    /** Every secret the test handed out or the fake issued. */
    public Set<String> secrets() {
        Set<String> all = new HashSet<>(secrets);
        all.addAll(workspace.issuedTokens());
        return all;
    }

    public void assertNoSecretIn(Result result) {
        for (String secret : secrets()) {
            assertFalse(result.stdout().contains(secret), "a secret appeared on stdout");
            assertFalse(result.stderr().contains(secret), "a secret appeared on stderr");
            result.outputs().values().forEach(v -> assertFalse(v.contains(secret), "a secret appeared in an output"));
        }
    }

    public Duration elapsed() {
        return sleeper.total();
    }

    @Override
    public void close() {
        workspace.close();
        try {
            results.forEach(this::assertNoSecretIn);
        } finally {
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
