package dev.switchboard.gateway.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.telemetry.RowQueue;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** What the gateway tests share: SDK clients, the exact error-shape check, and polling instead of sleeping. */
public final class Gateway {

    public static final ObjectMapper JSON = new ObjectMapper();

    private Gateway() {
    }

    /** An official OpenAI SDK client pointed at {@code baseUrl}, without retries so every failure shows. */
    public static OpenAIClient sdk(URL baseUrl, String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl.toString().replace("localhost", "127.0.0.1"))
                .apiKey(key)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(15))
                .build();
    }

    /**
     * Asserts the exact OpenAI error shape {@code {"error":{"message","type","param","code"}}}: these four fields
     * and nothing else, with these values; and that the body is JSON, not HTML or a stack trace.
     */
    public static JsonNode assertError(Response response, int status, String type, String code, String param,
                                       String message) {
        String body = response.asString();
        assertEquals(status, response.statusCode(), body);
        assertTrue(response.contentType().startsWith("application/json"), response.contentType());
        assertNoInternals(body);
        JsonNode root = parse(body);
        List<String> top = new ArrayList<>();
        root.fieldNames().forEachRemaining(top::add);
        assertEquals(List.of("error"), top, body);
        JsonNode error = root.get("error");
        List<String> fields = new ArrayList<>();
        error.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("message", "type", "param", "code"), fields, body);
        assertEquals(type, error.get("type").asText(), body);
        assertEquals(code, error.get("code").asText(), body);
        if (param == null) {
            assertTrue(error.get("param").isNull(), body);
        } else {
            assertEquals(param, error.get("param").asText(), body);
        }
        assertTrue(error.get("message").isTextual(), body);
        if (message != null) {
            assertEquals(message, error.get("message").asText(), body);
        } else {
            assertFalse(error.get("message").asText().isBlank(), body);
        }
        return error;
    }

    public static void assertNoInternals(String body) {
        for (String tell : List.of("<html", "<!DOCTYPE", "Exception", "\tat ", "at dev.switchboard", "at io.vertx")) {
            assertFalse(body.contains(tell), () -> "the body shows '" + tell + "': " + body);
        }
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    /** Polls {@code condition} every 20 ms until it holds; fails with {@code what} after {@code timeout}. */
    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for " + what);
            }
            pause();
        }
    }

    /** Polls {@code value} until it is present; fails after {@code timeout}. */
    public static <T> T awaitValue(Duration timeout, String what, Supplier<Optional<T>> value) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> v = value.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for " + what);
            }
            pause();
        }
    }

    /**
     * Waits for the request-log event matching {@code which}; events that do not match stay collected in
     * {@code seen} so that a later call can find them.
     */
    public static RequestLog awaitLog(RowQueue<RequestLog> logs, List<RequestLog> seen, Predicate<RequestLog> which) {
        return awaitValue(Duration.ofSeconds(5), "a request-log event", () -> {
            seen.addAll(logs.drain(Integer.MAX_VALUE));
            for (Iterator<RequestLog> it = seen.iterator(); it.hasNext(); ) {
                RequestLog log = it.next();
                if (which.test(log)) {
                    it.remove();
                    return Optional.of(log);
                }
            }
            return Optional.empty();
        });
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes a POST of {@code json} to {@code path} on a raw socket, as a client that may vanish mid-answer does. */
    public static void postRaw(java.io.OutputStream out, String path, String key, String requestId, String json)
            throws IOException {
        byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Authorization: Bearer " + key + "\r\n"
                + "Content-Type: application/json\r\n"
                + "x-request-id: " + requestId + "\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** Reads a raw answer until {@code marker} has arrived; all that was read. */
    public static String readUntil(java.io.InputStream in, String marker) throws IOException {
        java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!seen.toString(java.nio.charset.StandardCharsets.UTF_8).contains(marker)) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new AssertionError("the stream ended before '" + marker + "': " + seen);
            }
            seen.write(buffer, 0, n);
        }
        return seen.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
