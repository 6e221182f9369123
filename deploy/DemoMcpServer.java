/*
 * DemoMcpServer: a DEMO MCP server for Switchboard's local stack, beside deploy/DemoUpstream.java.
 *
 * It is NOT a test double: it exists so that the MCP gateway that `./switchboard up` starts has a server to govern,
 * and the README's MCP curl and `claude mcp add` line answer on a machine without Node or any MCP server installed.
 *
 *   java deploy/DemoMcpServer.java [PORT]        (JDK 17+, no dependencies; default port 18091)
 *
 * Speaks MCP Streamable HTTP (protocol revisions 2025-11-25, 2025-06-18 and 2025-03-26; an initialize asking for another
 * gets the newest) on 127.0.0.1 only:
 *   POST   /mcp   one JSON-RPC message: initialize (answers Mcp-Session-Id), ping, tools/list, tools/call;
 *                 notifications and responses get 202. Answers are JSON (never a stream), which the transport allows.
 *   GET    /mcp   405: this server sends nothing unasked, so it offers no stream
 *   DELETE /mcp   ends the session
 *   GET    /health {"status":"ok"}
 * Tools: echo {message}, add {a, b}, and delete-all, which does nothing but is there to be denied by the example
 * config's tool policy. Every request but initialize must carry a session this process gave out (404 otherwise, the
 * client's cue to initialize again); an Origin other than loopback is refused (DNS rebinding).
 */

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

public final class DemoMcpServer {

    private static final List<String> PROTOCOL_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26");
    /** What a request without MCP-Protocol-Version means (the spec's rule for servers). */
    private static final String UNSTATED_PROTOCOL_VERSION = "2025-03-26";
    private static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final int MAX_SESSIONS = 10_000;

