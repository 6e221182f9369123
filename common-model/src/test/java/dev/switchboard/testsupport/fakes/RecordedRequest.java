package dev.switchboard.testsupport.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request exactly as a fake server received it.
 *
 * @param method     the HTTP method, e.g. {@code POST}
 * @param path       the raw path, e.g. {@code /v1/chat/completions}
 * @param query      the raw query string without {@code ?}, or {@code null}
 * @param headers    every header; names are looked up case-insensitively
 * @param body       the exact body bytes (a copy; empty when there was no body)
 * @param receivedAt when the request was read, before any injected behaviour (stall, failure) ran
 */
public record RecordedRequest(
        String method, String path, String query, Map<String, List<String>> headers, byte[] body, Instant receivedAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public RecordedRequest {
        Map<String, List<String>> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> caseInsensitive.put(name, List.copyOf(values)));
        headers = Collections.unmodifiableMap(caseInsensitive);
        body = body.clone();
    }

    /** A copy, so that no test can change what was recorded. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The first value of the header {@code name} (any case), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every value of the header {@code name} (any case); empty when absent. */
    public List<String> headerValues(String name) {
        return headers.getOrDefault(name, List.of());
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body parsed as JSON; throws if it is not JSON. */
    public JsonNode bodyJson() {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("request body is not JSON: " + bodyAsString(), e);
        }
    }

    @Override
    public String toString() {
        return method + " " + path + (query == null ? "" : "?" + query) + " (" + body.length + " body bytes)";
    }
}
