package dev.switchboard.mcpgateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test MCP server that speaks only the old HTTP+SSE transport of revision 2024-11-05, as a real HTTP server on
 * 127.0.0.1: {@code GET /sse} opens the session's stream, whose first event ({@code endpoint}) names
 * {@code /messages?session_id=<id>}; messages are posted there and answered with 202, and every answer, notification
 * and server request comes back over the stream. It answers {@code initialize} with revision 2024-11-05 whatever the
 * client asks, and requires {@code Authorization: Bearer <token>} when built with a token. Tools:
 *
 * <ul>
 *   <li>{@code echo {message}}: {@code "legacy: <message>"};</li>
 *   <li>{@code progress}: a progress notification for the request's token, then {@code "legacy: done"};</li>
 *   <li>{@code sample {prompt}}: asks the client for {@code sampling/createMessage} over the stream, waits for the
 *       answer (posted back) and returns {@code "sampled: <text>"};</li>
 *   <li>{@code announce}: sends {@code notifications/tools/list_changed} over the stream, then answers.</li>
 * </ul>
 */
public final class FakeLegacySseServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the server got it; header names lower-case. */
    public record Received(String httpMethod, String path, Map<String, String> headers, JsonNode body) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String token;
    private final Map<String, OutputStream> streams = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> streamEnds = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonNode>> pendingAnswers = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger asks = new AtomicInteger();

    private FakeLegacySseServer(HttpServer server, ExecutorService executor, String token) {
        this.server = server;
        this.executor = executor;
        this.token = token;
    }

    /** @param token the bearer token every request must carry, or null for none */
    public static FakeLegacySseServer start(String token) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "fake-legacy-sse");
                t.setDaemon(true);
                return t;
            });
            FakeLegacySseServer fake = new FakeLegacySseServer(server, executor, token);
            server.createContext("/", fake::handle);
            server.setExecutor(executor);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SSE endpoint, which is what a config names. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/sse";
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public void clear() {
        received.clear();
    }

    /** How many session streams are open now. */
    public int openStreams() {
        return streams.size();
    }

    /** Ends every session's stream, as a restarted server would. */
    public void dropStreams() {
        streams.keySet().forEach(this::end);
    }

    /** Sends {@code message} over every session's stream. */
    public void pushToAll(JsonNode message) {
        streams.keySet().forEach(s -> send(s, message));
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            byte[] raw = ex.getRequestBody().readAllBytes();
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
            String path = ex.getRequestURI().getPath();
            received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().toString(), headers, body));
            if (token != null && !("Bearer " + token).equals(headers.get("authorization"))) {
                status(ex, 401);
                return;
            }
            if ("GET".equals(ex.getRequestMethod()) && "/sse".equals(path)) {
                openStream(ex);
            } else if ("POST".equals(ex.getRequestMethod()) && "/messages".equals(path)) {
                String query = ex.getRequestURI().getRawQuery();
                String session = query != null && query.startsWith("session_id=") ? query.substring(11) : null;
                if (session == null || !streams.containsKey(session)) {
                    status(ex, 404);
                    return;
                }
                status(ex, 202);
                executor.execute(() -> onMessage(session, body));
            } else {
                status(ex, 404);
            }
        } catch (IOException | RuntimeException e) {
            ex.close();
        }
    }

    private void openStream(HttpExchange ex) throws IOException {
        String session = UUID.randomUUID().toString();
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        streams.put(session, out);
        CompletableFuture<Void> end = new CompletableFuture<>();
        streamEnds.put(session, end);
        write(out, "event: endpoint\ndata: /messages?session_id=" + session + "\n\n");
        // the stream stays open until the server drops it or the client goes away
        try {
            end.get(10, TimeUnit.MINUTES);
        } catch (Exception e) {
            // ended
        }
        ex.close();
    }

    private void end(String session) {
        streams.remove(session);
        CompletableFuture<Void> end = streamEnds.remove(session);
        if (end != null) {
            end.complete(null);
        }
    }

    private void onMessage(String session, JsonNode body) {
        String method = body.path("method").asText(null);
        JsonNode id = body.get("id");
        if (method == null) {
            CompletableFuture<JsonNode> pending = pendingAnswers.remove(body.path("id").asText());
            if (pending != null) {
                pending.complete(body);
            }
            return;
        }
        if (id == null) {
            return; // a notification
        }
        switch (method) {
            case "initialize" -> {
                ObjectNode result = JSON.createObjectNode();
                result.put("protocolVersion", "2024-11-05");
                result.putObject("capabilities").putObject("tools").put("listChanged", true);
                result.putObject("serverInfo").put("name", "fake-legacy").put("version", "1.0.0");
                send(session, response(id, result));
            }
            case "ping" -> send(session, response(id, JSON.createObjectNode()));
            case "tools/list" -> {
                ObjectNode result = JSON.createObjectNode();
                for (String name : List.of("echo", "progress", "sample", "announce")) {
                    ObjectNode tool = result.withArray("tools").addObject();
                    tool.put("name", name).put("description", "legacy tool " + name);
                    tool.putObject("inputSchema").put("type", "object");
                }
                send(session, response(id, result));
            }
            case "tools/call" -> callTool(session, id, body.path("params"));
            default -> {
                ObjectNode error = JSON.createObjectNode();
                error.put("jsonrpc", "2.0");
                error.set("id", id);
                error.putObject("error").put("code", -32601).put("message", "Method not found: " + method);
                send(session, error);
            }
        }
    }

    private void callTool(String session, JsonNode id, JsonNode params) {
        JsonNode args = params.path("arguments");
        switch (params.path("name").asText()) {
            case "echo" -> send(session, response(id, text("legacy: " + args.path("message").asText())));
            case "progress" -> {
                ObjectNode progress = notification("notifications/progress");
                ((ObjectNode) progress.get("params")).set("progressToken", params.path("_meta").path("progressToken"));
                ((ObjectNode) progress.get("params")).put("progress", 1).put("total", 2);
                send(session, progress);
                send(session, response(id, text("legacy: done")));
            }
            case "sample" -> {
                String askId = "legacy-ask-" + asks.incrementAndGet();
                CompletableFuture<JsonNode> answer = new CompletableFuture<>();
                pendingAnswers.put(askId, answer);
                ObjectNode ask = JSON.createObjectNode();
                ask.put("jsonrpc", "2.0").put("id", askId).put("method", "sampling/createMessage");
                ObjectNode p = ask.putObject("params");
                p.putArray("messages").addObject().put("role", "user").putObject("content").put("type", "text")
                        .put("text", args.path("prompt").asText("say something"));
                p.put("maxTokens", 20);
                send(session, ask);
                String sampled;
                try {
                    sampled = answer.get(10, TimeUnit.SECONDS).path("result").path("content").path("text")
                            .asText("(no text)");
                } catch (Exception e) {
                    sampled = "(no answer)";
                }
                send(session, response(id, text("sampled: " + sampled)));
            }
            case "announce" -> {
                send(session, notification("notifications/tools/list_changed"));
                send(session, response(id, text("announced")));
            }
            default -> send(session, response(id, text("unknown tool")));
        }
    }

    private void send(String session, JsonNode message) {
        OutputStream out = streams.get(session);
        if (out == null) {
            return;
        }
        try {
            write(out, "event: message\ndata: " + JSON.writeValueAsString(message) + "\n\n");
        } catch (IOException e) {
            end(session);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        synchronized (out) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static ObjectNode text(String text) {
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        return result;
    }

    private static ObjectNode response(JsonNode id, JsonNode result) {
        ObjectNode r = JSON.createObjectNode();
        r.put("jsonrpc", "2.0");
        r.set("id", id);
        r.set("result", result);
        return r;
    }

    private static ObjectNode notification(String method) {
        ObjectNode n = JSON.createObjectNode();
        n.put("jsonrpc", "2.0").put("method", method);
        n.putObject("params");
        return n;
    }

    private static void status(HttpExchange ex, int status) throws IOException {
        byte[] body = (status == 202 ? "Accepted" : "").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        dropStreams();
        server.stop(0);
        executor.shutdownNow();
    }
}
