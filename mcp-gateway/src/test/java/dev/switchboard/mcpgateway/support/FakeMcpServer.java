package dev.switchboard.mcpgateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * A test MCP server: a real HTTP server on 127.0.0.1 speaking MCP Streamable HTTP at {@code /mcp} (revision
 * 2025-11-25, also 2025-06-18 and 2025-03-26). It records every request it gets and can be made to fail, stall, drop
 * its stream, send notifications and make server-to-client requests, each through a tool:
 *
 * <ul>
 *   <li>{@code echo {message}}: {@code "<label>: <message>"}, as JSON (or as SSE when {@link #sseResponses} is set);</li>
 *   <li>{@code whoami}: the request headers it received, as JSON text;</li>
 *   <li>{@code tool_error}: a result with {@code isError: true};</li>
 *   <li>{@code fail}: HTTP 500;</li>
 *   <li>{@code stall}: never answers;</li>
 *   <li>{@code progress}: an SSE stream with a priming event (id, {@code retry}), a progress notification, then the
 *       result, each event with an id;</li>
 *   <li>{@code drop}: an SSE stream that ends after a notification, without ids and without an answer;</li>
 *   <li>{@code sample}: asks the client for {@code sampling/createMessage} on the POST's stream, waits for the answer
 *       (posted back), and returns the sampled text;</li>
 *   <li>{@code change_tools}: sends {@code notifications/tools/list_changed} on the session's GET stream;</li>
 *   <li>{@code interrupt}: an SSE stream with a priming event and a progress notification, each with an id, that ends
 *       without the answer; a GET with {@code Last-Event-ID} of one of its events resumes it with the answer.</li>
 * </ul>
 *
 * <p>Every event with an id is kept per session, so that a GET with {@code Last-Event-ID} replays what came after it on
 * the same stream (the GET stream, or the interrupted stream of a call), as the transport's resumption says. It can
 * also serve at another path than {@code /mcp}, require a valid bearer token ({@link #requireBearer}) and host another
 * handler beside it ({@link #mount}), such as a Databricks workspace's token endpoint.
 */
public final class FakeMcpServer implements AutoCloseable {

    public static final List<String> TOOLS = List.of("echo", "whoami", "tool_error", "fail", "stall", "progress",
            "drop", "sample", "change_tools", "interrupt");
    private static final Set<String> VERSIONS = Set.of("2025-11-25", "2025-06-18", "2025-03-26");

    static {
        System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the server got it; header names lower-case. */
    public record Received(String httpMethod, Map<String, String> headers, JsonNode body) {

        public String rpcMethod() {
            return body == null ? null : body.path("method").asText(null);
        }

        public String toolName() {
            return body == null ? null : body.path("params").path("name").asText(null);
        }
    }

    /** An event sent with an id, kept for replay: the stream it went on ({@code get} or a call's), and its data. */
    private record Logged(String stream, String id, JsonNode data) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String label;
    private final String path;
    private final Map<String, List<Logged>> eventLog = new ConcurrentHashMap<>();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private volatile java.util.function.Predicate<String> validToken;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final Map<String, List<OutputStream>> getStreams = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonNode>> pendingAnswers = new ConcurrentHashMap<>();
    private final AtomicInteger eventNumber = new AtomicInteger();
    private final List<String> extraTools = new CopyOnWriteArrayList<>();
    private volatile boolean sseResponses;

    private FakeMcpServer(HttpServer server, ExecutorService executor, String label, String path) {
        this.server = server;
        this.executor = executor;
        this.label = label;
        this.path = path;
    }

    public static FakeMcpServer start(String label) {
        return start(label, "/mcp");
    }

    /** A server whose MCP endpoint is at {@code path}, such as a Databricks workspace's {@code /api/2.0/mcp/...}. */
    public static FakeMcpServer start(String label, String path) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 256);
            AtomicInteger threads = new AtomicInteger();
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "fake-mcp-" + label + "-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            FakeMcpServer fake = new FakeMcpServer(server, executor, label, path);
            server.createContext("/", fake::handle);
            server.setExecutor(executor);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start fake MCP server", e);
        }
    }

    public String url() {
        return origin() + path;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on every request must carry {@code Authorization: Bearer <token>} with a token {@code valid} accepts. */
    public void requireBearer(java.util.function.Predicate<String> valid) {
        this.validToken = valid;
    }

    /** How many requests were refused with 401 for want of a valid token. */
    public int unauthorized() {
        return unauthorized.get();
    }

    /** Serves {@code handler} at {@code path} beside the MCP endpoint (requests there are not recorded). */
    public void mount(String mountPath, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(mountPath, handler);
    }

    /** Answers {@code echo} (and the other plain tools) as an SSE stream instead of JSON. */
    public void sseResponses(boolean on) {
        this.sseResponses = on;
    }

    /** Adds an {@code echo}-like tool under {@code name} to the tool list. */
    public void addTool(String name) {
        extraTools.add(name);
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The names of the tools that {@code tools/call} reached this server with, in order. */
    public List<String> calledTools() {
        return received.stream().filter(r -> "tools/call".equals(r.rpcMethod())).map(Received::toolName).toList();
    }

    public void clear() {
        received.clear();
    }

    /** Forgets every session, as a restarted server would. */
    public void forgetSessions() {
        sessions.clear();
    }

    public int openStreams() {
        return getStreams.values().stream().mapToInt(List::size).sum();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------ HTTP

    private void handle(HttpExchange ex) throws IOException {
        try {
            byte[] raw = ex.getRequestBody().readAllBytes();
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
            received.add(new Received(ex.getRequestMethod(), headers, body));
            if (!path.equals(ex.getRequestURI().getPath())) {
                sendJson(ex, 404, JSON.createObjectNode().put("error", "not found"), null);
                return;
            }
            java.util.function.Predicate<String> valid = validToken;
            String authorization = headers.getOrDefault("authorization", "");
            if (valid != null && !(authorization.startsWith("Bearer ") && valid.test(authorization.substring(7)))) {
                unauthorized.incrementAndGet();
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                sendJson(ex, 401, error(null, -32001, "Unauthorized"), null);
                return;
            }
            String session = headers.get("mcp-session-id");
            switch (ex.getRequestMethod()) {
                case "POST" -> post(ex, headers, body, session);
                case "GET" -> get(ex, headers, session);
                case "DELETE" -> {
                    sessions.remove(session);
                    ex.sendResponseHeaders(200, -1);
                    ex.close();
                }
                default -> {
                    ex.sendResponseHeaders(405, -1);
                    ex.close();
                }
            }
        } catch (IOException | RuntimeException e) {
            ex.close();
        }
    }

    private void post(HttpExchange ex, Map<String, String> headers, JsonNode body, String session) throws IOException {
        String accept = headers.getOrDefault("accept", "");
        if (!accept.contains("application/json") || !accept.contains("text/event-stream")) {
            sendJson(ex, 406, error(null, -32000, "Not Acceptable"), null);
            return;
        }
        String method = body.path("method").asText(null);
        if ("initialize".equals(method)) {
            String requested = body.path("params").path("protocolVersion").asText();
            String sessionId = UUID.randomUUID().toString();
            sessions.add(sessionId);
            ObjectNode result = JSON.createObjectNode();
            result.put("protocolVersion", VERSIONS.contains(requested) ? requested : "2025-11-25");
            result.putObject("capabilities").putObject("tools").put("listChanged", true);
            result.putObject("serverInfo").put("name", "fake-mcp-" + label).put("version", "1.0.0");
            sendJson(ex, 200, response(body.get("id"), result), sessionId);
            return;
        }
        if (session == null || !sessions.contains(session)) {
            sendJson(ex, 404, error(null, -32001, "Session not found"), null);
            return;
        }
        if (method == null) {
            CompletableFuture<JsonNode> pending = pendingAnswers.remove(body.path("id").asText());
            if (pending != null) {
                pending.complete(body);
            }
            ex.sendResponseHeaders(202, -1);
            ex.close();
            return;
        }
        if (!body.has("id")) {
            ex.sendResponseHeaders(202, -1);
            ex.close();
            return;
        }
        JsonNode id = body.get("id");
        switch (method) {
            case "tools/list" -> sendResult(ex, id, toolList());
            case "ping" -> sendResult(ex, id, JSON.createObjectNode());
            case "tools/call" -> callTool(ex, headers, body, session);
            default -> sendJson(ex, 200, error(id, -32601, "Method not found: " + method), null);
        }
    }

    private void callTool(HttpExchange ex, Map<String, String> headers, JsonNode body, String session)
            throws IOException {
        JsonNode id = body.get("id");
        String tool = body.path("params").path("name").asText();
        JsonNode args = body.path("params").path("arguments");
        switch (tool) {
            case "echo" -> sendResult(ex, id, text(label + ": " + args.path("message").asText()));
            case "whoami" -> sendResult(ex, id, text(JSON.writeValueAsString(headers)));
            case "tool_error" -> {
                ObjectNode result = text("the tool failed");
                result.put("isError", true);
                sendResult(ex, id, result);
            }
            case "fail" -> {
                byte[] b = "upstream exploded".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(500, b.length);
                ex.getResponseBody().write(b);
                ex.close();
            }
            case "stall" -> {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ex.close();
            }
            case "progress" -> {
                OutputStream out = startSse(ex);
                writeEvent(out, nextEventId(), null, 1500L);
                ObjectNode progress = notification("notifications/progress");
                ((ObjectNode) progress.get("params"))
                        .set("progressToken", body.path("params").path("_meta").path("progressToken"));
                ((ObjectNode) progress.get("params")).put("progress", 1).put("total", 2);
                writeEvent(out, nextEventId(), progress, null);
                writeEvent(out, nextEventId(), response(id, text(label + ": done")), null);
                ex.close();
            }
            case "drop" -> {
                OutputStream out = startSse(ex);
                ObjectNode log = notification("notifications/message");
                ((ObjectNode) log.get("params")).put("level", "info").put("data", "about to drop");
                writeEvent(out, null, log, null);
                ex.close();
            }
            case "sample" -> {
                OutputStream out = startSse(ex);
                String askId = "ask-" + eventNumber.incrementAndGet();
                CompletableFuture<JsonNode> answer = new CompletableFuture<>();
                pendingAnswers.put(askId, answer);
                ObjectNode ask = JSON.createObjectNode();
                ask.put("jsonrpc", "2.0").put("id", askId).put("method", "sampling/createMessage");
                ObjectNode params = ask.putObject("params");
                ArrayNode messages = params.putArray("messages");
                messages.addObject().put("role", "user").putObject("content").put("type", "text")
                        .put("text", args.path("prompt").asText("say something"));
                params.put("maxTokens", 50);
                writeEvent(out, nextEventId(), ask, null);
                String sampled;
                try {
                    JsonNode reply = answer.get(10, TimeUnit.SECONDS);
                    sampled = reply.path("result").path("content").path("text").asText("(no text)");
                } catch (Exception e) {
                    sampled = "(no answer)";
                }
                writeEvent(out, nextEventId(), response(id, text("sampled: " + sampled)), null);
                ex.close();
            }
            case "change_tools" -> {
                pushToStreams(session, notification("notifications/tools/list_changed"));
                sendResult(ex, id, text("changed"));
            }
            case "interrupt" -> {
                String stream = "call-" + eventNumber.incrementAndGet();
                OutputStream out = startSse(ex);
                String priming = log(session, stream, null);
                writeEvent(out, priming, null, 100L);
                ObjectNode progress = notification("notifications/progress");
                ((ObjectNode) progress.get("params"))
                        .set("progressToken", body.path("params").path("_meta").path("progressToken"));
                ((ObjectNode) progress.get("params")).put("progress", 1).put("total", 2);
                writeEvent(out, log(session, stream, progress), progress, null);
                // the answer is only kept for a client that resumes the stream
                log(session, stream, response(id, text(label + ": resumed")));
                ex.close();
            }
            default -> {
                if (extraTools.contains(tool)) {
                    sendResult(ex, id, text(label + "/" + tool + ": " + args.path("message").asText()));
                } else {
                    sendJson(ex, 200, error(id, -32602, "Unknown tool: " + tool), null);
                }
            }
        }
    }

    private void get(HttpExchange ex, Map<String, String> headers, String session) throws IOException {
        if (session == null || !sessions.contains(session)) {
            sendJson(ex, 404, error(null, -32001, "Session not found"), null);
            return;
        }
        if (!headers.getOrDefault("accept", "").contains("text/event-stream")) {
            ex.sendResponseHeaders(406, -1);
            ex.close();
            return;
        }
        OutputStream out = startSse(ex);
        String lastEventId = headers.get("last-event-id");
        if (lastEventId != null) {
            Logged from = eventLog.getOrDefault(session, List.of()).stream()
                    .filter(l -> l.id().equals(lastEventId)).findFirst().orElse(null);
            if (from != null) {
                boolean after = false;
                for (Logged l : List.copyOf(eventLog.getOrDefault(session, List.of()))) {
                    if (after && l.stream().equals(from.stream())) {
                        writeEvent(out, l.id(), l.data(), null);
                    }
                    after |= l == from;
                }
                if (!from.stream().equals("get")) {
                    ex.close(); // a call's stream ends with its answer
                    return;
                }
            }
        } else {
            writeEvent(out, log(session, "get", null), null, null);
        }
        getStreams.computeIfAbsent(session, s -> new CopyOnWriteArrayList<>()).add(out);
    }

    /** Keeps an event of {@code stream} for replay; returns its id. */
    private String log(String session, String stream, JsonNode data) {
        String id = nextEventId();
        eventLog.computeIfAbsent(session, s -> new CopyOnWriteArrayList<>()).add(new Logged(stream, id, data));
        return id;
    }

    /** The ids of the events sent so far on the GET streams of every session, oldest first. */
    public List<String> getStreamEventIds() {
        List<String> ids = new ArrayList<>();
        eventLog.values().forEach(l -> l.stream().filter(e -> e.stream().equals("get")).forEach(e -> ids.add(e.id())));
        return ids;
    }

    /** Sends {@code message} on every open GET stream of {@code session} (kept for replay even if none is open). */
    public void pushToStreams(String session, JsonNode message) {
        String id = log(session, "get", message);
        for (OutputStream out : getStreams.getOrDefault(session, List.of())) {
            try {
                writeEvent(out, id, message, null);
            } catch (IOException e) {
                getStreams.get(session).remove(out);
            }
        }
    }

    /** Sends {@code message} on the GET streams of every session that has opened one. */
    public void pushToAllStreams(JsonNode message) {
        getStreams.keySet().forEach(s -> pushToStreams(s, message));
    }

    /** A notification with the given method and an empty params object, to push. */
    public static ObjectNode notificationOf(String method) {
        return notification(method);
    }

    // ------------------------------------------------------------------ wire helpers

    private ObjectNode toolList() {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode tools = result.putArray("tools");
        List<String> all = new ArrayList<>(TOOLS);
        all.addAll(extraTools);
        for (String name : all) {
            ObjectNode tool = tools.addObject();
            tool.put("name", name).put("description", label + " tool " + name);
            ObjectNode schema = tool.putObject("inputSchema").put("type", "object");
            schema.putObject("properties").putObject("message").put("type", "string");
        }
        return result;
    }

    private void sendResult(HttpExchange ex, JsonNode id, JsonNode result) throws IOException {
        if (sseResponses) {
            OutputStream out = startSse(ex);
            writeEvent(out, nextEventId(), null, null);
            writeEvent(out, nextEventId(), response(id, result), null);
            ex.close();
        } else {
            sendJson(ex, 200, response(id, result), null);
        }
    }

    private String nextEventId() {
        return label + "-ev-" + eventNumber.incrementAndGet();
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

    private static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode r = JSON.createObjectNode();
        r.put("jsonrpc", "2.0");
        r.set("id", id);
        r.putObject("error").put("code", code).put("message", message);
        return r;
    }

    private static OutputStream startSse(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        return ex.getResponseBody();
    }

    private static synchronized void writeEvent(OutputStream out, String id, JsonNode data, Long retry)
            throws IOException {
        StringBuilder b = new StringBuilder();
        if (id != null) {
            b.append("id: ").append(id).append('\n');
        }
        if (retry != null) {
            b.append("retry: ").append(retry).append('\n');
        }
        if (data == null) {
            b.append("data: \n\n");
        } else {
            b.append("event: message\ndata: ").append(JSON.writeValueAsString(data)).append("\n\n");
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void sendJson(HttpExchange ex, int status, JsonNode body, String sessionId) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (sessionId != null) {
            ex.getResponseHeaders().set("Mcp-Session-Id", sessionId);
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
