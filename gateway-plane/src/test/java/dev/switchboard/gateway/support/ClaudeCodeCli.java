package dev.switchboard.gateway.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Claude Code CLI, pinned in {@code src/test/claude-code/package.json} and its lock file, installed by the test
 * run itself ({@code npm ci} into {@code target/claude-code}, skipped when the lock file has not changed since the last
 * install). Without {@code node}/{@code npm} on the PATH, or when the install fails, {@link #available()} is false and
 * {@link #unavailableReason()} says why, for the tests' skip message.
 *
 * <p>Each run gets a clean environment (only {@code PATH}, a fresh {@code HOME} and what the test passes), so that
 * nothing of the machine's own Claude Code setup or credentials reaches it, and Claude Code's documented switches for
 * a closed network: no telemetry, error reporting, auto-update or other non-essential traffic.
 */
public final class ClaudeCodeCli {

    private static final Path SOURCE = Path.of("src/test/claude-code");
    private static final Path DIR = Path.of("target/claude-code").toAbsolutePath();
    private static String unavailable;
    private static boolean installed;

    private ClaudeCodeCli() {
    }

    /** Installs the pinned CLI once per run; true when it can be used. */
    public static synchronized boolean available() {
        if (installed) {
            return true;
        }
        if (unavailable != null) {
            return false;
        }
        if (!onPath("node") || !onPath("npm")) {
            unavailable = "node and npm are not on the PATH: the tests with the real Claude Code CLI are skipped";
            return false;
        }
        try {
            Files.createDirectories(DIR);
            byte[] lock = Files.readAllBytes(SOURCE.resolve("package-lock.json"));
            Path installedLock = DIR.resolve("node_modules/.package-lock.json.source");
            if (Files.exists(installedLock) && Arrays.equals(lock, Files.readAllBytes(installedLock))) {
                installed = true;
                return true;
            }
            Files.copy(SOURCE.resolve("package.json"), DIR.resolve("package.json"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(SOURCE.resolve("package-lock.json"), DIR.resolve("package-lock.json"),
                    StandardCopyOption.REPLACE_EXISTING);
            Result r = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), DIR,
                    Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home")), Duration.ofMinutes(5));
            if (r.exit() != 0) {
                unavailable = "npm ci of src/test/claude-code failed (exit " + r.exit()
                        + "): the tests with the real Claude Code CLI are skipped\n" + r.output();
                return false;
            }
            Files.write(installedLock, lock);
            installed = true;
            return true;
        } catch (IOException e) {
            unavailable = "cannot install Claude Code: " + e;
            return false;
        }
    }

    public static String unavailableReason() {
        return unavailable;
    }

    /**
     * {@code claude -p PROMPT --output-format json ARGS...} in {@code workDir}, with a fresh home and {@code env} on top
     * of the closed-network switches (the gateway's URL and key go in {@code env}).
     */
    public static Result print(Path workDir, String prompt, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(DIR.resolve("node_modules/.bin/claude").toString(), "-p", prompt,
                "--output-format", "json"));
        command.addAll(List.of(args));
        return claude(workDir, command, env);
    }

    private static Result claude(Path workDir, List<String> command, Map<String, String> env) {
        try {
            Map<String, String> all = new java.util.HashMap<>();
            all.put("PATH", System.getenv("PATH"));
            all.put("HOME", Files.createTempDirectory("claude-code-home").toString());
            all.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
            all.put("DISABLE_TELEMETRY", "1");
            all.put("DISABLE_ERROR_REPORTING", "1");
            all.put("DISABLE_AUTOUPDATER", "1");
            all.putAll(env);
            return run(command, workDir, all, Duration.ofSeconds(120));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Path dir, Map<String, String> env, Duration timeout)
            throws IOException {
        Path out = Files.createTempFile("claude-code-run", ".out");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeout + ": " + String.join(" ", command) + "\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Result(-1, "interrupted");
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
