package dev.switchboard.gateway.provider.google;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.ChatTurns;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * An OpenAI chat-completions request as a Gemini {@code generateContent} request (the Gemini API's and Vertex AI's
 * shape): system messages become {@code systemInstruction}, {@code assistant} turns {@code model} turns, tool calls
 * {@code functionCall} parts and tool messages {@code functionResponse} parts (named after the call they answer),
 * consecutive turns of one role are merged, images become {@code inlineData} (data URLs) or {@code fileData}, tools
 * become {@code functionDeclarations}, and sampling fields {@code generationConfig}.
 */
final class GeminiRequests {

    static final ObjectMapper JSON = new ObjectMapper();

    private GeminiRequests() {
    }

    static ObjectNode toGenerateContent(byte[] openAiBody) {
        JsonNode in;
        try {
            in = JSON.readTree(openAiBody);
        } catch (IOException e) {
            throw GatewayError.invalidJson(e.getMessage());
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode contents = out.putArray("contents");
        ArrayNode system = JSON.createArrayNode();
        Map<String, String> toolNames = new HashMap<>();
        JsonNode messages = in.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw GatewayError.invalidRequest("'messages' must be a non-empty array.", "messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText();
            String param = "messages[" + i + "]";
            switch (role) {
                case "system", "developer" -> {
                    for (JsonNode part : parts(m.get("content"), param)) {
                        if (!part.has("text")) {
                            throw GatewayError.invalidRequest("System messages may only hold text.", param + ".content");
                        }
                        system.add(part);
                    }
                }
                case "user" -> append(contents, "user", parts(m.get("content"), param));
                case "assistant" -> append(contents, "model", modelParts(m, param, toolNames));
                case "tool" -> append(contents, "user", functionResponse(m, param, toolNames));
                default -> throw GatewayError.invalidRequest("Invalid value for 'role': '" + role + "'.", param + ".role");
            }
        }
        if (!system.isEmpty()) {
            out.putObject("systemInstruction").set("parts", system);
        }
        tools(in, out);
        ObjectNode config = generationConfig(in);
        if (!config.isEmpty()) {
            out.set("generationConfig", config);
        }
        return out;
    }

    private static ObjectNode generationConfig(JsonNode in) {
        ObjectNode config = JSON.createObjectNode();
        copyNumber(in, "temperature", config, "temperature");
        copyNumber(in, "top_p", config, "topP");
        copyNumber(in, "n", config, "candidateCount");
        copyNumber(in, "seed", config, "seed");
        copyNumber(in, "presence_penalty", config, "presencePenalty");
        copyNumber(in, "frequency_penalty", config, "frequencyPenalty");
        JsonNode maxTokens = in.hasNonNull("max_completion_tokens") ? in.get("max_completion_tokens") : in.get("max_tokens");
        if (maxTokens != null && maxTokens.canConvertToInt()) {
            config.put("maxOutputTokens", maxTokens.asInt());
        }
        JsonNode stop = in.get("stop");
        if (stop != null && !stop.isNull()) {
            ArrayNode sequences = config.putArray("stopSequences");
            if (stop.isArray()) {
                stop.forEach(sequences::add);
            } else {
                sequences.add(stop.asText());
            }
        }
        JsonNode format = in.path("response_format");
        switch (format.path("type").asText("")) {
            case "json_object" -> config.put("responseMimeType", "application/json");
            case "json_schema" -> {
                config.put("responseMimeType", "application/json");
                JsonNode schema = format.path("json_schema").path("schema");
                if (schema.isObject()) {
                    config.set("responseJsonSchema", schema);
                }
            }
            default -> { }
        }
        return config;
    }

    private static void tools(JsonNode in, ObjectNode out) {
        JsonNode tools = in.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode declarations = out.putArray("tools").addObject().putArray("functionDeclarations");
            for (int i = 0; i < tools.size(); i++) {
                JsonNode tool = tools.get(i);
                if (!"function".equals(tool.path("type").asText("function"))) {
                    throw GatewayError.invalidRequest("Only function tools can be sent to a Gemini model.",
                            "tools[" + i + "].type");
                }
                JsonNode fn = tool.path("function");
                if (!fn.hasNonNull("name")) {
                    throw GatewayError.invalidRequest("Each tool needs function.name.", "tools[" + i + "].function.name");
                }
                ObjectNode d = declarations.addObject();
                d.put("name", fn.get("name").asText());
                if (fn.hasNonNull("description")) {
                    d.put("description", fn.get("description").asText());
                }
                JsonNode schema = fn.get("parameters");
                if (schema != null && schema.isObject()) {
                    // JSON Schema as the caller wrote it (parameters would take only Google's OpenAPI subset)
                    d.set("parametersJsonSchema", schema);
                }
            }
        }
        JsonNode choice = in.get("tool_choice");
        ObjectNode calling = JSON.createObjectNode();
        if (choice != null && choice.isTextual()) {
            calling.put("mode", switch (choice.asText()) {
                case "none" -> "NONE";
                case "required" -> "ANY";
                default -> "AUTO";
            });
        } else if (choice != null && choice.isObject()) {
            calling.put("mode", "ANY");
            calling.putArray("allowedFunctionNames").add(choice.path("function").path("name").asText());
        }
        if (!calling.isEmpty()) {
            out.putObject("toolConfig").set("functionCallingConfig", calling);
        }
    }

