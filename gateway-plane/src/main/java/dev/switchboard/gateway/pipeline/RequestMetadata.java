package dev.switchboard.gateway.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.gateway.http.GatewayError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code x-tfy-metadata} header: a JSON object of string values the caller attaches to a request, recorded in the
 * request log (and so filterable and groupable in the analytics API) and usable as a sticky-routing key. Parsed once
 * per request. Limits keep a row small and a key usable as an analytics filter: at most {@value #MAX_KEYS} keys, each
 * {@code [A-Za-z0-9_.-]} and at most {@value #MAX_KEY_LENGTH} characters, values at most {@value #MAX_VALUE_LENGTH}
 * characters, the whole header at most {@value #MAX_HEADER_BYTES} bytes. Anything else is a 400 whose {@code param}
 * is {@code x-tfy-metadata} or {@code x-tfy-metadata.<key>}; the message starts with the same name, which is how an
 * Anthropic-shaped error (no {@code param}) names the field.
 */
public final class RequestMetadata {

    public static final String HEADER = "x-tfy-metadata";
    /** The key an Anthropic request's {@code metadata.user_id} is recorded under. */
    public static final String USER_ID = "user_id";
    public static final int MAX_KEYS = 32;
    public static final int MAX_KEY_LENGTH = 64;
    public static final int MAX_VALUE_LENGTH = 512;
    public static final int MAX_HEADER_BYTES = 4096;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final JsonFactory JSON = new JsonFactory();

    private RequestMetadata() {
    }

    /**
     * The header's keys and values in the order sent, as an unmodifiable map; empty when the header is absent or blank.
     *
     * @param header the header as Vert.x gives it: one character per byte received, so UTF-8 text is decoded here
     */
    public static Map<String, String> parse(String header) {
        if (header == null || header.isBlank()) {
            return Map.of();
        }
        byte[] bytes = header.getBytes(StandardCharsets.ISO_8859_1);
        if (bytes.length > MAX_HEADER_BYTES) {
            throw invalid(HEADER, "the header must be at most " + MAX_HEADER_BYTES + " bytes (got " + bytes.length
                    + ").");
        }
        Map<String, String> out = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid(HEADER, "the header must be a JSON object of string values.");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                checkKey(key);
                if (out.containsKey(key)) {
                    throw invalid(HEADER + "." + key, "the key is given twice.");
                }
                if (out.size() == MAX_KEYS) {
                    throw invalid(HEADER, "the header must have at most " + MAX_KEYS + " keys.");
                }
                if (p.nextToken() != JsonToken.VALUE_STRING) {
                    throw invalid(HEADER + "." + key, "the value must be a string.");
                }
                String value = p.getText();
                if (value.length() > MAX_VALUE_LENGTH) {
                    throw invalid(HEADER + "." + key, "the value must be at most " + MAX_VALUE_LENGTH
                            + " characters (got " + value.length() + ").");
                }
                out.put(key, value);
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw invalid(HEADER, "the header must be a JSON object of string values.");
            }
        } catch (IOException e) {
            throw invalid(HEADER, "the header must be a JSON object of string values; it is not valid JSON.");
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The metadata with an Anthropic request's {@code metadata.user_id} under {@value #USER_ID}, so that the request
     * log shows whose Claude Code session a request came from; the header's own {@value #USER_ID} wins, and a value
     * over {@value #MAX_VALUE_LENGTH} characters is left out rather than refused (the body is the provider's to judge).
     */
    public static Map<String, String> withUserId(Map<String, String> metadata, String userId) {
        if (userId == null || userId.isEmpty() || userId.length() > MAX_VALUE_LENGTH || metadata.containsKey(USER_ID)
                || metadata.size() == MAX_KEYS) {
            return metadata;
        }
        Map<String, String> out = new LinkedHashMap<>(metadata);
        out.put(USER_ID, userId);
        return Collections.unmodifiableMap(out);
    }

    private static void checkKey(String key) {
        if (key.length() > MAX_KEY_LENGTH) {
            throw invalid(HEADER, "the key '" + key.substring(0, 16) + "...' is longer than " + MAX_KEY_LENGTH
                    + " characters.");
        }
        if (!KEY.matcher(key).matches()) {
            throw invalid(HEADER, "the key '" + key + "' must be letters, digits, '_', '.' and '-' only.");
        }
    }

    private static GatewayError invalid(String param, String message) {
        return GatewayError.invalidRequest(param + ": " + message, param);
    }
}
