package dev.switchboard.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.ChatTurns;
import java.io.IOException;

/**
 * An OpenAI chat-completions request as an Anthropic Messages request: system messages become {@code system}, tool
 * calls become {@code tool_use} blocks and tool messages {@code tool_result} blocks, consecutive messages of one role
 * are merged (Anthropic wants user and assistant turns to alternate), images by URL or base64 become image blocks.
 */
final class AnthropicRequests {

    static final ObjectMapper JSON = new ObjectMapper();

    private AnthropicRequests() {
    }

    static ObjectNode toMessagesRequest(byte[] openAiBody, String upstreamModel, int defaultMaxTokens) {
        JsonNode in;
        try {
            in = JSON.readTree(openAiBody);
        } catch (IOException e) {
            throw GatewayError.invalidJson(e.getMessage());
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("model", upstreamModel);
        ArrayNode system = JSON.createArrayNode();
        ArrayNode messages = out.putArray("messages");
        JsonNode inMessages = in.path("messages");
        for (int i = 0; i < inMessages.size(); i++) {
            JsonNode m = inMessages.get(i);
            String role = m.path("role").asText();
            String param = "messages[" + i + "]";
            switch (role) {
                case "system", "developer" -> appendText(system, m.get("content"), param);
                case "user" -> ChatTurns.appendMerged(messages, "user", "content", contentBlocks(m.get("content"), param));
                case "assistant" -> ChatTurns.appendMerged(messages, "assistant", "content", assistantBlocks(m, param));
                case "tool" -> ChatTurns.appendMerged(messages, "user", "content", toolResult(m, param));
                default -> throw GatewayError.invalidRequest("Invalid value for 'role': '" + role + "'.", param + ".role");
            }
        }
        if (!system.isEmpty()) {
            out.set("system", system);
        }
        JsonNode maxTokens = in.hasNonNull("max_completion_tokens") ? in.get("max_completion_tokens") : in.get("max_tokens");
        out.put("max_tokens", maxTokens != null && maxTokens.canConvertToInt() ? maxTokens.asInt() : defaultMaxTokens);
        copyNumber(in, out, "temperature");
        copyNumber(in, out, "top_p");
        JsonNode stop = in.get("stop");
        if (stop != null && !stop.isNull()) {
            ArrayNode sequences = out.putArray("stop_sequences");
            if (stop.isArray()) {
                stop.forEach(sequences::add);
            } else {
                sequences.add(stop.asText());
            }
        }
        if (in.path("stream").asBoolean(false)) {
            out.put("stream", true);
        }
        if (in.hasNonNull("user")) {
            out.putObject("metadata").put("user_id", in.get("user").asText());
        }
        tools(in, out);
        return out;
    }

    private static void tools(JsonNode in, ObjectNode out) {
        JsonNode tools = in.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode outTools = out.putArray("tools");
            for (int i = 0; i < tools.size(); i++) {
                JsonNode fn = tools.get(i).path("function");
                if (!fn.hasNonNull("name")) {
                    throw GatewayError.invalidRequest("Each tool needs function.name.", "tools[" + i + "].function.name");
                }
                ObjectNode t = outTools.addObject();
                t.put("name", fn.get("name").asText());
                if (fn.hasNonNull("description")) {
                    t.put("description", fn.get("description").asText());
                }
                JsonNode schema = fn.get("parameters");
                t.set("input_schema", schema != null && schema.isObject() ? schema
                        : JSON.createObjectNode().put("type", "object"));
            }
        }
        JsonNode choice = in.get("tool_choice");
        boolean noParallel = in.has("parallel_tool_calls") && !in.get("parallel_tool_calls").asBoolean(true);
        ObjectNode outChoice = null;
        if (choice != null && choice.isTextual()) {
            outChoice = JSON.createObjectNode().put("type", switch (choice.asText()) {
                case "none" -> "none";
                case "required" -> "any";
                default -> "auto";
            });
        } else if (choice != null && choice.isObject()) {
            outChoice = JSON.createObjectNode().put("type", "tool").put("name", choice.path("function").path("name").asText());
        } else if (noParallel && out.has("tools")) {
            outChoice = JSON.createObjectNode().put("type", "auto");
        }
        if (outChoice != null) {
            if (noParallel && !"none".equals(outChoice.get("type").asText())) {
                outChoice.put("disable_parallel_tool_use", true);
            }
            out.set("tool_choice", outChoice);
        }
    }