    /** Adds parts to the last turn when it has the same role, else starts a new turn; Gemini refuses a turn without parts. */
    private static void append(ArrayNode contents, String role, ArrayNode parts) {
        if (!parts.isEmpty()) {
            ChatTurns.appendMerged(contents, role, "parts", parts);
        }
    }

    private static ArrayNode parts(JsonNode content, String param) {
        ArrayNode parts = JSON.createArrayNode();
        if (content == null || content.isNull()) {
            return parts;
        }
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                parts.addObject().put("text", content.asText());
            }
            return parts;
        }
        if (!content.isArray()) {
            throw GatewayError.invalidRequest("'content' must be a string or an array of parts.", param + ".content");
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String type = part.path("type").asText();
            String partParam = param + ".content[" + i + "]";
            switch (type) {
                case "text" -> {
                    if (!part.path("text").asText().isEmpty()) {
                        parts.addObject().put("text", part.path("text").asText());
                    }
                }
                case "image_url" -> parts.add(image(part.path("image_url").path("url").asText(), partParam));
                default -> throw GatewayError.invalidRequest("Content part type '" + type
                        + "' cannot be sent to a Gemini model.", partParam + ".type");
            }
        }
        return parts;
    }

    private static ObjectNode image(String url, String param) {
        ObjectNode part = JSON.createObjectNode();
        if (url.startsWith("data:")) {
            ChatTurns.DataUrl data = ChatTurns.DataUrl.parse(url, param + ".image_url.url");
            part.putObject("inlineData").put("mimeType", data.mediaType()).put("data", data.base64());
        } else {
            part.putObject("fileData").put("mimeType", mimeTypeOf(url)).put("fileUri", url);
        }
        return part;
    }

    private static String mimeTypeOf(String url) {
        String path = url.toLowerCase();
        int query = path.indexOf('?');
        path = query < 0 ? path : path.substring(0, query);
        if (path.endsWith(".png")) {
            return "image/png";
        } else if (path.endsWith(".webp")) {
            return "image/webp";
        } else if (path.endsWith(".gif")) {
            return "image/gif";
        } else if (path.endsWith(".pdf")) {
            return "application/pdf";
        }
        return "image/jpeg";
    }

    private static ArrayNode modelParts(JsonNode m, String param, Map<String, String> toolNames) {
        ArrayNode parts = parts(m.get("content"), param);
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (int i = 0; i < calls.size(); i++) {
                JsonNode call = calls.get(i);
                String name = call.path("function").path("name").asText();
                toolNames.put(call.path("id").asText(), name);
                String arguments = call.path("function").path("arguments").asText("");
                JsonNode args;
                try {
                    args = arguments.isBlank() ? JSON.createObjectNode() : JSON.readTree(arguments);
                } catch (IOException e) {
                    args = null;
                }
                if (args == null || !args.isObject()) {
                    throw GatewayError.invalidRequest("Tool call arguments must be a JSON object.",
                            param + ".tool_calls[" + i + "].function.arguments");
                }
                parts.addObject().putObject("functionCall").put("name", name).set("args", args);
            }
        }
        return parts;
    }

    /** A tool message as a {@code functionResponse}: Gemini names the function it answers, and wants an object. */
    private static ArrayNode functionResponse(JsonNode m, String param, Map<String, String> toolNames) {
        String id = m.path("tool_call_id").asText(null);
        if (id == null) {
            throw GatewayError.invalidRequest("A tool message needs tool_call_id.", param + ".tool_call_id");
        }
        String name = toolNames.get(id);
        if (name == null) {
            throw GatewayError.invalidRequest("No earlier assistant message has the tool call '" + id + "'.",
                    param + ".tool_call_id");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : parts(m.get("content"), param)) {
            text.append(part.path("text").asText(""));
        }
        JsonNode response;
        try {
            response = JSON.readTree(text.toString());
        } catch (IOException e) {
            response = null;
        }
        ArrayNode parts = JSON.createArrayNode();
        ObjectNode fr = parts.addObject().putObject("functionResponse");
        fr.put("name", name);
        if (response != null && response.isObject()) {
            fr.set("response", response);
        } else {
            fr.putObject("response").put("content", text.toString());
        }
        return parts;
    }

    private static void copyNumber(JsonNode in, String field, ObjectNode out, String as) {
        JsonNode v = in.get(field);
        if (v != null && v.isNumber()) {
            out.set(as, v);
        }
    }
}
