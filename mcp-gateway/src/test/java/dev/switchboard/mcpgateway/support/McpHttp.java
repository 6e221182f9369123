package dev.switchboard.mcpgateway.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A raw Streamable HTTP client for tests that check the wire itself: exact statuses, headers, error bodies and SSE
 * events. (The SDK tests use the real MCP Java SDK instead.)
 */
public final class McpHttp {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String ACCEPT_BOTH = "application/json, text/event-stream";

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public McpHttp(URL root) {
        String r = root.toString();
        this.base = r.endsWith("/") ? r.substring(0, r.length() - 1) : r;
    }

    public McpHttp(String base) {
        this.base = base;
    }

    public String url(String server) {
        return base + "/mcp/v1/" + server + "/mcp";
    }

    public String base() {
        return base;
    }

    /** One SSE event as the test sees it. */
    public record Event(String id, String event, String data, Long retry) {
        public JsonNode json() {
            return parse(data);
        }
    }

    public record Reply(int status, HttpHeaders headers, String body) {

        public JsonNode json() {
            return parse(body);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public boolean isSse() {
            return headers.firstValue("content-type").orElse("").startsWith("text/event-stream");
        }

        public List<Event> events() {
            return parseEvents(body);
        }

        /** The JSON-RPC message that answers: the JSON body, or the last SSE event with data. */
        public JsonNode message() {
            if (!isSse()) {
                return json();
            }
            List<Event> events = events();
            for (int i = events.size() - 1; i >= 0; i--) {
                if (events.get(i).data() != null && !events.get(i).data().isEmpty()) {
                    return events.get(i).json();
                }
            }
            throw new AssertionError("no message in the stream: " + body);
        }
    }

    /** The headers a well-behaved client sends on POST, with {@code token} as the bearer token. */
    public static Map<String, String> headers(String token, String session) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("content-type", "application/json");
        h.put("accept", ACCEPT_BOTH);
        if (token != null) {
            h.put("authorization", "Bearer " + token);
        }
        if (session != null) {
            h.put("mcp-session-id", session);
            h.put("mcp-protocol-version", "2025-11-25");
        }
        return h;
    }

    public Reply post(String server, Map<String, String> headers, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(server))).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    public Reply get(String server, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(server))).timeout(Duration.ofSeconds(20)).GET();
        headers.forEach(b::header);
        return send(b.build());
    }

    public Reply delete(String server, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(server))).timeout(Duration.ofSeconds(20)).DELETE();
        headers.forEach(b::header);
        return send(b.build());
    }

    public Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Opens a GET stream and hands its lines over as they arrive. */
    public HttpResponse<java.util.stream.Stream<String>> openStream(String server, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(server))).GET();
        headers.forEach(b::header);
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** initialize + notifications/initialized; returns the gateway's session id. */
    public String initialize(String server, String token) {
        Reply init = post(server, headers(token, null), request(0, "initialize", """
                {"protocolVersion":"2025-11-25","capabilities":{"sampling":{}},"clientInfo":{"name":"test","version":"1"}}"""));
        assertEquals(200, init.status(), init.body());
        String session = init.header("mcp-session-id");
        assertNotNull(session, "initialize must set Mcp-Session-Id: " + init.body());
        Reply initialized = post(server, headers(token, session), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertEquals(202, initialized.status(), initialized.body());
        return session;
    }

    public Reply call(String server, String token, String session, String tool, String argumentsJson) {
        return post(server, headers(token, session), request(7, "tools/call",
                "{\"name\":\"" + tool + "\",\"arguments\":" + argumentsJson + "}"));
    }

    public static String request(Object id, String method, String paramsJson) {
        String idJson = id instanceof String s ? "\"" + s + "\"" : String.valueOf(id);
        return "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":\"" + method + "\""
                + (paramsJson == null ? "" : ",\"params\":" + paramsJson) + "}";
    }

    public static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    public static List<Event> parseEvents(String body) {
        List<Event> events = new ArrayList<>();
        String id = null;
        String event = null;
        StringBuilder data = null;
        Long retry = null;
        for (String line : (body + "\n\n").split("\r\n|\n|\r", -1)) {
            if (line.isEmpty()) {
                if (id != null || event != null || data != null || retry != null) {
                    events.add(new Event(id, event, data == null ? null : data.toString(), retry));
                }
                id = null;
                event = null;
                data = null;
                retry = null;
            } else if (line.startsWith(":")) {
                continue;
            } else {
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> event = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    case "retry" -> retry = Long.parseLong(value);
                    default -> { }
                }
            }
        }
        return events;
    }

    /**
     * Asserts a JSON-RPC error answer: the HTTP status, a JSON body with exactly {@code jsonrpc}, {@code id} and
     * {@code error}, the code, and a message containing {@code messagePart}; and nothing of the gateway's internals.
     */
    public static JsonNode assertRpcError(Reply reply, int status, int code, String messagePart) {
        assertEquals(status, reply.status(), reply.body());
        JsonNode message = reply.message();
        List<String> fields = new ArrayList<>();
        message.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("jsonrpc", "id", "error"), fields, reply.body());
        assertEquals("2.0", message.get("jsonrpc").asText());
        assertEquals(code, message.path("error").path("code").asInt(), reply.body());
        String text = message.path("error").path("message").asText();
        if (!text.contains(messagePart)) {
            throw new AssertionError("'" + text + "' does not contain '" + messagePart + "'");
        }
        if (reply.body().contains("Exception") || reply.body().contains("\tat ")) {
            throw new AssertionError("internals leaked: " + reply.body());
        }
        return message;
    }
}
