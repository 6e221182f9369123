package dev.switchboard.gateway.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.provider.OpenAiErrors;
import dev.switchboard.gateway.provider.ResponseTranslator;
import dev.switchboard.runtime.sse.SseParser;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Azure OpenAI's answers for OpenAI callers. Successful answers are OpenAI's shape and pass as they are, but a choice
 * that Azure's content filter cut ({@code finish_reason: content_filter}) becomes a 400 {@code content_filter} error
 * naming the filtered categories, in a whole answer and in a stream (an error event, then {@code [DONE]}). Azure's
 * error bodies ({@code code} often a bare status, {@code innererror} for a refused prompt) become OpenAI errors.
 */
final class AzureResponses {

    static final String CONTENT_FILTER = "content_filter";
    private static final ObjectMapper JSON = new ObjectMapper();

    static final ResponseTranslator TRANSLATOR = new ResponseTranslator() {
        @Override
        public int status(int status, Buffer body) {
            return status >= 200 && status < 300 && filteredAnswer(body) != null ? 400 : status;
        }

        @Override
        public Buffer body(int status, Buffer body) {
            if (status >= 200 && status < 300) {
                return body;
            }
            String filtered = filteredAnswer(body);
            return filtered != null ? answerFiltered(filtered) : errorBody(status, body);
        }

        @Override
        public StreamTranslator stream() {
            return new FilteredStream();
        }
    };

    private AzureResponses() {
    }

    /** The filtered categories of a successful answer cut by the content filter, or null when it was not cut. */
    static String filteredAnswer(Buffer body) {
        if (!contains(body, CONTENT_FILTER)) {
            return null; // the common case, without parsing
        }
        try {
            JsonNode answer = JSON.readTree(body.getBytes());
            for (JsonNode choice : answer.path("choices")) {
                if (CONTENT_FILTER.equals(choice.path("finish_reason").asText())) {
                    return categories(choice.path("content_filter_results"));
                }
            }
        } catch (IOException e) {
            // not JSON: not a filtered answer
        }
        return null;
    }

    static Buffer answerFiltered(String categories) {
        return OpenAiErrors.of(400, CONTENT_FILTER, null,
                "Azure OpenAI's content filter withheld the answer" + categories + ".");
    }

    /** Azure's error body in OpenAI's shape; a prompt the content filter refused says which categories. */
    static Buffer errorBody(int status, Buffer body) {
        String message = "Azure OpenAI answered HTTP " + status + ".";
        String code = null;
        String param = null;
        try {
            JsonNode error = JSON.readTree(body.getBytes()).path("error");
            if (error.hasNonNull("message")) {
                message = error.get("message").asText();
            }
            String given = error.path("code").asText("");
            // Azure often puts the bare status in code ("429", "401"); only a named code tells more
            code = given.isEmpty() || given.chars().allMatch(Character::isDigit) ? null : given;
            param = error.hasNonNull("param") ? error.get("param").asText() : null;
            JsonNode inner = error.path("innererror");
            if (CONTENT_FILTER.equals(code) || "ResponsibleAIPolicyViolation".equals(inner.path("code").asText())) {
                code = CONTENT_FILTER;
                message = "Azure OpenAI's content filter refused the prompt"
                        + categories(inner.path("content_filter_result")) + ".";
            }
        } catch (IOException e) {
            // not JSON: keep the generic message
        }
        return OpenAiErrors.of(status, code, param, message);
    }

    /** ": hate (high), violence (medium)" for the categories marked filtered, or "" when none is. */
    static String categories(JsonNode results) {
        List<String> filtered = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = results.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> category = it.next();
            if (category.getValue().path("filtered").asBoolean(false)) {
                String severity = category.getValue().path("severity").asText("");
                filtered.add(category.getKey() + (severity.isEmpty() ? "" : " (" + severity + ")"));
            }
        }
        return filtered.isEmpty() ? "" : ": " + String.join(", ", filtered);
    }

    private static boolean contains(Buffer body, String text) {
        return body.toString(java.nio.charset.StandardCharsets.UTF_8).contains(text);
    }

    /** Passes a stream on event by event, until a choice ends on the content filter: then an error and the end. */
    static final class FilteredStream implements ResponseTranslator.StreamTranslator {
        private final SseParser parser = SseParser.dataEvents(this::onEvent);
        private Buffer out;
        private boolean done;

        @Override
        public Buffer onChunk(Buffer chunk) {
            out = Buffer.buffer(chunk.length() + 16);
            parser.feed(chunk);
            return out;
        }

        @Override
        public Buffer onEnd() {
            out = Buffer.buffer();
            parser.finish();
            return out;
        }

        private void onEvent(String event, String data) {
            if (done) {
                return;
            }
            if (data.contains(CONTENT_FILTER) && data.startsWith("{")) {
                String filtered = filteredAnswer(Buffer.buffer(data));
                if (filtered != null) {
                    out.appendString("data: ").appendBuffer(answerFiltered(filtered)).appendString("\n\ndata: [DONE]\n\n");
                    done = true;
                    return;
                }
            }
            out.appendString("data: ").appendString(data).appendString("\n\n");
            done = "[DONE]".equals(data);
        }
    }
}
