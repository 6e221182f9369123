package dev.switchboard.gateway.provider.anthropic.inbound;

import static dev.switchboard.gateway.provider.anthropic.inbound.AnthropicToOpenAi.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.provider.ResponseTranslator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * An OpenAI chat completion as an Anthropic Messages answer: {@code id} is {@code msg_} + the completion's id,
 * {@code model} the model the caller asked for, the text one text block, each function tool call a {@code tool_use}
 * block (its arguments parsed; arguments that are not a JSON object give the input {@code {}}: Anthropic needs an
 * object there, and the tool then reports the missing fields to the model, which can try again). The finish reason
 * becomes {@code stop_reason} ({@link #stopReason}); {@code stop_sequence} is always null (OpenAI does not say which
 * sequence matched). Usage follows Anthropic's counting: cached prompt tokens are {@code cache_read_input_tokens}, apart
 * from {@code input_tokens}. Reasoning content is not carried over.
 */
public final class OpenAiToAnthropic {

    private OpenAiToAnthropic() {
    }

    /**
     * A successful completion translated. A body that is not a JSON completion (a broken upstream) gives an Anthropic
     * {@code api_error} body, as the status line has already been chosen by then.
     */
    public static Buffer response(Buffer openAiCompletion, String requestedModel) {
        JsonNode in;
        try {
            in = JSON.readTree(openAiCompletion.getBytes());
        } catch (IOException e) {
            in = null;
        }
        if (in == null || !in.isObject()) {
            return AnthropicInboundError.api("The upstream answered with a body that is not JSON.").toJson();
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("id", messageId(in.path("id").asText("")));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", requestedModel);
        ArrayNode content = out.putArray("content");
        JsonNode choice = firstChoice(in);
        JsonNode message = choice.path("message");
        String text = text(message.get("content"));
        if (text.isEmpty() && message.path("refusal").isTextual()) {
            text = message.get("refusal").asText();
        }
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        boolean toolUse = false;
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode fn = call.path("function");
            if (fn.isMissingNode()) {
                continue; // not a function call: nothing Anthropic-shaped to give it as
            }
            ObjectNode use = content.addObject();
            use.put("type", "tool_use");
            use.put("id", call.path("id").asText(""));
            use.put("name", fn.path("name").asText(""));
            use.set("input", input(fn.path("arguments").asText("")));
            toolUse = true;
        }
        out.put("stop_reason", stopReason(choice.path("finish_reason").asText(null), toolUse));
        out.putNull("stop_sequence");
        out.set("usage", usage(in.path("usage")));
        return Buffer.buffer(out.toString());
    }

    /**
     * The inverse of the outbound finish-reason mapping: stop → end_turn, length → max_tokens, tool_calls (and the
     * legacy function_call) → tool_use, content_filter → refusal. Some OpenAI-compatible servers say {@code stop}
     * (or nothing) with tool calls; Anthropic callers act on {@code tool_use}, so tool calls win.
     */
    static String stopReason(String finishReason, boolean toolUse) {
        if (finishReason == null) {
            return toolUse ? "tool_use" : "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> toolUse ? "tool_use" : "end_turn";
        };
    }

    /** OpenAI usage in Anthropic's counting; zeros when the upstream reported none. */
    static ObjectNode usage(JsonNode openAiUsage) {
        long prompt = openAiUsage.path("prompt_tokens").asLong(0);
        long cached = Math.min(prompt, openAiUsage.path("prompt_tokens_details").path("cached_tokens").asLong(0));
        ObjectNode usage = JSON.createObjectNode();
        usage.put("input_tokens", prompt - cached);
        usage.put("output_tokens", openAiUsage.path("completion_tokens").asLong(0));
        if (cached > 0) {
            usage.put("cache_read_input_tokens", cached);
        }
        return usage;
    }

    static String messageId(String openAiId) {
        return "msg_" + openAiId;
    }

    /** Tool-call arguments as an input object; anything else (invalid JSON, an array, nothing) is {@code {}}. */
    static JsonNode input(String arguments) {
        try {
            JsonNode input = arguments.isBlank() ? null : JSON.readTree(arguments);
            return input != null && input.isObject() ? input : JSON.createObjectNode();
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    static JsonNode firstChoice(JsonNode chunkOrCompletion) {
        JsonNode choices = chunkOrCompletion.path("choices");
        for (JsonNode c : choices) {
            if (c.path("index").asInt(0) == 0) {
                return c;
            }
        }
        return choices.path(0);
    }

    /** Message content as text: a string, or the text parts of a list (other parts, such as reasoning, skipped). */
    static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText())) {
                text.append(part.path("text").asText(""));
            }
        }
        return text.toString();
    }

    /**
     * The translator for an answer to an Anthropic-inbound request: the target adapter's own translator to the OpenAI
     * format ({@code openAi}, possibly {@link ResponseTranslator#PASSTHROUGH}) first, then the OpenAI answer to
     * Anthropic's. Success becomes a message (or an Anthropic event stream), errors keep their status and get
     * Anthropic's error shape ({@link AnthropicInboundError#fromOpenAi}).
     */
    public static ResponseTranslator translator(ResponseTranslator openAi, String requestedModel) {
        boolean passthrough = openAi == ResponseTranslator.PASSTHROUGH;
        return new ResponseTranslator() {
            @Override
            public int status(int status, Buffer body) {
                return openAi.status(status, body);
            }

            @Override
            public Buffer body(int status, Buffer body) {
                Buffer openAiBody = passthrough ? body : openAi.body(status, body);
                return status >= 200 && status < 300 ? response(openAiBody, requestedModel)
                        : AnthropicInboundError.fromOpenAi(status, openAiBody).toJson();
            }

            @Override
            public StreamTranslator stream() {
                StreamTranslator first = passthrough ? null : openAi.stream();
                OpenAiToAnthropicStream second = new OpenAiToAnthropicStream(requestedModel);
                return new StreamTranslator() {
                    @Override
                    public Buffer onChunk(Buffer chunk) {
                        Buffer openAiChunk = first == null ? chunk : first.onChunk(chunk);
                        return openAiChunk == null ? Buffer.buffer() : second.onChunk(openAiChunk);
                    }

                    @Override
                    public Buffer onEnd() {
                        Buffer out = Buffer.buffer();
                        Buffer last = first == null ? null : first.onEnd();
                        if (last != null && last.length() > 0) {
                            out.appendBuffer(second.onChunk(last));
                        }
                        return out.appendBuffer(second.onEnd());
                    }
                };
            }
        };
    }
}
