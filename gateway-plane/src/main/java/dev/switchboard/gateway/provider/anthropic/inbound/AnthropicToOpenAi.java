package dev.switchboard.gateway.provider.anthropic.inbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Set;

/**
 * An Anthropic Messages request (what Claude Code and the Anthropic SDKs send to {@code POST /v1/messages}) as an
 * OpenAI chat-completions request.
 * <ul>
 * <li>{@code system} (a string or text blocks, joined by a blank line) becomes the first, system, message; a
 * {@code system} message inside {@code messages} (Claude Code's {@code mid-conversation-system} beta) becomes a system
 * message at the same place. Claude Code's {@code x-anthropic-billing-header:} block is left out: it is addressed to
 * Anthropic, and text that changes with every release at the head of the prompt would spoil the target's prefix
 * caching.</li>
 * <li>User text, image (base64 as a data URL, or by URL) and document blocks (text, or base64 PDF as a {@code file}
 * part) become content parts; a lone text block becomes plain string content.</li>
 * <li>Assistant text is concatenated, {@code tool_use} blocks become {@code tool_calls} (arguments = the input as a
 * JSON string); {@code thinking} and {@code redacted_thinking} blocks are dropped (no OpenAI equivalent).</li>
 * <li>{@code tool_result} blocks become {@code tool} messages, placed before the rest of their user message (OpenAI
 * wants them right after the assistant's tool calls); text results are joined by a blank line, {@code is_error}
 * prefixes {@code "Error: "}; images in a result cannot go in a tool message, so they follow in the user message,
 * after a line naming the tool call.</li>
 * <li>{@code max_tokens}, {@code stop_sequences} ({@code stop}), {@code temperature}, {@code top_p},
 * {@code metadata.user_id} ({@code user}) are copied; {@code stream} adds {@code stream_options.include_usage} so
 * that usage can be reported back.</li>
 * <li>{@code output_config.effort} becomes {@code reasoning_effort} ({@link ReasoningEffort}) for a target model
 * that takes one.</li>
 * <li>Custom tools become function tools; {@code tool_choice} auto/any/tool/none becomes auto/required/function/none
 * and {@code disable_parallel_tool_use} {@code parallel_tool_calls: false}; both are left out when there are no tools
 * (OpenAI refuses them then).</li>
 * <li>Dropped without an error, as the target has no such thing: {@code top_k}, {@code thinking},
 * {@code context_management}, {@code cache_control}, citations, Anthropic server tools (web search, code execution:
 * Anthropic runs them, an OpenAI target cannot). Fields and block types this class does not know (a newer client's)
 * are dropped too and logged once each ({@link IgnoredFields}): a new Claude Code release must not break every
 * request.</li>
 * </ul>
 * Bad input (a known field with a wrong shape) is an {@link AnthropicInboundError} (400) whose message starts with
 * the field's path.
 */
public final class AnthropicToOpenAi {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Top-level fields read here or knowingly dropped; any other is a newer client's, logged once and ignored. */
    private static final Set<String> KNOWN_FIELDS = Set.of("model", "messages", "system", "max_tokens", "temperature",
            "top_p", "top_k", "stop_sequences", "stream", "tools", "tool_choice", "metadata", "thinking",
            "context_management", "output_config", "service_tier");

    /** Claude Code's first system block: attribution for Anthropic's billing, nothing the model needs. */
    private static final String BILLING_HEADER = "x-anthropic-billing-header:";

    private AnthropicToOpenAi() {
    }

