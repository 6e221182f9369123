package dev.switchboard.gateway.provider.anthropic;

import static dev.switchboard.gateway.provider.anthropic.AnthropicRequests.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.provider.ChatChunks;
import dev.switchboard.gateway.provider.ResponseTranslator;
import dev.switchboard.runtime.sse.SseParser;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * An Anthropic Messages event stream as OpenAI {@code chat.completion.chunk}s: {@code message_start} gives the role
 * chunk, text deltas give content, {@code tool_use} blocks and their {@code input_json_delta}s give tool-call deltas
 * (indexed from 0 in the order the tools appear), {@code message_delta} the finish reason, and the stream ends with a
 * usage chunk and {@code [DONE]}. An {@code error} event becomes an OpenAI error event and a clean end.
 */
final class AnthropicStreamTranslator implements ResponseTranslator.StreamTranslator {

    private final ChatChunks chunks;
    private final SseParser parser = SseParser.dataEvents(this::onEvent);
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private Buffer out;
    private long inputTokens;
    private long outputTokens;
    private boolean done;

    AnthropicStreamTranslator(long createdEpochSeconds) {
        this.chunks = new ChatChunks(createdEpochSeconds);
    }

    @Override
    public Buffer onChunk(Buffer chunk) {
        out = Buffer.buffer();
        parser.feed(chunk);
        return out;
    }

    @Override
    public Buffer onEnd() {
        out = Buffer.buffer();
        parser.finish();
        if (!done) {
            // the upstream ended without message_stop: say so rather than end as if complete
            emitError("api_error", "The Anthropic stream ended before message_stop.");
        }
        return out;
    }

    private void onEvent(String event, String data) {
        if (done) {
            return;
        }
        JsonNode e;
        try {
            e = JSON.readTree(data);
        } catch (IOException ex) {
            return;
        }
        String type = e.path("type").asText(event == null ? "" : event);
        switch (type) {
            case "message_start" -> {
                JsonNode message = e.path("message");
                chunks.identify(message.path("id").asText(), message.path("model").asText());
                inputTokens = AnthropicResponses.inputTokens(message.path("usage"));
                outputTokens = message.path("usage").path("output_tokens").asLong(0);
                chunks.role(out);
            }
            case "content_block_start" -> {
                JsonNode block = e.path("content_block");
                if ("tool_use".equals(block.path("type").asText())) {
                    int toolIndex = toolIndexByBlock.size();
                    toolIndexByBlock.put(e.path("index").asInt(), toolIndex);
                    chunks.chunk(out, ChatChunks.toolCallHead(toolIndex, block.path("id").asText(),
                            block.path("name").asText()), null);
                } else if ("text".equals(block.path("type").asText()) && !block.path("text").asText().isEmpty()) {
                    chunks.text(out, 0, block.path("text").asText());
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = e.path("delta");
                switch (delta.path("type").asText()) {
                    case "text_delta" -> chunks.text(out, 0, delta.path("text").asText());
                    case "input_json_delta" -> {
                        Integer toolIndex = toolIndexByBlock.get(e.path("index").asInt());
                        if (toolIndex != null) {
                            chunks.chunk(out, ChatChunks.toolCallArguments(toolIndex,
                                    delta.path("partial_json").asText()), null);
                        }
                    }
                    default -> { }
                }
            }
            case "message_delta" -> {
                JsonNode usage = e.path("usage");
                if (usage.has("output_tokens")) {
                    outputTokens = usage.get("output_tokens").asLong();
                }
                if (usage.has("input_tokens")) {
                    inputTokens = AnthropicResponses.inputTokens(usage);
                }
                String finish = AnthropicResponses.finishReason(e.path("delta").path("stop_reason").asText(null));
                if (finish != null) {
                    chunks.finish(out, 0, finish);
                }
            }
            case "message_stop" -> {
                chunks.usage(out, AnthropicResponses.usage(inputTokens, outputTokens));
                ChatChunks.done(out);
                done = true;
            }
            case "error" -> {
                JsonNode err = e.path("error");
                emitError(AnthropicResponses.openAiType(err.path("type").asText("api_error")),
                        err.path("message").asText("The Anthropic stream failed."));
            }
            default -> { } // ping, content_block_stop, and events added later
        }
    }

    private void emitError(String type, String message) {
        ObjectNode err = JSON.createObjectNode();
        err.putObject("error").put("message", message).put("type", type).putNull("param").put("code", type);
        ChatChunks.error(out, err.toString());
        done = true;
    }
}