    /** Session id to the protocol version agreed at initialize. */
    private static final Map<String, String> SESSIONS = new ConcurrentHashMap<>();

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 18091;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", DemoMcpServer::handle);
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "demo-mcp");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
        System.out.println("[demo-mcp] demo MCP server (tools echo, add, delete-all) on http://127.0.0.1:" + port + "/mcp");
    }

    // ------------------------------------------------------------------ HTTP

    private static void handle(HttpExchange ex) {
        try {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/health")) {
                send(ex, 200, "{\"status\":\"ok\"}");
            } else if (!path.equals("/mcp")) {
                send(ex, 404, "{\"error\":\"not found: the MCP endpoint is /mcp\"}");
            } else if (!originAllowed(ex.getRequestHeaders().getFirst("Origin"))) {
                send(ex, 403, error(null, -32600, "Origin not allowed"));
            } else {
                switch (method) {
                    case "POST" -> post(ex);
                    case "DELETE" -> {
                        String session = ex.getRequestHeaders().getFirst("Mcp-Session-Id");
                        if (session == null) {
                            send(ex, 400, error(null, -32600, "Mcp-Session-Id header required"));
                        } else if (SESSIONS.remove(session) == null) {
                            send(ex, 404, error(null, -32001, "Session not found"));
                        } else {
                            ex.sendResponseHeaders(204, -1);
                        }
                    }
                    case "GET" -> {
                        ex.getResponseHeaders().set("Allow", "POST, DELETE");
                        ex.sendResponseHeaders(405, -1);
                    }
                    default -> {
                        ex.getResponseHeaders().set("Allow", "GET, POST, DELETE");
                        send(ex, 405, error(null, -32600, "Method not allowed: " + method));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            try {
                send(ex, 500, error(null, -32603, "demo MCP server failed: " + e));
            } catch (IOException | RuntimeException ignored) {
                // the answer had begun or the client is gone: nothing more to say
            }
        } finally {
            ex.close();
        }
    }

    private static boolean originAllowed(String origin) {
        if (origin == null) return true;
        try {
            String host = URI.create(origin).getHost();
            return "127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void post(HttpExchange ex) throws IOException {
        String accept = String.valueOf(ex.getRequestHeaders().getFirst("Accept"));
        if (!accept.contains("application/json") && !accept.contains("*/*")) {
            send(ex, 406, error(null, -32600, "Not Acceptable: the client must accept application/json"));
            return;
        }
        Object parsed;
        try {
            parsed = new JsonReader(readBody(ex)).readDocument();
        } catch (IllegalArgumentException e) {
            send(ex, 400, error(null, -32700, "Parse error: " + e.getMessage()));
            return;
        }
        if (!(parsed instanceof Map<?, ?> message) || !"2.0".equals(message.get("jsonrpc"))) {
            send(ex, 400, error(null, -32600, "Invalid Request: one JSON-RPC 2.0 message per POST"));
            return;
        }
        Object id = message.get("id");
        Object method = message.get("method");
        if (!(method instanceof String name)) {
            // a response to a request of ours (we send none) or junk without a method
            if (message.containsKey("result") || message.containsKey("error")) {
                ex.sendResponseHeaders(202, -1);
            } else {
                send(ex, 400, error(id, -32600, "Invalid Request: no method"));
            }
            return;
        }
        Map<?, ?> params = message.get("params") instanceof Map<?, ?> p ? p : Map.of();
        if (name.equals("initialize")) {
            initialize(ex, id, params);
            return;
        }
        String session = ex.getRequestHeaders().getFirst("Mcp-Session-Id");
        if (session == null) {
            send(ex, 400, error(id, -32600, "Bad Request: Mcp-Session-Id header required; send initialize first"));
            return;
        }
        if (!SESSIONS.containsKey(session)) {
            send(ex, 404, error(id, -32001, "Session not found; initialize again"));
            return;
        }
        String version = ex.getRequestHeaders().getFirst("MCP-Protocol-Version");
        if (version != null && !PROTOCOL_VERSIONS.contains(version) && !version.equals(UNSTATED_PROTOCOL_VERSION)) {
            send(ex, 400, error(id, -32600, "Unsupported MCP-Protocol-Version: " + version
                    + " (supported: " + String.join(", ", PROTOCOL_VERSIONS) + ")"));
            return;
        }
        if (!message.containsKey("id")) {
            // notifications/initialized, notifications/cancelled, ...: nothing to answer
            ex.sendResponseHeaders(202, -1);
            return;
        }
        switch (name) {
            case "ping" -> send(ex, 200, result(id, Map.of()));
            case "tools/list" -> send(ex, 200, result(id, Map.of("tools", TOOLS)));
            case "tools/call" -> send(ex, 200, callTool(id, params));
            default -> send(ex, 200, error(id, -32601, "Method not found: " + name));
        }
    }

    private static void initialize(HttpExchange ex, Object id, Map<?, ?> params) throws IOException {
        if (!(params.get("protocolVersion") instanceof String asked)) {
            send(ex, 200, error(id, -32602, "Invalid params: initialize needs params.protocolVersion"));
            return;
        }
        // the version the client asked for when we speak it, else our newest: the client decides whether to go on
        String agreed = PROTOCOL_VERSIONS.contains(asked) ? asked : PROTOCOL_VERSIONS.get(0);
        if (SESSIONS.size() >= MAX_SESSIONS) {
            SESSIONS.clear(); // a demo keeps no state worth more than its memory
        }
        String session = UUID.randomUUID().toString();
        SESSIONS.put(session, agreed);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("protocolVersion", agreed);
        result.put("capabilities", Map.of("tools", Map.of("listChanged", false)));
        result.put("serverInfo", Map.of("name", "switchboard-demo-mcp", "version", "1.0.0"));
        result.put("instructions", "A demo server of Switchboard's local stack: echo and add are harmless.");
        ex.getResponseHeaders().set("Mcp-Session-Id", session);
        send(ex, 200, result(id, result));
    }

    // ------------------------------------------------------------------ tools

    private static final List<Map<String, Object>> TOOLS = List.of(
            tool("echo", "Echoes the message back.",
                    Map.of("message", Map.of("type", "string", "description", "what to echo")), List.of("message")),
            tool("add", "Adds two numbers.",
                    Map.of("a", Map.of("type", "number"), "b", Map.of("type", "number")), List.of("a", "b")),
            tool("delete-all", "Pretends to delete everything (it does nothing): the example tool policy denies it.",
                    Map.of(), List.of()));

    private static Map<String, Object> tool(String name, String description, Map<String, Object> properties,
                                            List<String> required) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", required);
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("name", name);
        tool.put("description", description);
        tool.put("inputSchema", schema);
        return tool;
    }

    private static String callTool(Object id, Map<?, ?> params) {
        Map<?, ?> args = params.get("arguments") instanceof Map<?, ?> a ? a : Map.of();
        Object name = params.get("name");
        if ("echo".equals(name)) {
            if (!(args.get("message") instanceof String message)) {
                return result(id, toolResult("echo needs a string argument 'message'", true));
            }
            return result(id, toolResult(message, false));
        }
        if ("add".equals(name)) {
            if (!(args.get("a") instanceof Number a) || !(args.get("b") instanceof Number b)) {
                return result(id, toolResult("add needs number arguments 'a' and 'b'", true));
            }
            boolean whole = a instanceof Long && b instanceof Long;
            String sum = whole ? Long.toString(a.longValue() + b.longValue())
                    : Double.toString(a.doubleValue() + b.doubleValue());
            return result(id, toolResult(sum, false));
        }
        if ("delete-all".equals(name)) {
            return result(id, toolResult("Nothing was deleted: this is a demo (at " + Instant.now() + ")", false));
        }
        return error(id, -32602, "Unknown tool: " + name);
    }

    private static Map<String, Object> toolResult(String text, boolean isError) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("content", List.of(Map.of("type", "text", "text", text)));
        r.put("isError", isError);
        return r;
    }

    // ------------------------------------------------------------------ JSON-RPC and JSON

    private static String result(Object id, Object result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("id", id);
        m.put("result", result);
        return write(m);
    }

    private static String error(Object id, int code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("id", id);
        m.put("error", Map.of("code", code, "message", message));
        return write(m);
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) throw new IllegalArgumentException("body over " + MAX_BODY_BYTES + " bytes");
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            sb.append(q(s));
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(',');
                first = false;
                sb.append(q(String.valueOf(e.getKey()))).append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(',');
                write(sb, l.get(i));
            }
            sb.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass());
        }
    }

    /** JSON string literal. */
    private static String q(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Minimal JSON reader: objects to LinkedHashMap, arrays to ArrayList, numbers to Double/Long. */
    private static final class JsonReader {
        private final String s;
        private int i;

        JsonReader(String s) {
            this.s = s;
        }

        Object readDocument() {
            Object v = value(0);
            ws();
            if (i != s.length()) throw err("trailing characters");
            return v;
        }

        private Object value(int depth) {
            if (depth > 64) throw err("nesting too deep");
            ws();
            if (i >= s.length()) throw err("unexpected end");
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    ws();
                    if (peek('}')) { i++; return m; }
                    while (true) {
                        ws();
                        if (!peek('"')) throw err("expected a key");
                        String k = string();
                        ws();
                        expect(':');
                        m.put(k, value(depth + 1));
                        ws();
                        if (peek(',')) { i++; continue; }
                        expect('}');
                        return m;
                    }
                }
                case '[': {
                    i++;
                    List<Object> l = new ArrayList<>();
                    ws();
                    if (peek(']')) { i++; return l; }
                    while (true) {
                        l.add(value(depth + 1));
                        ws();
                        if (peek(',')) { i++; continue; }
                        expect(']');
                        return l;
                    }
                }
                case '"':
                    return string();
                case 't':
                    literal("true");
                    return Boolean.TRUE;
                case 'f':
                    literal("false");
                    return Boolean.FALSE;
                case 'n':
                    literal("null");
                    return null;
                default:
                    return number();
            }
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) throw err("unterminated string");
                char c = s.charAt(i++);
                if (c == '"') return sb.toString();
                if (c != '\\') { sb.append(c); continue; }
                if (i >= s.length()) throw err("unterminated escape");
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) throw err("bad \\u escape");
                        try {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException nfe) {
                            throw err("bad \\u escape");
                        }
                        i += 4;
                    }
                    default -> throw err("bad escape \\" + e);
                }
            }
        }

        private Number number() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            String n = s.substring(start, i);
            if (n.isEmpty()) throw err("unexpected character '" + s.charAt(start) + "'");
            try {
                if (n.matches("-?\\d{1,18}")) return Long.parseLong(n);
                return Double.parseDouble(n);
            } catch (NumberFormatException e) {
                throw err("bad number " + n);
            }
        }

        private void literal(String word) {
            if (!s.startsWith(word, i)) throw err("unexpected token");
            i += word.length();
        }

        private boolean peek(char c) {
            return i < s.length() && s.charAt(i) == c;
        }

        private void expect(char c) {
            if (!peek(c)) throw err("expected '" + c + "'");
            i++;
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private IllegalArgumentException err(String what) {
            return new IllegalArgumentException(what + " at offset " + i);
        }
    }
}
