package dev.switchboard.controlplane.support;

import dev.switchboard.teststack.LocalStack;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One control plane as it ships, for the failsafe ITs: the packaged {@code quarkus-run.jar} (failsafe names it in
 * {@code control-plane.jar}) as a process of its own on a free port, on the local stack's PostgreSQL, with the system
 * properties and the {@code SWITCHBOARD_*} environment the test gives (none inherited), its output in a log file.
 */
public final class PackagedControlPlane implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Path log;
    private final Process process;

    /**
     * @param properties {@code -Dname=value} arguments besides the HTTP address and the datasource
     * @param env        the {@code SWITCHBOARD_*} variables (admin token, master key)
     */
    public PackagedControlPlane(String name, List<String> properties, Map<String, String> env) throws IOException {
        this.name = name;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        log = Files.createTempFile("switchboard-control-plane-" + name, ".log");
        LocalStack stack = LocalStack.get();
        Path jar = Path.of(System.getProperty("control-plane.jar", "target/quarkus-app/quarkus-run.jar"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.reactive.url=postgresql://" + stack.pgHost() + ":" + stack.pgPort() + "/"
                        + stack.pgDatabase(),
                "-Dquarkus.datasource.username=" + stack.pgUser()));
        command.addAll(properties);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
        builder.environment().putAll(env);
        process = builder.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Waits until {@code /q/health/ready} answers 200; fails at once with the log's tail if the process exits. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (status("/q/health/ready") != 200) {
            if (!process.isAlive()) {
                throw new AssertionError("control plane " + name + " exited: " + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("control plane " + name + " not ready within " + timeout.toSeconds() + " s: "
                        + logTail());
            }
            Thread.sleep(50);
        }
    }

    /** The status of a GET, or -1 when nothing answers. */
    public int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** SIGKILL: no shutdown hook runs, the kernel drops its connections. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }

    /** SIGTERM, and SIGKILL if it has not exited within a minute. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
