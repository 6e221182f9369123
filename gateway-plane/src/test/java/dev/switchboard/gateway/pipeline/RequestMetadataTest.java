package dev.switchboard.gateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.anthropic.inbound.AnthropicInboundError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code x-tfy-metadata} header's rules: a JSON object of strings within the limits, or a 400 naming the field. */
class RequestMetadataTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The OpenAI error body of a refused header: {@code {"error":{message,type,param,code}}}. */
    private static JsonNode refused(String header) {
        GatewayError e = assertThrows(GatewayError.class, () -> RequestMetadata.parse(header));
        assertEquals(400, e.status());
        try {
            return JSON.readTree(e.toJson().getBytes()).get("error");
        } catch (java.io.IOException io) {
            throw new AssertionError(io);
        }
    }

    private static void assertRefused(String header, String param, String message) {
        JsonNode error = refused(header);
        assertEquals("invalid_request_error", error.get("type").asText());
        assertEquals("invalid_request", error.get("code").asText());
        assertEquals(param, error.get("param").asText(), error.toString());
        assertEquals(message, error.get("message").asText());
    }

    private static String object(int keys, int keyLength, int valueLength) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < keys; i++) {
            String key = ("k" + i + "_".repeat(keyLength)).substring(0, keyLength);
            out.append(i == 0 ? "" : ",").append('"').append(key).append("\":\"").append("v".repeat(valueLength))
                    .append('"');
        }
        return out.append('}').toString();
    }

    @Test
    void aJsonObjectOfStringsIsKeptInTheOrderSent() {
        Map<String, String> m = RequestMetadata.parse("{\"customer_id\":\"acme\",\"env\":\"prod\",\"a.b-c_9\":\"\"}");
        assertEquals(List.of("customer_id", "env", "a.b-c_9"), new ArrayList<>(m.keySet()));
        assertEquals(List.of("acme", "prod", ""), new ArrayList<>(m.values()));
        assertThrows(UnsupportedOperationException.class, () -> m.put("x", "y"));
    }

    @Test
    void anAnthropicUserIdIsRecordedUnlessTheHeaderNamesOne() {
        assertEquals(Map.of("team", "a", "user_id", "u1"), RequestMetadata.withUserId(Map.of("team", "a"), "u1"));
        assertEquals(Map.of("user_id", "mine"), RequestMetadata.withUserId(Map.of("user_id", "mine"), "u1"));
        assertEquals(Map.of(), RequestMetadata.withUserId(Map.of(), null));
        assertEquals(Map.of(), RequestMetadata.withUserId(Map.of(), "x".repeat(RequestMetadata.MAX_VALUE_LENGTH + 1)));
    }

    @Test
    void noHeaderIsNoMetadata() {
        assertEquals(Map.of(), RequestMetadata.parse(null));
        assertEquals(Map.of(), RequestMetadata.parse("  "));
        assertEquals(Map.of(), RequestMetadata.parse("{}"));
    }

    @Test
    void utf8ValuesAreDecodedFromTheHeaderBytes() {
        // Vert.x hands a header over one character per byte
        String wire = new String("{\"city\":\"Zürich\"}".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertEquals(Map.of("city", "Zürich"), RequestMetadata.parse(wire));
    }

    @Test
    void atMost32Keys() {
        assertEquals(32, RequestMetadata.parse(object(32, 8, 4)).size());
        assertRefused(object(33, 8, 4), "x-tfy-metadata", "x-tfy-metadata: the header must have at most 32 keys.");
    }

    @Test
    void keysAtMost64CharactersOfLettersDigitsDotDashUnderscore() {
        assertEquals(1, RequestMetadata.parse(object(1, 64, 1)).size());
        assertRefused(object(1, 65, 1), "x-tfy-metadata",
                "x-tfy-metadata: the key 'k0______________...' is longer than 64 characters.");
        for (String bad : List.of("a b", "a/b", "a:b", "a'b", "")) {
            JsonNode e = refused("{\"" + bad + "\":\"v\"}");
            assertEquals("x-tfy-metadata", e.get("param").asText());
            assertTrue(e.get("message").asText().endsWith("must be letters, digits, '_', '.' and '-' only."),
                    e.toString());
        }
    }

    @Test
    void valuesAtMost512Characters() {
        assertEquals(512, RequestMetadata.parse(object(1, 4, 512)).get("k0__").length());
        assertRefused(object(1, 4, 513), "x-tfy-metadata.k0__",
                "x-tfy-metadata.k0__: the value must be at most 512 characters (got 513).");
    }

    @Test
    void theWholeHeaderAtMost4KiB() {
        String fits = object(9, 16, 433);
        assertEquals(4096, fits.length());
        assertEquals(9, RequestMetadata.parse(fits).size());
        String big = object(9, 16, 434);
        assertRefused(big, "x-tfy-metadata",
                "x-tfy-metadata: the header must be at most 4096 bytes (got " + big.length() + ").");
    }

    @Test
    void valuesMustBeStrings() {
        for (String value : List.of("42", "true", "null", "{\"a\":\"b\"}", "[\"a\"]")) {
            assertRefused("{\"customer_id\":" + value + "}", "x-tfy-metadata.customer_id",
                    "x-tfy-metadata.customer_id: the value must be a string.");
        }
    }

    @Test
    void onlyAJsonObject() {
        String notAnObject = "x-tfy-metadata: the header must be a JSON object of string values.";
        String notJson = notAnObject.substring(0, notAnObject.length() - 1) + "; it is not valid JSON.";
        assertRefused("[\"a\"]", "x-tfy-metadata", notAnObject);
        assertRefused("\"a\"", "x-tfy-metadata", notAnObject);
        assertRefused("{\"a\":\"b\"} {}", "x-tfy-metadata", notAnObject);
        assertRefused("customer_id=acme", "x-tfy-metadata", notJson);
        assertRefused("{\"a\":\"b\"", "x-tfy-metadata", notJson);
        assertRefused("{\"a\":\"b\",\"a\":\"c\"}", "x-tfy-metadata.a", "x-tfy-metadata.a: the key is given twice.");
    }

    @Test
    void onTheMessagesEndpointTheAnthropicShapeNamesTheFieldFirst() throws Exception {
        GatewayError e = assertThrows(GatewayError.class, () -> RequestMetadata.parse("{\"tier\":1}"));
        JsonNode body = JSON.readTree(AnthropicInboundError.fromGatewayError(e).toJson().getBytes());
        assertEquals("error", body.get("type").asText());
        assertEquals("invalid_request_error", body.get("error").get("type").asText());
        assertEquals("x-tfy-metadata.tier: the value must be a string.", body.get("error").get("message").asText());
    }
}
