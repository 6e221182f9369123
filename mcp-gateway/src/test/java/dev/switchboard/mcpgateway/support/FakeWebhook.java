package dev.switchboard.mcpgateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A webhook guardrail service on 127.0.0.1 that answers by its path, as the guardrail engine's webhook contract says
 * ({@code {"verdict": "pass" | "violation", "reason", "payload"}}):
 * <ul>
 *   <li>{@code /pass}: passes;</li>
 *   <li>{@code /violation}: a violation;</li>
 *   <li>{@code /rewrite}: passes with the payload's {@code message} replaced by {@code [rewritten]};</li>
 *   <li>{@code /status/500}: HTTP 500;</li>
 *   <li>{@code /slow}: answers after 3 s (longer than any test's {@code timeout_ms}).</li>
 * </ul>
 * It keeps the bodies it got.
 */
public final class FakeWebhook implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();

    private FakeWebhook(HttpServer server) {
        this.server = server;
    }

    public static FakeWebhook start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 64);
            FakeWebhook hook = new FakeWebhook(server);
            server.createContext("/", hook::handle);
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "fake-webhook");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return hook;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<JsonNode> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
            received.add(body);
            ObjectNode answer = JSON.createObjectNode();
            switch (ex.getRequestURI().getPath()) {
                case "/pass" -> answer.put("verdict", "pass");
                case "/violation" -> answer.put("verdict", "violation").put("reason", "the webhook says no");
                case "/rewrite" -> {
                    ObjectNode payload = body.path("payload").deepCopy();
                    payload.put("message", "[rewritten]");
                    answer.put("verdict", "pass").put("reason", "the message").set("payload", payload);
                }
                case "/status/500" -> {
                    ex.sendResponseHeaders(500, -1);
                    return;
                }
                case "/slow" -> {
                    try {
                        Thread.sleep(3000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    answer.put("verdict", "pass");
                }
                default -> {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
            }
            byte[] bytes = JSON.writeValueAsString(answer).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("content-type", "application/json");
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
        } catch (IOException e) {
            // the gateway gave up on a slow answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
