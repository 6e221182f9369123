package dev.switchboard.gateway.provider.anthropic;

import static dev.switchboard.gateway.provider.anthropic.AnthropicRequests.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.provider.ChatAnswers;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/** Anthropic Messages answers (and errors) in the OpenAI chat-completions shape. */
final class AnthropicResponses {

    private AnthropicResponses() {
    }

    /** {@code stop_reason} as OpenAI's {@code finish_reason}. */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    static ObjectNode usage(long input, long output) {
        return JSON.createObjectNode().put("prompt_tokens", input).put("completion_tokens", output)
                .put("total_tokens", input + output);
    }

    /** Anthropic counts cached input apart; OpenAI's prompt_tokens include it. */
    static long inputTokens(JsonNode usage) {
        return usage.path("input_tokens").asLong(0) + usage.path("cache_read_input_tokens").asLong(0)
                + usage.path("cache_creation_input_tokens").asLong(0);
    }

    static Buffer completion(Buffer anthropicBody, long createdEpochSeconds) {
        JsonNode in;
        try {
            in = JSON.readTree(anthropicBody.getBytes());
        } catch (IOException e) {
            return error(502, "api_error", "The Anthropic upstream answered with a body that is not JSON.");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("id", in.path("id").asText());
        out.put("object", "chat.completion");
        out.put("created", createdEpochSeconds);
        out.put("model", in.path("model").asText());
        StringBuilder text = new StringBuilder();
        ArrayNode toolCalls = JSON.createArrayNode();
        for (JsonNode block : in.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> toolCalls.add(ChatAnswers.toolCall(block.path("id").asText(),
                        block.path("name").asText(), block.path("input").toString()));
                default -> { }
            }
        }
        ChatAnswers.choice(out.putArray("choices"), 0, text, toolCalls, finishReason(in.path("stop_reason").asText(null)));
        JsonNode usage = in.path("usage");
        out.set("usage", usage(inputTokens(usage), usage.path("output_tokens").asLong(0)));
        return Buffer.buffer(out.toString());
    }

    /** An Anthropic error body ({@code {"type":"error","error":{"type","message"}}}) in the OpenAI error shape. */
    static Buffer errorBody(int status, Buffer body) {
        String type = "api_error";
        String message = "The Anthropic upstream answered HTTP " + status + ".";
        try {
            JsonNode err = JSON.readTree(body.getBytes()).path("error");
            if (err.hasNonNull("message")) {
                message = err.get("message").asText();
            }
            if (err.hasNonNull("type")) {
                type = err.get("type").asText();
            }
        } catch (IOException e) {
            // not JSON: keep the generic message
        }
        return error(status, openAiType(type), message);
    }

    static String openAiType(String anthropicType) {
        return switch (anthropicType) {
            case "invalid_request_error", "request_too_large" -> "invalid_request_error";
            case "authentication_error" -> "authentication_error";
            case "permission_error" -> "permission_error";
            case "not_found_error" -> "not_found_error";
            case "rate_limit_error" -> "rate_limit_error";
            case "overloaded_error" -> "overloaded_error";
            default -> "api_error";
        };
    }

    static Buffer error(int status, String type, String message) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode e = out.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.putNull("param");
        e.put("code", status == 429 ? "rate_limit_exceeded" : type);
        return Buffer.buffer(out.toString());
    }
}
