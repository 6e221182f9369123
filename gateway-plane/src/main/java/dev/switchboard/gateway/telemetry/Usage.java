package dev.switchboard.gateway.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Token counts of one call, as the upstream reported them ({@code usage} of a body or of a stream's last chunk). */
public record Usage(long promptTokens, long completionTokens) {

    public static final Usage UNKNOWN = new Usage(-1, -1);
    private static final JsonFactory JSON = new JsonFactory();

    public boolean known() {
        return promptTokens >= 0;
    }

    /** The top-level {@code usage} of a JSON document; {@link #UNKNOWN} if it has none. */
    public static Usage ofJson(byte[] json, int offset, int length) {
        try (JsonParser p = JSON.createParser(json, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return UNKNOWN;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("usage") && value == JsonToken.START_OBJECT) {
                    return readUsage(p);
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return UNKNOWN;
        }
        return UNKNOWN;
    }

    private static Usage readUsage(JsonParser p) throws IOException {
        long prompt = -1;
        long completion = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_NUMBER_INT && (field.equals("prompt_tokens") || field.equals("input_tokens"))) {
                prompt = p.getLongValue();
            } else if (value == JsonToken.VALUE_NUMBER_INT
                    && (field.equals("completion_tokens") || field.equals("output_tokens"))) {
                completion = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
        return prompt < 0 && completion < 0 ? UNKNOWN : new Usage(Math.max(prompt, 0), Math.max(completion, 0));
    }

    /** The usage of the last {@code data:} event that has one, in the tail of an SSE stream. */
    public static Usage ofSseTail(byte[] tail, int length) {
        String text = new String(tail, 0, length, StandardCharsets.UTF_8);
        int end = text.length();
        while (end > 0) {
            int start = text.lastIndexOf("data:", end - 1);
            if (start < 0) {
                break;
            }
            String data = text.substring(start + 5, end).trim();
            if (data.startsWith("{") && data.contains("\"usage\"")) {
                byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
                Usage usage = ofJson(bytes, 0, bytes.length);
                if (usage.known()) {
                    return usage;
                }
            }
            end = start;
        }
        return UNKNOWN;
    }
}
