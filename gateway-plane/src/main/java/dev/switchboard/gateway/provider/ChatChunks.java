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
        ObjectNode chunk = shell();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        data(out, chunk.toString());
    }

    /** OpenAI's last chunk of a stream: no choices, the usage. */
    public void usage(Buffer out, ObjectNode usage) {
        ObjectNode chunk = shell();
        chunk.putArray("choices");
        chunk.set("usage", usage);
        data(out, chunk.toString());
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

    public static void data(Buffer out, String json) {
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
