/*
 * DemoUpstream: a DEMO OpenAI-compatible upstream for Switchboard's local stack.
 *
 * It is NOT a model provider and NOT a test double of one: it echoes. It exists so that
 * `./switchboard up` can answer a first curl on a machine without any provider API key.
 *
 *   java deploy/DemoUpstream.java [PORT]        (JDK 17+, no dependencies; default port 18090)
 *
 * Listens on 127.0.0.1 only and ignores the Authorization header.
 *   POST /v1/chat/completions  "You said: <last user message>"; `"stream": true` gives SSE
 *                              chat.completion.chunk events (role, content pieces, finish,
 *                              a usage chunk when stream_options.include_usage, [DONE])
 *   POST /v1/embeddings        deterministic unit vectors (8 dims, or "dimensions") per input
 *   GET  /v1/models            the demo models
 *   GET  /health               {"status":"ok"}
 * Token counts in `usage` are rough (whitespace-separated words), good enough for a demo.
 * The JSON reader/writer below is deliberately minimal and only meant for this demo.
 */

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;

public final class DemoUpstream {

    private static final String DEFAULT_CHAT_MODEL = "echo";
    private static final String DEFAULT_EMBEDDING_MODEL = "echo-embed";
    private static final int DEFAULT_DIMENSIONS = 8;
    private static final int MAX_DIMENSIONS = 4096;
    private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 18090;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", DemoUpstream::handle);
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "demo-upstream");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
        System.out.println("[demo-upstream] demo OpenAI-compatible echo upstream (not a provider) on http://127.0.0.1:"
                + port + "/v1");
    }

    // ------------------------------------------------------------------ routing

    private static void handle(HttpExchange ex) {
        try {
            String path = ex.getRequestURI().getPath();
            if (path.length() > 1 && path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            String method = ex.getRequestMethod();
            switch (path) {
                case "/v1/chat/completions" -> {
                    if (requireMethod(ex, method, "POST")) chat(ex);
                }
                case "/v1/embeddings" -> {
                    if (requireMethod(ex, method, "POST")) embeddings(ex);
                }
                case "/v1/models" -> {
                    if (requireMethod(ex, method, "GET")) models(ex);
                }
                case "/health", "/" -> {
                    if (requireMethod(ex, method, "GET")) sendJson(ex, 200, "{\"status\":\"ok\"}");
                }
                default -> sendError(ex, 404, "not_found_error", "Unknown path " + path);
            }
        } catch (BadRequest e) {
            trySendError(ex, 400, "invalid_request_error", e.getMessage());
        } catch (IOException | RuntimeException e) {
            trySendError(ex, 500, "server_error", "demo upstream failed: " + e);
        } finally {
            ex.close();
        }
    }

    private static void trySendError(HttpExchange ex, int status, String type, String message) {
        try {
            sendError(ex, status, type, message);
        } catch (IOException | RuntimeException ignored) {
            // response already started (e.g. a stream) or client gone: nothing more to say
        }
    }

    private static boolean requireMethod(HttpExchange ex, String method, String expected) throws IOException {
        if (expected.equals(method)) return true;
        ex.getResponseHeaders().set("Allow", expected);
        sendError(ex, 405, "invalid_request_error", "Use " + expected + " for " + ex.getRequestURI().getPath());
        return false;
    }

    // ------------------------------------------------------------------ endpoints

    private static void chat(HttpExchange ex) throws IOException {
        Map<String, Object> req = readJsonObject(ex);
        String model = str(req.get("model"), DEFAULT_CHAT_MODEL);
        Object messagesObj = req.get("messages");
        if (!(messagesObj instanceof List<?> messages) || messages.isEmpty()) {
            throw new BadRequest("'messages' must be a non-empty array");
        }
        String lastUser = null;
        int promptTokens = 0;
        for (Object m : messages) {
            if (!(m instanceof Map<?, ?> msg)) throw new BadRequest("each message must be an object");
            String text = contentText(msg.get("content"));
            promptTokens += 4 + countTokens(text);
            if ("user".equals(msg.get("role"))) lastUser = text;
        }
        String reply = "You said: " + (lastUser == null ? "" : lastUser);
        int completionTokens = countTokens(reply);
        String id = "chatcmpl-demo-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        long created = System.currentTimeMillis() / 1000;
        String usage = usageJson(promptTokens, completionTokens);

        if (Boolean.TRUE.equals(req.get("stream"))) {
            boolean includeUsage = req.get("stream_options") instanceof Map<?, ?> so
                    && Boolean.TRUE.equals(so.get("include_usage"));
            streamChat(ex, id, created, model, reply, includeUsage ? usage : null);
            return;
        }
        String body = "{\"id\":" + q(id)
                + ",\"object\":\"chat.completion\",\"created\":" + created
                + ",\"model\":" + q(model)
                + ",\"system_fingerprint\":\"fp_switchboard_demo\""
                + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + q(reply)
                + ",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}]"
                + ",\"usage\":" + usage + "}";
        sendJson(ex, 200, body);
    }

    private static void streamChat(HttpExchange ex, String id, long created, String model, String reply,
                                   String usageOrNull) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0); // chunked
        OutputStream out = ex.getResponseBody();
        String head = "{\"id\":" + q(id) + ",\"object\":\"chat.completion.chunk\",\"created\":" + created
                + ",\"model\":" + q(model) + ",\"system_fingerprint\":\"fp_switchboard_demo\",\"choices\":";
        String usageNull = usageOrNull != null ? ",\"usage\":null" : "";

        sse(out, head + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
                + "\"finish_reason\":null}]" + usageNull + "}");
        for (String piece : pieces(reply)) {
            pause();
            sse(out, head + "[{\"index\":0,\"delta\":{\"content\":" + q(piece) + "},\"logprobs\":null,"
                    + "\"finish_reason\":null}]" + usageNull + "}");
        }
        sse(out, head + "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]" + usageNull + "}");
        if (usageOrNull != null) {
            sse(out, head + "[],\"usage\":" + usageOrNull + "}");
        }
        sse(out, "[DONE]");
    }

    private static void embeddings(HttpExchange ex) throws IOException {
        Map<String, Object> req = readJsonObject(ex);
        String model = str(req.get("model"), DEFAULT_EMBEDDING_MODEL);
        int dims = DEFAULT_DIMENSIONS;
        if (req.get("dimensions") instanceof Number n) {
            dims = n.intValue();
            if (dims < 1 || dims > MAX_DIMENSIONS) throw new BadRequest("'dimensions' must be 1.." + MAX_DIMENSIONS);
        }
        Object input = req.get("input");
        List<String> inputs = new ArrayList<>();
        if (input instanceof String s) {
            inputs.add(s);
        } else if (input instanceof List<?> list && !list.isEmpty()) {
            for (Object o : list) {
                if (!(o instanceof String s)) throw new BadRequest("'input' array items must be strings");
                inputs.add(s);
            }
        } else {
            throw new BadRequest("'input' must be a string or a non-empty array of strings");
        }
        StringBuilder data = new StringBuilder();
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            if (i > 0) data.append(',');
            data.append("{\"object\":\"embedding\",\"index\":").append(i).append(",\"embedding\":[");
            float[] v = vector(inputs.get(i), dims);
            for (int d = 0; d < v.length; d++) {
                if (d > 0) data.append(',');
                data.append(v[d]);
            }
            data.append("]}");
            tokens += countTokens(inputs.get(i));
        }
        sendJson(ex, 200, "{\"object\":\"list\",\"data\":[" + data + "],\"model\":" + q(model)
                + ",\"usage\":{\"prompt_tokens\":" + tokens + ",\"total_tokens\":" + tokens + "}}");
    }

    private static void models(HttpExchange ex) throws IOException {
        String models = "";
        for (String id : new String[] {DEFAULT_CHAT_MODEL, DEFAULT_EMBEDDING_MODEL}) {
            models += (models.isEmpty() ? "" : ",") + "{\"id\":" + q(id)
                    + ",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"switchboard-demo\"}";
        }
        sendJson(ex, 200, "{\"object\":\"list\",\"data\":[" + models + "]}");
    }

    // ------------------------------------------------------------------ helpers

    /** Text of a message content: a string, or an array of {"type":"text","text":...} parts. */
    private static String contentText(Object content) {
        if (content == null) return "";
        if (content instanceof String s) return s;
        if (content instanceof List<?> parts) {
            StringBuilder sb = new StringBuilder();
            for (Object p : parts) {
                if (p instanceof Map<?, ?> part && part.get("text") instanceof String t) {
                    if (sb.length() > 0) sb.append(' ');
                    sb.append(t);
                }
            }
            return sb.toString();
        }
        throw new BadRequest("message 'content' must be a string or an array of parts");
    }

    private static int countTokens(String s) {
        String t = s.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    private static String usageJson(int prompt, int completion) {
        return "{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion) + "}";
    }

    /** Splits a reply into streaming pieces of about two words, keeping the whitespace. */
    private static List<String> pieces(String reply) {
        List<String> out = new ArrayList<>();
        String[] words = reply.split("(?<=\\s)");
        StringBuilder cur = new StringBuilder();
        int n = 0;
        for (String w : words) {
            cur.append(w);
            if (++n == 2) {
                out.add(cur.toString());
                cur.setLength(0);
                n = 0;
            }
        }
        if (cur.length() > 0) out.add(cur.toString());
        return out;
    }

    /** Deterministic unit vector derived from SHA-256 of the text. */
    private static float[] vector(String text, int dims) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            float[] v = new float[dims];
            byte[] block = new byte[0];
            double norm = 0;
            for (int d = 0; d < dims; d++) {
                if (d % 32 == 0) {
                    sha.reset();
                    sha.update((d / 32 + ":" + text).getBytes(StandardCharsets.UTF_8));
                    block = sha.digest();
                }
                v[d] = (block[d % 32] / 128f);
                norm += v[d] * v[d];
            }
            norm = Math.sqrt(norm);
            for (int d = 0; d < dims; d++) {
                v[d] = norm == 0 ? 0f : Math.round(v[d] / norm * 1e6) / 1e6f;
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(15);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sse(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void sendJson(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static void sendError(HttpExchange ex, int status, String type, String message) throws IOException {
        sendJson(ex, status, "{\"error\":{\"message\":" + q(message) + ",\"type\":" + q(type)
                + ",\"param\":null,\"code\":null}}");
    }

    private static String str(Object o, String dflt) {
        return o instanceof String s && !s.isBlank() ? s : dflt;
    }

    private static Map<String, Object> readJsonObject(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) throw new BadRequest("request body too large");
        Object parsed;
        try {
            parsed = new JsonReader(new String(body, StandardCharsets.UTF_8)).readDocument();
        } catch (IllegalArgumentException e) {
            throw new BadRequest("invalid JSON body: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?>)) throw new BadRequest("the JSON body must be an object");
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) parsed;
        return map;
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

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
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
