package dev.switchboard.gateway.provider.anthropic.inbound;

import static dev.switchboard.gateway.provider.anthropic.inbound.AnthropicToOpenAi.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.provider.ResponseTranslator;
import dev.switchboard.runtime.sse.SseParser;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * OpenAI {@code chat.completion.chunk}s as an Anthropic Messages event stream (with {@code event:} lines):
 * {@code message_start} on the first chunk (input tokens 0 unless that chunk already carries usage: OpenAI reports it
 * at the end); text deltas in a {@code text} block; each tool call (a new OpenAI tool index, or a new id on the same
 * index) a new {@code tool_use} block fed {@code input_json_delta}s, the open block being closed when another starts.
 * The finish reason closes the open block; {@code message_delta} (stop reason, usage with the input tokens too, as
 * Anthropic now sends) and {@code message_stop} follow once the usage chunk has come ({@code stream_options.include_usage}),
 * or at {@code [DONE]} for upstreams that send none. An OpenAI error event becomes an Anthropic {@code error} event;
 * a stream that ends before its message was complete ends with an {@code error} event too. Whatever comes after the
 * end is ignored. Chunk boundaries do not matter: events are split by {@link SseParser}, which decodes a line only
 * once it is whole.
 */
public final class OpenAiToAnthropicStream implements ResponseTranslator.StreamTranslator {

    private final String model;
    private final SseParser parser = SseParser.dataEvents(this::onEvent);
    /** Anthropic block index by OpenAI tool-call index, and the tool-call id each block was opened with. */
    private final Map<Integer, Integer> blockByToolIndex = new HashMap<>();
    private final Map<Integer, String> toolIdByBlock = new HashMap<>();
    private Buffer out;
    private String messageId = "msg_";
    private boolean started;
    private boolean done;
    private int blocks;
    private int openBlock = -1;
    private boolean openIsText;
    private Integer lastToolIndex;
    private boolean toolUse;
    private String finishReason;
    private boolean finishSeen;
    private JsonNode usage = JSON.createObjectNode();

    public OpenAiToAnthropicStream(String requestedModel) {
        this.model = requestedModel;
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
            // the upstream ended without [DONE] (nor a complete message): say so rather than end as if complete
            emitError("api_error", "The upstream stream ended before the message was complete.");
        }
        return out;
    }

    private void onEvent(String event, String data) {
        if (done) {
            return;
        }
        if (data.trim().equals("[DONE]")) {
            complete();
            return;
        }
        JsonNode chunk;
        try {
            chunk = JSON.readTree(data);
        } catch (IOException e) {
            return;
        }
        if (chunk == null || !chunk.isObject()) {
            return;
        }
        if (chunk.has("error")) {
            JsonNode err = chunk.get("error");
            String message = err.isTextual() ? err.asText() : err.path("message").asText("The upstream stream failed.");
            emitError(AnthropicInboundError.typeForOpenAi(err.path("type").asText(null), err.path("code").asText(null)), message);
            return;
        }
        if (!started) {
            start(chunk);
        }
        JsonNode delta = OpenAiToAnthropic.firstChoice(chunk).path("delta");
        String text = OpenAiToAnthropic.text(delta.get("content"));
        if (text.isEmpty() && delta.path("refusal").isTextual()) {
            text = delta.get("refusal").asText();
        }
        if (!text.isEmpty()) {
            text(text);
        }
        for (JsonNode call : delta.path("tool_calls")) {
            toolCall(call);
        }
        String finish = OpenAiToAnthropic.firstChoice(chunk).path("finish_reason").asText(null);
        if (finish != null) {
            finishReason = finish;
            finishSeen = true;
            closeBlock();
        }
        if (chunk.path("usage").isObject()) {
            usage = chunk.get("usage");
            if (finishSeen) {
                complete(); // the usage that follows (or comes with) the finish reason is the last thing needed
            }
        }
    }

    private void start(JsonNode chunk) {
        started = true;
        messageId = OpenAiToAnthropic.messageId(chunk.path("id").asText(""));
        ObjectNode e = event("message_start");
        ObjectNode message = e.putObject("message");
        message.put("id", messageId);
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        ObjectNode startUsage = OpenAiToAnthropic.usage(chunk.path("usage"));
        startUsage.put("output_tokens", 0);
        message.set("usage", startUsage);
        write(e);
    }

    private void text(String text) {
        if (openBlock < 0 || !openIsText) {
            closeBlock();
            openBlock = blocks++;
            openIsText = true;
            ObjectNode e = event("content_block_start").put("index", openBlock);
            e.putObject("content_block").put("type", "text").put("text", "");
            write(e);
        }
        ObjectNode e = event("content_block_delta").put("index", openBlock);
        e.putObject("delta").put("type", "text_delta").put("text", text);
        write(e);
    }

    private void toolCall(JsonNode call) {
        JsonNode fn = call.path("function");
        String id = call.hasNonNull("id") ? call.get("id").asText() : null;
        int toolIndex;
        if (call.path("index").isInt()) {
            toolIndex = call.get("index").asInt();
        } else if (lastToolIndex != null && (id == null || id.equals(toolIdByBlock.get(blockByToolIndex.get(lastToolIndex))))) {
            toolIndex = lastToolIndex; // no index (some servers): the last call goes on
        } else {
            toolIndex = -1 - blocks; // no index and a new call: a key no real index uses
        }
        Integer block = blockByToolIndex.get(toolIndex);
        if (block == null || (id != null && !id.equals(toolIdByBlock.get(block)))) {
            // a new call; a new id on a known index is a new call too (some servers index every call 0)
            closeBlock();
            block = blocks++;
            blockByToolIndex.put(toolIndex, block);
            String toolId = id != null ? id : "toolu_" + messageId.substring(4) + "_" + block;
            toolIdByBlock.put(block, toolId);
            openBlock = block;
            openIsText = false;
            toolUse = true;
            ObjectNode e = event("content_block_start").put("index", block);
            ObjectNode use = e.putObject("content_block");
            use.put("type", "tool_use").put("id", toolId).put("name", fn.path("name").asText(""));
            use.putObject("input");
            write(e);
        }
        lastToolIndex = toolIndex;
        String arguments = fn.path("arguments").asText("");
        if (!arguments.isEmpty()) {
            // to the call's own block even if another has started since: Anthropic events name their block
            ObjectNode e = event("content_block_delta").put("index", block);
            e.putObject("delta").put("type", "input_json_delta").put("partial_json", arguments);
            write(e);
        }
    }

    private void closeBlock() {
        if (openBlock >= 0) {
            write(event("content_block_stop").put("index", openBlock));
            openBlock = -1;
        }
    }

    private void complete() {
        if (!started) {
            start(JSON.createObjectNode());
        }
        closeBlock();
        ObjectNode e = event("message_delta");
        e.putObject("delta").put("stop_reason", OpenAiToAnthropic.stopReason(finishReason, toolUse)).putNull("stop_sequence");
        e.set("usage", OpenAiToAnthropic.usage(usage));
        write(e);
        write(event("message_stop"));
        done = true;
    }

    private void emitError(String type, String message) {
        ObjectNode e = event("error");
        e.putObject("error").put("type", type).put("message", message);
        write(e);
        done = true;
    }

    private static ObjectNode event(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    private void write(ObjectNode event) {
        out.appendString("event: ").appendString(event.get("type").asText()).appendString("\ndata: ")
                .appendString(event.toString()).appendString("\n\n");
    }
}
