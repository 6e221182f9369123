package dev.switchboard.teststack;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A NATS server with JetStream of the test's own, on a free loopback port with its store in a temporary directory, so
 * that a test can stop it and start it again (same port, same store) without disturbing the shared one.
 */
public final class PrivateNats implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/nats-server");

    private final int port;
    private final Path storeDir;
    private final Path log;
    private Process process;

    public PrivateNats() {
        try {
            this.port = freePort();
            this.storeDir = Files.createTempDirectory("switchboard-private-nats");
            this.log = storeDir.resolve("nats-server.log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** Starts the server and waits until it takes connections and JetStream answers. */
    public synchronized PrivateNats start() {
        if (!installed()) {
            throw new IllegalStateException(BINARY + " is not installed (Debian: apt-get install nats-server)");
        }
        try {
            process = new ProcessBuilder(List.of(BINARY.toString(), "-js", "-a", "127.0.0.1", "-p",
                    Integer.toString(port), "-sd", storeDir.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try (Connection c = Nats.connect(new Options.Builder().server(url()).maxReconnects(0)
                    .connectionTimeout(Duration.ofSeconds(1)).errorListener(new ErrorListener() {
                    }).build())) {
                c.jetStreamManagement().getAccountStatistics();
                return this;
            } catch (Exception e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("nats-server on port " + port + " did not come up: " + e
                            + "; its log: " + log, e);
                }
                sleep(50);
            }
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL) and waits until its port is closed. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (listening() && System.nanoTime() < deadline) {
            sleep(50);
        }
    }

    @Override
    public void close() {
        stop();
        try (var files = Files.walk(storeDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; best effort
        }
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
