package dev.switchboard.mcpgateway.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real MCP peers from npm, pinned in {@code src/test/npm/package.json} and its lock file: the reference server
 * {@code @modelcontextprotocol/server-everything}, the MCP Inspector CLI and Claude Code. The test run installs them itself
 * ({@code npm ci} into {@code target/npm-peers}, skipped when the lock file has not changed since the last install).
 * Without {@code node}/{@code npm} on the PATH, or when the install fails, {@link #available()} is false and
 * {@link #unavailableReason()} says why, for the tests' skip message.
 */
public final class NodePeers {

    private static final Path SOURCE = Path.of("src/test/npm");
    private static final Path DIR = Path.of("target/npm-peers").toAbsolutePath();
    private static String unavailable;
    private static boolean installed;

    private NodePeers() {
    }

    /** Installs the pinned packages once per run; true when they can be used. */
    public static synchronized boolean available() {
        if (installed) {
            return true;
        }
        if (unavailable != null) {
            return false;
        }
        if (!onPath("node") || !onPath("npm")) {
            unavailable = "node and npm are not on the PATH: the tests with the real npm MCP peers are skipped";
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
            Result r = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), Map.of(),
                    Duration.ofMinutes(5));
            if (r.exit() != 0) {
                unavailable = "npm ci of src/test/npm failed (exit " + r.exit() + "): the tests with the real npm MCP "
                        + "peers are skipped\n" + r.output();
                return false;
            }
            Files.write(installedLock, lock);
            installed = true;
            return true;
        } catch (IOException e) {
            unavailable = "cannot install the npm MCP peers: " + e;
            return false;
        }
    }

    public static String unavailableReason() {
        return unavailable;
    }

    /** A running {@code mcp-server-everything}; its URL is the MCP endpoint, or the SSE endpoint in {@code sse} mode. */
    public record Everything(Process process, String url) implements AutoCloseable {
        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
    }

    /** Starts the reference server on a free loopback port, or empty when the peers are unavailable. */
    public static Optional<Everything> startEverything() {
        return startEverything("streamableHttp");
    }

    /**
     * Starts the reference server with {@code transport} {@code streamableHttp} (URL {@code http://127.0.0.1:PORT/mcp})
     * or {@code sse}, the old HTTP+SSE transport (URL {@code http://127.0.0.1:PORT/sse}, the SSE endpoint).
     */
    public static Optional<Everything> startEverything(String transport) {
        if (!available()) {
            return Optional.empty();
        }
        int port = freePort();
        String path = "sse".equals(transport) ? "/sse" : "/mcp";
        try {
            ProcessBuilder pb = new ProcessBuilder(bin("mcp-server-everything"), transport)
                    .directory(DIR.toFile()).redirectErrorStream(true)
                    .redirectOutput(DIR.resolve("server-everything-" + transport + ".log").toFile());
            pb.environment().put("PORT", Integer.toString(port));
            Process p = pb.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && p.isAlive()) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return Optional.of(new Everything(p, "http://127.0.0.1:" + port + path));
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            p.destroy();
            unavailable = "mcp-server-everything did not start: see "
                    + DIR.resolve("server-everything-" + transport + ".log");
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Runs the MCP Inspector CLI against {@code url} with {@code args}; its output is the JSON it prints. */
    public static Result inspector(String url, List<String> args) {
        List<String> command = new ArrayList<>(List.of(bin("mcp-inspector"), "--cli", url, "--transport", "http"));
        command.addAll(args);
        try {
            Path catalog = Files.createTempDirectory("mcp-inspector-catalog");
            return run(command, Map.of("MCP_CATALOG_PATH", catalog.resolve("mcp.json").toString()),
                    Duration.ofSeconds(60));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code claude ARGS...} in {@code dir} with {@code home} as its home (where {@code claude mcp add} writes)
     * and nothing of this machine's environment but {@code PATH}, plus Claude Code's switches for a closed network.
     */
    public static Result claude(Path dir, Path home, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(bin("claude")));
        command.addAll(List.of(args));
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("PATH", System.getenv("PATH"));
        all.put("HOME", home.toString());
        all.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        all.put("DISABLE_TELEMETRY", "1");
        all.put("DISABLE_ERROR_REPORTING", "1");
        all.put("DISABLE_AUTOUPDATER", "1");
        try {
            return run(command, dir, all, true, Duration.ofSeconds(90));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Map<String, String> env, Duration timeout) throws IOException {
        return run(command, DIR, env, false, timeout);
    }

    /** @param cleanEnv start from an empty environment rather than this process's */
    private static Result run(List<String> command, Path dir, Map<String, String> env, boolean cleanEnv,
                              Duration timeout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        if (cleanEnv) {
            pb.environment().clear();
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeout + ": " + String.join(" ", command));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Result(-1, "interrupted");
        }
    }

    private static String bin(String name) {
        return DIR.resolve("node_modules/.bin/" + name).toString();
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

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
