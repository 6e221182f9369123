package dev.switchboard.testsupport;

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

/**
 * One of the demo servers that {@code ./switchboard up} starts ({@code deploy/DemoUpstream.java},
 * {@code deploy/DemoMcpServer.java}), run the same way, {@code java File.java PORT}, on a free loopback port, so that
 * tests use exactly what a new user gets.
 */
public final class DemoServer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private DemoServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code deploy/<file>} and waits until its {@code /health} answers 200. */
    public static DemoServer start(String file) {
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            Path log = Files.createTempFile("switchboard-" + file.replace(".java", ""), ".log");
            Process p = new ProcessBuilder(java, DocExamples.repoRoot().resolve("deploy").resolve(file).toString(),
                    Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            DemoServer server = new DemoServer(p, port, log);
            server.awaitHealthy(Duration.ofSeconds(60));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String base() {
        return "http://127.0.0.1:" + port;
    }

    private void awaitHealthy(Duration timeout) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(base() + "/health")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        // `java File.java` compiles the file first: a second or two before it listens
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new IllegalStateException("the demo server did not become healthy; its output: " + Files.readString(log));
    }

    @Override
    public void close() {
        process.destroy();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
