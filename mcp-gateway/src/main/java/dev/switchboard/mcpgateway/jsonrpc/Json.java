package dev.switchboard.mcpgateway.jsonrpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/** The one Jackson mapper of the MCP path: trees only, numbers kept exact so request ids round-trip unchanged. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    public static JsonNode read(byte[] bytes) throws IOException {
        try {
            return MAPPER.readTree(bytes);
        } catch (NumberFormatException e) {
            throw new NumberOutOfRange(e);
        }
    }

    public static JsonNode read(String text) throws IOException {
        try {
            return MAPPER.readTree(text);
        } catch (NumberFormatException e) {
            throw new NumberOutOfRange(e);
        }
    }

    /**
     * Valid JSON whose number no {@code BigDecimal} holds (an exponent past its range, {@code 0e999...}): Jackson throws
     * an unchecked {@link NumberFormatException} for it, which is turned into the I/O error every caller already handles.
     */
    public static final class NumberOutOfRange extends IOException {
        NumberOutOfRange(NumberFormatException cause) {
            super("a number in the JSON is out of range", cause);
        }
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Buffer buffer(JsonNode node) {
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
