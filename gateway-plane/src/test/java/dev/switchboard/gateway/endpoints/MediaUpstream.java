package dev.switchboard.gateway.endpoints;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible upstream for media endpoints, a real HTTP server: {@code POST /v1/audio/speech} answers
 * {@code audio/mpeg} in two halves, the second only once the test releases it, so that a test can see the first half
 * reach the client while the upstream still holds the rest.
 */
final class MediaUpstream implements AutoCloseable {

    static final byte[] FIRST_HALF = pattern(64 * 1024, 1);
    static final byte[] SECOND_HALF = pattern(64 * 1024, 7);

    private final HttpServer server;
    volatile CountDownLatch release = new CountDownLatch(1);
    volatile String lastPath;
    volatile byte[] lastBody;
    volatile String lastAuthorization;

    private MediaUpstream(HttpServer server) {
        this.server = server;
    }

    static MediaUpstream start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            MediaUpstream upstream = new MediaUpstream(server);
            server.createContext("/", upstream::handle);
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "media-upstream");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            lastPath = exchange.getRequestURI().getRawPath();
            lastAuthorization = exchange.getRequestHeaders().getFirst("authorization");
            lastBody = in.readAllBytes();
            if (!lastPath.equals("/v1/audio/speech")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("content-type", "audio/mpeg");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(FIRST_HALF);
            out.flush();
            if (!release.await(60, TimeUnit.SECONDS)) {
                return; // never released: the test failed already; end the answer short
            }
            out.write(SECOND_HALF);
            out.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
