package dev.switchboard.testsupport.fakes;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server under a fake provider: a real HTTP/1.1 server on a free port of 127.0.0.1. Its handler threads are
 * daemons named after the fake, from a cached pool: a stalled or held request occupies its own thread and never
 * blocks the others. Bound first, serving once the fake that handles its requests exists.
 */
final class FakeServer implements AutoCloseable {

    static {
        // Without TCP_NODELAY the JDK server's small SSE writes can wait on delayed ACKs (~40 ms each), which
        // would blur time-to-first-token measurements. Read once when the JDK server first loads, hence here.
        System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private FakeServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Binds a free port; {@code name} names the fake in its threads ({@code name-1}, ...) and in errors. */
    static FakeServer bind(String name) {
        return bind(name, 0);
    }

    /** {@link #bind(String)} with a listen backlog ({@code 0}: the JDK's default, 50). */
    static FakeServer bind(String name, int backlog) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), backlog);
            AtomicInteger threads = new AtomicInteger();
            ExecutorService executor = Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, name + "-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            server.setExecutor(executor);
            return new FakeServer(server, executor);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Starts answering every path with {@code handler}. */
    void serve(HttpHandler handler) {
        server.createContext("/", handler);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>} */
    String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
