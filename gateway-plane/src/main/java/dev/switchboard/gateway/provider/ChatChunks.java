package dev.switchboard.gateway.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

/**
 * The OpenAI {@code chat.completion.chunk} events of a stream translated from another provider's: each carries the
 * stream's one id, model and creation time, as the OpenAI SDKs' accumulators expect. Not thread-safe: one per stream.
 */
public final class ChatChunks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final long created;
    private String id = "";
    private String model = "";

    public ChatChunks(long createdEpochSeconds) {
        this.created = createdEpochSeconds;
    }

    /** The id and model every later chunk carries (some providers tell them only in their first event). */
    public void identify(String id, String model) {
        this.id = id;
        this.model = model;
    }

    /** A chunk with one choice: {@code delta}, and {@code finishReason} (null while the answer goes on). */
    public void chunk(Buffer out, ObjectNode delta, String finishReason) {
        chunk(out, 0, delta, finishReason);
    }

    /** A chunk with the one choice {@code index}, for providers that answer with several candidates (n > 1). */
    public void chunk(Buffer out, int index, ObjectNode delta, String finishReason) {
        ObjectNode chunk = shell();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", index);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        data(out, chunk.toString());
    }

    /** The stream's first chunk: the assistant's role, and empty content. */
    public void role(Buffer out) {
        chunk(out, JSON.createObjectNode().put("role", "assistant").put("content", ""), null);
    }

    /** A piece of the text of the choice {@code index}. */
    public void text(Buffer out, int index, String text) {
        chunk(out, index, JSON.createObjectNode().put("content", text), null);
    }

    /** The end of the choice {@code index}: an empty delta and the finish reason. */
    public void finish(Buffer out, int index, String finishReason) {
        chunk(out, index, JSON.createObjectNode(), finishReason);
    }

    /** OpenAI's last chunk of a stream: no choices, the usage. */
    public void usage(Buffer out, ObjectNode usage) {
        ObjectNode chunk = shell();
        chunk.putArray("choices");
        chunk.set("usage", usage);
        data(out, chunk.toString());
    }

    /** A delta opening the tool call {@code index}: its id and function name; the arguments follow in pieces. */
    public static ObjectNode toolCallHead(int index, String id, String name) {
        ObjectNode call = JSON.createObjectNode();
        call.put("index", index);
        call.put("id", id);
        call.put("type", "function");
        call.putObject("function").put("name", name).put("arguments", "");
        return toolCallDelta(call);
    }

    /** A delta with the next piece of the arguments of the tool call {@code index}. */
    public static ObjectNode toolCallArguments(int index, String piece) {
        ObjectNode call = JSON.createObjectNode().put("index", index);
        call.putObject("function").put("arguments", piece);
        return toolCallDelta(call);
    }

    /** A delta holding one tool call (its head, or a piece of its arguments). */
    public static ObjectNode toolCallDelta(ObjectNode call) {
        ObjectNode delta = JSON.createObjectNode();
        delta.putArray("tool_calls").add(call);
        return delta;
    }

    /** The stream's end: {@code data: [DONE]}. */
    public static void done(Buffer out) {
        out.appendString("data: [DONE]\n\n");
    }

    /** An error event ({@code openAiError}: an OpenAI error body) and the stream's end. */
    public static void error(Buffer out, String openAiError) {
        data(out, openAiError);
        done(out);
    }

    private static void data(Buffer out, String json) {
        out.appendString("data: ").appendString(json).appendString("\n\n");
    }

    private ObjectNode shell() {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }
}
