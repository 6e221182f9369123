package dev.switchboard.gateway.provider.anthropic.inbound;

import static dev.switchboard.gateway.provider.anthropic.inbound.AnthropicToOpenAi.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * The answer of {@code POST /v1/messages/count_tokens} for a target that is not Anthropic: an estimate, as no
 * OpenAI-compatible API counts a prompt without running it, and the target's tokenizer is unknown to the gateway.
 * About four characters per token over everything the model reads (system, message text, tool calls and results, tool
 * definitions), a few tokens per message for the chat template, and a flat {@value #MEDIA_TOKENS} per image or PDF
 * (Anthropic's own count for a picture of about a megapixel). Prose in English lands within a few tens of percent of a
 * real tokenizer; code and other languages usually count higher than this.
 */
public final class TokenEstimate {

    static final int CHARS_PER_TOKEN = 4;
    static final int MESSAGE_TOKENS = 4;
    static final int MEDIA_TOKENS = 1_600;

    private TokenEstimate() {
    }

    /** {@code {"input_tokens": n}} for a Messages (count_tokens) body; a body that is not a JSON object is a 400. */
    public static int inputTokens(byte[] anthropicBody) {
        JsonNode in;
        try {
            in = JSON.readTree(anthropicBody);
        } catch (IOException e) {
            throw AnthropicInboundError.invalidRequest("The request body is not valid JSON.");
        }
        if (in == null || !in.isObject()) {
            throw AnthropicInboundError.invalidRequest("The request body must be a JSON object.");
        }
        Count count = new Count();
        count.content(in.get("system"));
        for (JsonNode message : in.path("messages")) {
            count.tokens += MESSAGE_TOKENS;
            count.content(message.get("content"));
        }
        for (JsonNode tool : in.path("tools")) {
            count.chars += tool.toString().length();
        }
        return count.tokens + (int) Math.ceil(count.chars / (double) CHARS_PER_TOKEN);
    }

    private static final class Count {
        long chars;
        int tokens;

        /** A string, or blocks of any kind: their text, tool inputs and nested results; media at a flat rate. */
        void content(JsonNode content) {
            if (content == null) {
                return;
            }
            if (content.isTextual()) {
                chars += content.asText().length();
                return;
            }
            for (JsonNode block : content) {
                switch (block.path("type").asText()) {
                    case "image" -> tokens += MEDIA_TOKENS;
                    case "document" -> {
                        if ("text".equals(block.path("source").path("type").asText())) {
                            chars += block.path("source").path("data").asText().length();
                        } else {
                            tokens += MEDIA_TOKENS;
                        }
                    }
                    case "tool_use" -> chars += block.path("name").asText().length() + block.path("input").toString().length();
                    case "tool_result" -> content(block.get("content"));
                    case "thinking" -> chars += block.path("thinking").asText().length();
                    default -> chars += block.path("text").asText().length();
                }
            }
        }
    }
}
