package dev.switchboard.teststack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Switchboard service as it ships — a packaged Quarkus {@code quarkus-run.jar} — in a process of its own on a loopback
 * port chosen once, so that it can be stopped (SIGTERM), killed (SIGKILL) and started again on the same port with the
 * same settings. Nothing of the environment's own {@code SWITCHBOARD_*} settings reaches it; its output goes to a log
 * file that {@link #logTail} and {@link #logContains} read.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path jar;
    private final int port;
    private final Map<String, String> properties;
    private final Map<String, String> env;
    private final Path log;
    private Process process;
    private Thread killOnExit;

    private ServiceProcess(String name, Path jar, Map<String, String> properties, Map<String, String> env) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + " is not packaged: " + jar + " is missing. Build it first, e.g. "
                    + "./mvnw -q -pl control-plane,gateway-plane -am package -DskipTests");
        }
        this.name = name;
        this.jar = jar;
        this.properties = new LinkedHashMap<>(properties);
        this.env = new LinkedHashMap<>(env);
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
            this.log = Files.createTempFile("switchboard-" + name + "-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A service to start from {@code jar}, named {@code name} in messages and its log file's name. */
    public static Builder of(String name, Path jar) {
        return new Builder(name, jar);
    }

    /** What a service is started with: system properties ({@code -D}) and environment variables. */
    public static final class Builder {
        private final String name;
        private final Path jar;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();

        private Builder(String name, Path jar) {
            this.name = name;
            this.jar = jar;
        }

        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Starts the process; returns at once (see {@link ServiceProcess#awaitReady}). */
        public ServiceProcess start() {
            ServiceProcess p = new ServiceProcess(name, jar, properties, env);
            p.start();
            return p;
        }
    }

    /** Starts the process again (after {@link #stop} or {@link #kill}), on the same port with the same settings. */
    public synchronized ServiceProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        killOnExit = new Thread(started::destroyForcibly, "kill-" + name);
        Runtime.getRuntime().addShutdownHook(killOnExit);
        return this;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** Waits until its readiness answers 200; fails with its log if it exits or takes longer than {@code timeout}. */
    public ServiceProcess awaitReady(Duration timeout) {
        Await.until(timeout, name + " ready", () -> {
            if (!alive()) {
                throw new AssertionError(name + " exited before it was ready; its log:\n" + logTail());
            }
            return readinessStatus() == 200;
        });
        return this;
    }

    /** The status of {@code GET /q/health/ready}, or -1 when nothing answers. */
    public int readinessStatus() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The {@code data} of the readiness check named {@code check}, whatever the status; missing when none answers. */
    public JsonNode readiness(String check) {
        for (JsonNode c : readiness().path("checks")) {
            if (check.equals(c.path("name").asText())) {
                return c.path("data");
            }
        }
        return MissingNode.getInstance();
    }

    /** The body of {@code GET /q/health/ready} ({@code status}, {@code checks}), whatever its status. */
    public JsonNode readiness() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            return MissingNode.getInstance(); // not answering
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return MissingNode.getInstance();
        }
    }

    /** SIGTERM, and waits for the exit (SIGKILL after 20 s). */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        forget();
    }

    /** SIGTERM without waiting for the exit (a test watches what the service does while it stops): its exit code. */
    public synchronized CompletableFuture<Integer> terminate() {
        if (process == null) {
            throw new IllegalStateException(name + " is not running");
        }
        process.destroy();
        return process.onExit().thenApply(Process::exitValue);
    }

    /** SIGKILL: no shutdown hook runs. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forget();
    }

    private void forget() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting anyway
        }
        process = null;
    }

    public Path log() {
        return log;
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The lines of its log (every run of it) that contain {@code text}. */
    public List<String> logLines(String text) {
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(text)).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    public boolean logContains(String text) {
        return !logLines(text).isEmpty();
    }

    @Override
    public void close() {
        stop();
    }
}
