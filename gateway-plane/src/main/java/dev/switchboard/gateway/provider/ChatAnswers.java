package dev.switchboard.gateway.provider;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the translations of other providers' whole answers to an OpenAI {@code chat.completion} share (Anthropic,
 * Bedrock, Gemini): the choice with the assistant's message, and the tool calls in it.
 */
public final class ChatAnswers {

    private ChatAnswers() {
    }

    /**
     * Adds the choice {@code index}: the assistant's {@code text} and {@code toolCalls}; the content is null when the
     * model only called tools, as OpenAI answers then.
     */
    public static void choice(ArrayNode choices, int index, CharSequence text, ArrayNode toolCalls, String finishReason) {
        ObjectNode choice = choices.addObject();
        choice.put("index", index);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (text.length() > 0 || toolCalls.isEmpty()) {
            message.put("content", text.toString());
        } else {
            message.putNull("content");
        }
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
    }

    /** A function call of the answer; {@code arguments} is the JSON text of its input. */
    public static ObjectNode toolCall(String id, String name, String arguments) {
        ObjectNode call = JsonNodeFactory.instance.objectNode();
        call.put("id", id);
        call.put("type", "function");
        call.putObject("function").put("name", name).put("arguments", arguments);
        return call;
    }
}
