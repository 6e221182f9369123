package dev.switchboard.gateway.provider.google;

import static dev.switchboard.gateway.provider.google.GeminiRequests.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.provider.ChatAnswers;
import dev.switchboard.gateway.provider.OpenAiErrors;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Gemini {@code GenerateContentResponse}s (and errors) in the OpenAI chat-completions shape. A prompt Gemini blocked
 * ({@code promptFeedback.blockReason}) and an answer it stopped for safety ({@code finishReason: SAFETY} and its kin)
 * are refusals: 400 errors with code {@value #CONTENT_FILTER} naming the reason and the categories.
 */
final class GeminiResponses {

    static final String CONTENT_FILTER = "content_filter";
    /** The finish reasons that withhold the answer. */
    private static final Set<String> REFUSALS = Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT",
            "SPII", "IMAGE_SAFETY");

    private GeminiResponses() {
    }

    /** {@code finishReason} as OpenAI's {@code finish_reason}. */
    static String finishReason(String reason, boolean calledTools) {
        if (reason == null || reason.isEmpty()) {
            return null;
        }
        if (REFUSALS.contains(reason)) {
            return CONTENT_FILTER;
        }
        if (calledTools) {
            return "tool_calls";
        }
        return "MAX_TOKENS".equals(reason) ? "length" : "stop";
    }

    /** The refusal message of a response Gemini blocked or stopped for safety, or null when it did neither. */
    static String refusal(JsonNode response) {
        JsonNode feedback = response.path("promptFeedback");
        if (feedback.hasNonNull("blockReason")) {
            return "Gemini blocked the prompt (" + feedback.get("blockReason").asText() + ")"
                    + ratings(feedback.path("safetyRatings")) + ".";
        }
        for (JsonNode candidate : response.path("candidates")) {
            String reason = candidate.path("finishReason").asText("");
            if (REFUSALS.contains(reason)) {
                return "Gemini withheld the answer (" + reason + ")" + ratings(candidate.path("safetyRatings")) + ".";
            }
        }
        return null;
    }

    /** ": HARM_CATEGORY_HARASSMENT (HIGH)" for the ratings that blocked, or "" when none is marked. */
    private static String ratings(JsonNode safetyRatings) {
        List<String> blocked = new ArrayList<>();
        for (JsonNode rating : safetyRatings) {
            if (rating.path("blocked").asBoolean(false)) {
                blocked.add(rating.path("category").asText() + " (" + rating.path("probability").asText() + ")");
            }
        }
        return blocked.isEmpty() ? "" : ": " + String.join(", ", blocked);
    }

    static Buffer refusalError(String message) {
        return OpenAiErrors.of(400, CONTENT_FILTER, null, message);
    }

    static JsonNode parse(Buffer body) {
        try {
            return JSON.readTree(body.getBytes());
        } catch (IOException e) {
            return null;
        }
    }

    /** A whole answer; {@code model} names the target when the answer does not say which version served it. */
    static Buffer completion(JsonNode in, String model, long createdEpochSeconds) {
        if (in == null) {
            return OpenAiErrors.of(502, null, null, "Gemini answered with a body that is not JSON.");
        }
        String refusal = refusal(in);
        if (refusal != null) {
            return refusalError(refusal);
        }
        String responseId = in.path("responseId").asText("");
        ObjectNode out = JSON.createObjectNode();
        out.put("id", "chatcmpl-" + responseId);
        out.put("object", "chat.completion");
        out.put("created", createdEpochSeconds);
        out.put("model", in.path("modelVersion").asText(model));
        ArrayNode choices = out.putArray("choices");
        int toolCallNumber = 0;
        for (JsonNode candidate : in.path("candidates")) {
            StringBuilder text = new StringBuilder();
            ArrayNode toolCalls = JSON.createArrayNode();
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (part.path("thought").asBoolean(false)) {
                    continue; // a thought summary is not the answer
                }
                if (part.has("text")) {
                    text.append(part.get("text").asText());
                } else if (part.has("functionCall")) {
                    toolCalls.add(toolCall(part.get("functionCall"), responseId, toolCallNumber++));
                }
            }
            String finish = finishReason(candidate.path("finishReason").asText(null), !toolCalls.isEmpty());
            ChatAnswers.choice(choices, candidate.path("index").asInt(choices.size()), text, toolCalls,
                    finish == null ? "stop" : finish);
        }
        out.set("usage", usage(in.path("usageMetadata")));
        return Buffer.buffer(out.toString());
    }

    /** A {@code functionCall} part as an OpenAI tool call; Gemini gives no id unless asked, so one is made up. */
    static ObjectNode toolCall(JsonNode functionCall, String responseId, int number) {
        String id = functionCall.path("id").asText("");
        JsonNode args = functionCall.get("args");
        return ChatAnswers.toolCall(!id.isEmpty() ? id : "call_" + responseId + "_" + number,
                functionCall.path("name").asText(), args == null || args.isNull() ? "{}" : args.toString());
    }

    /** {@code usageMetadata} as OpenAI's usage; thinking tokens count as completion tokens, as OpenAI's reasoning does. */
    static ObjectNode usage(JsonNode meta) {
        long prompt = meta.path("promptTokenCount").asLong(0) + meta.path("toolUsePromptTokenCount").asLong(0);
        long thoughts = meta.path("thoughtsTokenCount").asLong(0);
        long completion = meta.path("candidatesTokenCount").asLong(0) + thoughts;
        ObjectNode usage = JSON.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", meta.path("totalTokenCount").asLong(prompt + completion));
        if (meta.has("cachedContentTokenCount")) {
            usage.putObject("prompt_tokens_details").put("cached_tokens", meta.get("cachedContentTokenCount").asLong());
        }
        if (thoughts > 0) {
            usage.putObject("completion_tokens_details").put("reasoning_tokens", thoughts);
        }
        return usage;
    }

    /** A Google API error ({@code {"error":{"code","message","status"}}}) in the OpenAI error shape. */
    static Buffer errorBody(int status, Buffer body) {
        String message = "Gemini answered HTTP " + status + ".";
        String code = null;
        JsonNode in = parse(body);
        JsonNode error = in == null ? null : in.isArray() ? in.path(0).path("error") : in.path("error");
        if (error != null) {
            if (error.hasNonNull("message")) {
                message = error.get("message").asText();
            }
            // RESOURCE_EXHAUSTED and the like: kept, in OpenAI's lower case
            if (error.hasNonNull("status") && status != 429) {
                code = error.get("status").asText().toLowerCase(Locale.ROOT);
            }
        }
        return OpenAiErrors.of(status, code, null, message);
    }
}
