package dev.switchboard.gateway.snapshot;

import dev.switchboard.testsupport.DocExamples;
import dev.switchboard.teststack.LocalStack;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The control plane as it ships — its packaged {@code quarkus-run.jar} — in a process of its own on a free loopback
 * port, against the test PostgreSQL (a schema of its own, dropped at the end) and NATS (a bucket of its own, deleted at
 * the end), with a fresh admin token and master key. Nothing of the environment's own {@code SWITCHBOARD_*} settings
 * reaches it.
 */
final class ControlPlaneProcess implements AutoCloseable {

    static final Path JAR = DocExamples.repoRoot().resolve("control-plane/target/quarkus-app/quarkus-run.jar");

    final String adminToken;
    final String masterKey;
    final String bucket;
    private final String schema;
    private final int port;
    private final Path log;
    private final Process process;
    private final Thread killOnExit;

    private ControlPlaneProcess() throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException("the control plane is not packaged: " + JAR + " is missing. Build it "
                    + "first: ./mvnw -q -pl control-plane -am package -DskipTests (./mvnw verify builds it before "
                    + "gateway-plane)");
        }
        String run = HexFormat.of().formatHex(random(5));
        adminToken = "sb-admin-e2e-" + HexFormat.of().formatHex(random(16));
        masterKey = Base64.getEncoder().encodeToString(random(32));
        bucket = "switchboard-config-e2e-" + run;
        schema = "gw_e2e_" + run;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        log = Files.createTempFile("switchboard-control-plane-e2e", ".log");
        LocalStack stack = LocalStack.get();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.reactive.url=postgresql://" + stack.pgHost() + ":" + stack.pgPort() + "/"
                        + stack.pgDatabase(),
                "-Dquarkus.datasource.username=" + stack.pgUser(),
                "-Dswitchboard.db.schema=" + schema,
                "-Dswitchboard.nats.url=" + stack.natsUrl(),
                "-Dswitchboard.sync.bucket=" + bucket,
                "-Dswitchboard.sync.retry-max=500ms",
                "-jar", JAR.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("SWITCHBOARD_"));
        env.put("SWITCHBOARD_ADMIN_TOKEN", adminToken);
        env.put("SWITCHBOARD_MASTER_KEY", masterKey);
        process = builder.start();
        killOnExit = new Thread(process::destroyForcibly, "kill-control-plane-e2e");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Starts the control plane; returns at once (see {@link #awaitReady}). */
    static ControlPlaneProcess start() {
        try {
            return new ControlPlaneProcess();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Waits until its readiness answers 200; fails with its log if it exits or takes longer than {@code timeout}. */
    void awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive()) {
                throw new AssertionError("the control plane exited (" + process.exitValue() + ") before it was ready; "
                        + "its log:\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the control plane was not ready within " + timeout.toSeconds()
                        + " s; its log:\n" + logTail());
            }
            Thread.sleep(100);
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting anyway
        }
        dropSchema();
        deleteBucket();
    }

    private void dropSchema() {
        LocalStack stack = LocalStack.get();
        Vertx vertx = Vertx.vertx();
        try {
            PgConnection conn = PgConnection.connect(vertx, new PgConnectOptions().setHost(stack.pgHost())
                            .setPort(stack.pgPort()).setUser(stack.pgUser()).setDatabase(stack.pgDatabase()))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            conn.query("drop schema if exists " + schema + " cascade").execute()
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            conn.close();
        } catch (Exception e) {
            System.out.println("[ControlPlaneProcess] could not drop schema " + schema + ": " + e);
        } finally {
            vertx.close();
        }
    }

    private void deleteBucket() {
        try (Connection nc = Nats.connect(LocalStack.get().natsUrl())) {
            nc.objectStoreManagement().delete(bucket);
        } catch (Exception e) {
            System.out.println("[ControlPlaneProcess] could not delete bucket " + bucket + ": " + e);
        }
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
