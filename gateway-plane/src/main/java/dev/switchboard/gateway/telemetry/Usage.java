package dev.switchboard.gateway.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Token counts of one call, as the upstream reported them ({@code usage} of a body or of a stream's last chunk), and
 * what the same pass read of the answer for its spans, null where the answer did not say: its {@code id}, its
 * {@code model}, and why it stopped ({@code finish_reason} of the first choice, or Anthropic's {@code stop_reason}).
 */
public record Usage(long promptTokens, long completionTokens, String responseId, String responseModel,
                    String finishReason) {

    public static final Usage UNKNOWN = new Usage(-1, -1);
    private static final JsonFactory JSON = new JsonFactory();
    private static final String FINISH = "\"finish_reason\":\"";
    private static final String STOP = "\"stop_reason\":\"";

    public Usage(long promptTokens, long completionTokens) {
        this(promptTokens, completionTokens, null, null, null);
    }

    public boolean known() {
        return promptTokens >= 0;
    }

    /** The top-level {@code usage} of a JSON document, with its id, model and finish reason; {@link #UNKNOWN} if none. */
    public static Usage ofJson(byte[] json, int offset, int length) {
        long[] tokens = {-1, -1};
        String id = null;
        String model = null;
        String finish = null;
        try (JsonParser p = JSON.createParser(json, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return UNKNOWN;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("usage") && value == JsonToken.START_OBJECT) {
                    readUsage(p, tokens);
                } else if (value == JsonToken.VALUE_STRING && field.equals("id")) {
                    id = p.getText();
                } else if (value == JsonToken.VALUE_STRING && field.equals("model")) {
                    model = p.getText();
                } else if (value == JsonToken.VALUE_STRING && field.equals("stop_reason")) {
                    finish = p.getText();
                } else if (value == JsonToken.START_ARRAY && field.equals("choices")) {
                    finish = firstFinishReason(p);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return UNKNOWN;
        }
        if (tokens[0] < 0 && tokens[1] < 0) {
            return UNKNOWN; // not a completion (an error, a list): its id and model are not an answer's
        }
        return new Usage(Math.max(tokens[0], 0), Math.max(tokens[1], 0), id, model, finish);
    }

    private static void readUsage(JsonParser p, long[] tokens) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_NUMBER_INT && (field.equals("prompt_tokens") || field.equals("input_tokens"))) {
                tokens[0] = p.getLongValue();
            } else if (value == JsonToken.VALUE_NUMBER_INT && field.equals("total_tokens") && tokens[0] < 0) {
                // a rerank answer (vLLM) counts only its input, as total_tokens; prompt_tokens wins where both are
                tokens[0] = p.getLongValue();
            } else if (value == JsonToken.VALUE_NUMBER_INT
                    && (field.equals("completion_tokens") || field.equals("output_tokens"))) {
                tokens[1] = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
    }

    /** Inside {@code choices}: the first choice's {@code finish_reason}; leaves the parser after the array. */
    private static String firstFinishReason(JsonParser p) throws IOException {
        String finish = null;
        while (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (finish == null && value == JsonToken.VALUE_STRING && field.equals("finish_reason")) {
                    finish = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        }
        return finish;
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
                    // a stream says why it stopped in an event before its usage (OpenAI) or in the same (Anthropic)
                    return usage.finishReason() != null ? usage : new Usage(usage.promptTokens(),
                            usage.completionTokens(), usage.responseId(), usage.responseModel(), lastFinish(text, end));
                }
            }
            end = start;
        }
        return UNKNOWN;
    }

    /** The last {@code finish_reason} or {@code stop_reason} string before {@code end}, or null. */
    private static String lastFinish(String text, int end) {
        int finish = text.lastIndexOf(FINISH, end);
        int stop = text.lastIndexOf(STOP, end);
        if (finish < 0 && stop < 0) {
            return null;
        }
        int from = finish > stop ? finish + FINISH.length() : stop + STOP.length();
        int to = text.indexOf('"', from);
        return to < 0 ? null : text.substring(from, to);
    }
}