    public static ObjectNode request(byte[] anthropicBody, String upstreamModel) {
        JsonNode in;
        try {
            in = JSON.readTree(anthropicBody);
        } catch (JsonProcessingException e) {
            throw AnthropicInboundError.invalidRequest("The request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw AnthropicInboundError.invalidRequest("The request body is not valid JSON.");
        }
        if (in == null || !in.isObject()) {
            throw AnthropicInboundError.invalidRequest("The request body must be a JSON object.");
        }
        in.fieldNames().forEachRemaining(field -> {
            if (!KNOWN_FIELDS.contains(field)) {
                IgnoredFields.once("field", field);
            }
        });
        ObjectNode out = JSON.createObjectNode();
        out.put("model", upstreamModel);
        ArrayNode messages = out.putArray("messages");
        system(in.get("system"), messages);
        JsonNode inMessages = in.get("messages");
        if (inMessages == null || inMessages.isNull()) {
            throw invalid("messages", "Field required");
        }
        if (!inMessages.isArray()) {
            throw invalid("messages", "Input should be a valid list");
        }
        if (inMessages.isEmpty()) {
            throw invalid("messages", "At least one message is required");
        }
        for (int i = 0; i < inMessages.size(); i++) {
            message(inMessages.get(i), "messages." + i, i == inMessages.size() - 1, messages);
        }
        out.put("max_tokens", maxTokens(in.get("max_tokens")));
        number(in, out, "temperature");
        number(in, out, "top_p");
        stop(in.get("stop_sequences"), out);
        JsonNode stream = in.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw invalid("stream", "Input should be a valid boolean");
        }
        if (stream != null && stream.asBoolean(false)) {
            out.put("stream", true);
            out.putObject("stream_options").put("include_usage", true);
        }
        tools(in, out);
        ReasoningEffort.apply(in.get("output_config"), upstreamModel, out);
        JsonNode metadata = in.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                throw invalid("metadata", "Input should be a valid object");
            }
            JsonNode user = metadata.get("user_id");
            if (user != null && !user.isNull()) {
                if (!user.isTextual()) {
                    throw invalid("metadata.user_id", "Input should be a valid string");
                }
                out.put("user", user.asText());
            }
        }
        return out;
    }

    private static void system(JsonNode system, ArrayNode messages) {
        if (system == null || system.isNull()) {
            return;
        }
        systemMessage(system, "system", messages);
    }

    /** A string or text blocks as one system message; nothing when it comes to no text. */
    private static void systemMessage(JsonNode system, String param, ArrayNode messages) {
        String text;
        if (system.isTextual()) {
            text = system.asText();
        } else if (system.isArray()) {
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < system.size(); i++) {
                JsonNode block = system.get(i);
                String blockParam = param + "." + i;
                if (!"text".equals(block.path("type").asText())) {
                    throw invalid(blockParam + ".type", "System blocks must be text blocks");
                }
                String blockText = text(block, blockParam);
                if (!blockText.startsWith(BILLING_HEADER)) {
                    appendJoined(joined, blockText);
                }
            }
            text = joined.toString();
        } else {
            throw invalid(param, "Input should be a string or a list of text blocks");
        }
        if (!text.isEmpty()) {
            messages.addObject().put("role", "system").put("content", text);
        }
    }

    private static void message(JsonNode m, String param, boolean last, ArrayNode messages) {
        if (!m.isObject()) {
            throw invalid(param, "Input should be a valid object");
        }
        String role = m.path("role").asText();
        if (!role.equals("user") && !role.equals("assistant") && !role.equals("system")) {
            throw invalid(param + ".role", "Input should be 'user', 'assistant' or 'system'");
        }
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) {
            throw invalid(param + ".content", "Field required");
        }
        if (role.equals("system")) {
            systemMessage(content, param + ".content", messages);
            return;
        }
        if (content.isTextual()) {
            messages.addObject().put("role", role).put("content", content.asText());
            return;
        }
        if (!content.isArray()) {
            throw invalid(param + ".content", "Input should be a string or a list of content blocks");
        }
        if (content.isEmpty() && !(last && role.equals("assistant"))) {
            throw invalid(param, "All messages must have non-empty content except for the optional final assistant message");
        }
        if (role.equals("user")) {
            userMessage((ArrayNode) content, param, messages);
        } else {
            assistantMessage((ArrayNode) content, param, messages);
        }
    }

    /** Tool results first, as tool messages; then everything else as one user message. */
    private static void userMessage(ArrayNode content, String param, ArrayNode messages) {
        ArrayNode parts = JSON.createArrayNode();
        ArrayNode resultImages = JSON.createArrayNode();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String blockParam = param + ".content." + i;
            if (!block.isObject()) {
                throw invalid(blockParam, "Input should be a valid dictionary");
            }
            String type = block.path("type").asText();
            switch (type) {
                case "text" -> parts.addObject().put("type", "text").put("text", text(block, blockParam));
                case "image" -> parts.add(image(block, blockParam));
                case "document" -> parts.add(document(block, blockParam));
                case "tool_result" -> messages.add(toolResult(block, blockParam, resultImages));
                case "tool_use", "thinking", "redacted_thinking" -> throw invalid(blockParam + ".type",
                        "'" + type + "' blocks are only allowed in assistant messages");
                default -> IgnoredFields.once("content block type", type);
            }
        }
        resultImages.addAll(parts);
        if (resultImages.isEmpty()) {
            return;
        }
        ObjectNode user = messages.addObject().put("role", "user");
        if (resultImages.size() == 1 && "text".equals(resultImages.get(0).get("type").asText())) {
            user.put("content", resultImages.get(0).get("text").asText());
        } else {
            user.set("content", resultImages);
        }
    }

    private static void assistantMessage(ArrayNode content, String param, ArrayNode messages) {
        StringBuilder text = new StringBuilder();
        ArrayNode toolCalls = JSON.createArrayNode();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String blockParam = param + ".content." + i;
            if (!block.isObject()) {
                throw invalid(blockParam, "Input should be a valid dictionary");
            }
            String type = block.path("type").asText();
            switch (type) {
                case "text" -> text.append(text(block, blockParam));
                case "tool_use" -> toolCalls.add(toolCall(block, blockParam));
                case "thinking", "redacted_thinking" -> { } // nothing to send them as
                case "image", "document", "tool_result" -> throw invalid(blockParam + ".type",
                        "'" + type + "' blocks are only allowed in user messages");
                default -> IgnoredFields.once("content block type", type);
            }
        }
        if (text.length() == 0 && toolCalls.isEmpty()) {
            return; // an empty (or thinking-only) assistant turn: nothing to send
        }
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        if (text.length() > 0) {
            assistant.put("content", text.toString());
        } else {
            assistant.putNull("content");
        }
        if (!toolCalls.isEmpty()) {
            assistant.set("tool_calls", toolCalls);
        }
    }

    private static ObjectNode toolCall(JsonNode block, String param) {
        String id = requiredString(block, "id", param);
        String name = requiredString(block, "name", param);
        JsonNode input = block.get("input");
        if (input == null || input.isNull()) {
            input = JSON.createObjectNode();
        } else if (!input.isObject()) {
            throw invalid(param + ".input", "Input should be a valid dictionary");
        }
        ObjectNode call = JSON.createObjectNode();
        call.put("id", id);
        call.put("type", "function");
        call.putObject("function").put("name", name).put("arguments", input.toString());
        return call;
    }

    private static ObjectNode toolResult(JsonNode block, String param, ArrayNode resultImages) {
        String id = requiredString(block, "tool_use_id", param);
        StringBuilder text = new StringBuilder();
        int images = 0;
        JsonNode content = block.get("content");
        if (content != null && content.isTextual()) {
            text.append(content.asText());
        } else if (content != null && content.isArray()) {
            for (int i = 0; i < content.size(); i++) {
                JsonNode part = content.get(i);
                String partParam = param + ".content." + i;
                String type = part.path("type").asText();
                switch (type) {
                    case "text" -> appendJoined(text, text(part, partParam));
                    case "image" -> {
                        if (images++ == 0) {
                            resultImages.addObject().put("type", "text").put("text", "Image(s) returned by tool call " + id + ":");
                        }
                        resultImages.add(image(part, partParam));
                    }
                    case "document" -> {
                        JsonNode doc = document(part, partParam);
                        if (doc.has("text")) {
                            appendJoined(text, doc.get("text").asText());
                        } else {
                            IgnoredFields.once("tool result block type", "document (" + part.path("source")
                                    .path("type").asText() + ")");
                        }
                    }
                    default -> IgnoredFields.once("tool result block type", type);
                }
            }
        } else if (content != null && !content.isNull()) {
            throw invalid(param + ".content", "Input should be a string or a list of content blocks");
        }
        if (text.length() == 0 && images > 0) {
            text.append("The tool returned ").append(images).append(images == 1 ? " image" : " images")
                    .append(", attached in the next user message.");
        }
        JsonNode isError = block.get("is_error");
        if (isError != null && isError.asBoolean(false)) {
            text.insert(0, text.length() == 0 ? "Error" : "Error: ");
        }
        ObjectNode tool = JSON.createObjectNode();
        tool.put("role", "tool");
        tool.put("tool_call_id", id);
        tool.put("content", text.toString());
        return tool;
    }

    private static ObjectNode image(JsonNode block, String param) {
        JsonNode source = block.get("source");
        if (source == null || !source.isObject()) {
            throw invalid(param + ".source", "Field required");
        }
        String type = source.path("type").asText();
        String url = switch (type) {
            case "base64" -> "data:" + requiredString(source, "media_type", param + ".source") + ";base64,"
                    + requiredString(source, "data", param + ".source");
            case "url" -> requiredString(source, "url", param + ".source");
            default -> throw invalid(param + ".source.type", "Image source type '" + type
                    + "' is not supported for this model; use 'base64' or 'url'");
        };
        ObjectNode part = JSON.createObjectNode().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    private static ObjectNode document(JsonNode block, String param) {
        JsonNode source = block.get("source");
        if (source == null || !source.isObject()) {
            throw invalid(param + ".source", "Field required");
        }
        String type = source.path("type").asText();
        switch (type) {
            case "text" -> {
                String data = requiredString(source, "data", param + ".source");
                String title = block.path("title").asText("");
                return JSON.createObjectNode().put("type", "text").put("text", title.isEmpty() ? data : title + "\n\n" + data);
            }
            case "base64" -> {
                String mediaType = requiredString(source, "media_type", param + ".source");
                String data = requiredString(source, "data", param + ".source");
                ObjectNode part = JSON.createObjectNode().put("type", "file");
                part.putObject("file").put("filename", block.path("title").asText("document.pdf"))
                        .put("file_data", "data:" + mediaType + ";base64," + data);
                return part;
            }
            default -> throw invalid(param + ".source.type", "Document source type '" + type
                    + "' is not supported for this model; use 'base64' or 'text'");
        }
    }

    private static int maxTokens(JsonNode maxTokens) {
        if (maxTokens == null || maxTokens.isNull()) {
            throw invalid("max_tokens", "Field required");
        }
        if (!maxTokens.isIntegralNumber() || !maxTokens.canConvertToInt()) {
            throw invalid("max_tokens", "Input should be a valid integer");
        }
        if (maxTokens.asInt() < 1) {
            throw invalid("max_tokens", "Input should be greater than or equal to 1");
        }
        return maxTokens.asInt();
    }

    private static void stop(JsonNode sequences, ObjectNode out) {
        if (sequences == null || sequences.isNull()) {
            return;
        }
        if (!sequences.isArray()) {
            throw invalid("stop_sequences", "Input should be a valid list");
        }
        for (int i = 0; i < sequences.size(); i++) {
            if (!sequences.get(i).isTextual()) {
                throw invalid("stop_sequences." + i, "Input should be a valid string");
            }
        }
        if (!sequences.isEmpty()) {
            out.set("stop", sequences);
        }
    }

    private static void tools(JsonNode in, ObjectNode out) {
        JsonNode tools = in.get("tools");
        ArrayNode outTools = JSON.createArrayNode();
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw invalid("tools", "Input should be a valid list");
            }
            for (int i = 0; i < tools.size(); i++) {
                ObjectNode tool = tool(tools.get(i), "tools." + i);
                if (tool != null) {
                    outTools.add(tool);
                }
            }
        }
        JsonNode choice = in.get("tool_choice");
        ObjectNode outChoice = null;
        String choiceType = null;
        if (choice != null && !choice.isNull()) {
            if (!choice.isObject()) {
                throw invalid("tool_choice", "Input should be a valid object");
            }
            choiceType = choice.path("type").asText();
            switch (choiceType) {
                case "auto", "any", "none" -> { }
                case "tool" -> outChoice = functionChoice(requiredString(choice, "name", "tool_choice"));
                default -> throw invalid("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'");
            }
        }
        if (outTools.isEmpty()) {
            return; // OpenAI refuses tool_choice and parallel_tool_calls without tools
        }
        out.set("tools", outTools);
        if (choiceType != null) {
            switch (choiceType) {
                case "auto" -> out.put("tool_choice", "auto");
                case "any" -> out.put("tool_choice", "required");
                case "none" -> out.put("tool_choice", "none");
                default -> out.set("tool_choice", outChoice);
            }
            if (!choiceType.equals("none") && choice.path("disable_parallel_tool_use").asBoolean(false)) {
                out.put("parallel_tool_calls", false);
            }
        }
    }

    private static ObjectNode functionChoice(String name) {
        ObjectNode choice = JSON.createObjectNode().put("type", "function");
        choice.putObject("function").put("name", name);
        return choice;
    }

    /** A custom tool as a function tool; null for a server tool, which only Anthropic can run. */
    private static ObjectNode tool(JsonNode tool, String param) {
        if (!tool.isObject()) {
            throw invalid(param, "Input should be a valid object");
        }
        String type = tool.path("type").asText("custom");
        if (!type.equals("custom")) {
            IgnoredFields.once("server tool", type);
            return null;
        }
        String name = requiredString(tool, "name", param);
        JsonNode schema = tool.get("input_schema");
        if (schema == null || schema.isNull()) {
            throw invalid(param + ".input_schema", "Field required");
        }
        if (!schema.isObject()) {
            throw invalid(param + ".input_schema", "Input should be a valid dictionary");
        }
        ObjectNode out = JSON.createObjectNode().put("type", "function");
        ObjectNode fn = out.putObject("function");
        fn.put("name", name);
        JsonNode description = tool.get("description");
        if (description != null && !description.isNull()) {
            if (!description.isTextual()) {
                throw invalid(param + ".description", "Input should be a valid string");
            }
            fn.put("description", description.asText());
        }
        fn.set("parameters", schema);
        return out;
    }

    private static String text(JsonNode block, String param) {
        JsonNode text = block.get("text");
        if (text == null || !text.isTextual()) {
            throw invalid(param + ".text", text == null || text.isNull() ? "Field required" : "Input should be a valid string");
        }
        return text.asText();
    }

    private static String requiredString(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw invalid(param + "." + field, "Field required");
        }
        if (!v.isTextual()) {
            throw invalid(param + "." + field, "Input should be a valid string");
        }
        return v.asText();
    }

    private static void number(JsonNode in, ObjectNode out, String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isNumber()) {
            throw invalid(field, "Input should be a valid number");
        }
        out.set(field, v);
    }

    private static void appendJoined(StringBuilder joined, String text) {
        if (joined.length() > 0) {
            joined.append("\n\n");
        }
        joined.append(text);
    }

    private static AnthropicInboundError invalid(String param, String message) {
        return AnthropicInboundError.invalidRequest(param + ": " + message);
    }
}