    private static void appendText(ArrayNode system, JsonNode content, String param) {
        for (JsonNode block : contentBlocks(content, param)) {
            if (!"text".equals(block.path("type").asText())) {
                throw GatewayError.invalidRequest("System messages may only hold text.", param + ".content");
            }
            system.add(block);
        }
    }

    private static ArrayNode contentBlocks(JsonNode content, String param) {
        ArrayNode blocks = JSON.createArrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        // Anthropic refuses empty text blocks, and OpenAI clients send "" freely (an assistant turn that only calls
        // tools, as the SDKs assemble it from a stream): an empty text is no block at all
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                blocks.addObject().put("type", "text").put("text", content.asText());
            }
            return blocks;
        }
        if (!content.isArray()) {
            throw GatewayError.invalidRequest("'content' must be a string or an array of parts.", param + ".content");
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> {
                    if (!part.path("text").asText().isEmpty()) {
                        blocks.addObject().put("type", "text").put("text", part.path("text").asText());
                    }
                }
                case "image_url" -> blocks.add(image(part.path("image_url").path("url").asText(), param + ".content[" + i + "]"));
                default -> throw GatewayError.invalidRequest("Content part type '" + type
                        + "' cannot be sent to an Anthropic model.", param + ".content[" + i + "].type");
            }
        }
        return blocks;
    }

    private static ObjectNode image(String url, String param) {
        ObjectNode block = JSON.createObjectNode().put("type", "image");
        ObjectNode source = block.putObject("source");
        if (url.startsWith("data:")) {
            ChatTurns.DataUrl data = ChatTurns.DataUrl.parse(url, param + ".image_url.url");
            source.put("type", "base64").put("media_type", data.mediaType()).put("data", data.base64());
        } else {
            source.put("type", "url").put("url", url);
        }
        return block;
    }

    private static ArrayNode assistantBlocks(JsonNode m, String param) {
        ArrayNode blocks = contentBlocks(m.get("content"), param);
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (int i = 0; i < calls.size(); i++) {
                JsonNode call = calls.get(i);
                ObjectNode use = blocks.addObject();
                use.put("type", "tool_use");
                use.put("id", call.path("id").asText());
                use.put("name", call.path("function").path("name").asText());
                String arguments = call.path("function").path("arguments").asText("");
                try {
                    JsonNode input = arguments.isBlank() ? JSON.createObjectNode() : JSON.readTree(arguments);
                    use.set("input", input);
                } catch (IOException e) {
                    throw GatewayError.invalidRequest("Tool call arguments must be a JSON object.",
                            param + ".tool_calls[" + i + "].function.arguments");
                }
            }
        }
        return blocks;
    }

    private static ArrayNode toolResult(JsonNode m, String param) {
        if (!m.hasNonNull("tool_call_id")) {
            throw GatewayError.invalidRequest("A tool message needs tool_call_id.", param + ".tool_call_id");
        }
        ArrayNode blocks = JSON.createArrayNode();
        ObjectNode result = blocks.addObject();
        result.put("type", "tool_result");
        result.put("tool_use_id", m.get("tool_call_id").asText());
        JsonNode content = m.get("content");
        if (content != null && content.isTextual()) {
            result.put("content", content.asText());
        } else {
            result.set("content", contentBlocks(content, param));
        }
        return blocks;
    }

    private static void copyNumber(JsonNode in, ObjectNode out, String field) {
        JsonNode v = in.get(field);
        if (v != null && v.isNumber()) {
            out.set(field, v);
        }
    }
}
