package dev.switchboard.gateway.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.ChatTurns;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * OpenAI requests as Bedrock Runtime requests. Chat becomes a Converse request: system messages become
 * {@code system}, tool calls {@code toolUse} blocks and tool messages {@code toolResult} blocks in a user turn,
 * consecutive messages of one role are merged (Converse wants user and assistant turns to alternate), images given as
 * data URLs become {@code image} blocks, and the sampling fields go to {@code inferenceConfig}. Embeddings become the
 * body of the model's {@code invoke}: Titan text embeddings v2 take one text per call, Cohere embed a list.
 */
final class BedrockRequests {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> IMAGE_FORMATS = Set.of("png", "jpeg", "gif", "webp");

    private BedrockRequests() {
    }

    static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw GatewayError.invalidJson(e.getMessage());
        }
    }

    static ObjectNode converse(byte[] openAiBody) {
        JsonNode in = parse(openAiBody);
        if (in.path("n").asInt(1) != 1) {
            throw GatewayError.invalidRequest("Bedrock models give one choice per request; 'n' must be 1.", "n");
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode messages = out.putArray("messages");
        ArrayNode system = JSON.createArrayNode();
        JsonNode inMessages = in.path("messages");
        for (int i = 0; i < inMessages.size(); i++) {
            JsonNode m = inMessages.get(i);
            String role = m.path("role").asText();
            String param = "messages[" + i + "]";
            switch (role) {
                case "system", "developer" -> {
                    for (JsonNode block : contentBlocks(m.get("content"), param)) {
                        if (!block.has("text")) {
                            throw GatewayError.invalidRequest("System messages may only hold text.", param + ".content");
                        }
                        system.add(block);
                    }
                }
                case "user" -> ChatTurns.appendMerged(messages, "user", "content", contentBlocks(m.get("content"), param));
                case "assistant" -> ChatTurns.appendMerged(messages, "assistant", "content", assistantBlocks(m, param));
                case "tool" -> ChatTurns.appendMerged(messages, "user", "content", toolResult(m, param));
                default -> throw GatewayError.invalidRequest("Invalid value for 'role': '" + role + "'.", param + ".role");
            }
        }
        if (!system.isEmpty()) {
            out.set("system", system);
        }
        ObjectNode inference = JSON.createObjectNode();
        JsonNode maxTokens = in.hasNonNull("max_completion_tokens") ? in.get("max_completion_tokens") : in.get("max_tokens");
        if (maxTokens != null && maxTokens.canConvertToInt()) {
            inference.put("maxTokens", maxTokens.asInt());
        }
        copyNumber(in, "temperature", inference, "temperature");
        copyNumber(in, "top_p", inference, "topP");
        JsonNode stop = in.get("stop");
        if (stop != null && !stop.isNull()) {
            ArrayNode sequences = inference.putArray("stopSequences");
            if (stop.isArray()) {
                stop.forEach(sequences::add);
            } else {
                sequences.add(stop.asText());
            }
        }
        if (!inference.isEmpty()) {
            out.set("inferenceConfig", inference);
        }
        toolConfig(in, out, hasToolBlocks(messages));
        return out;
    }

    /**
     * Converse has no "none" tool choice: with {@code tool_choice: "none"} the tools are left out, unless the
     * conversation already holds tool blocks (Bedrock then requires the tool config), where they stay without a choice.
     */
    private static void toolConfig(JsonNode in, ObjectNode out, boolean toolHistory) {
        JsonNode tools = in.get("tools");
        JsonNode choice = in.get("tool_choice");
        boolean none = choice != null && choice.isTextual() && "none".equals(choice.asText());
        if (tools == null || !tools.isArray() || tools.isEmpty() || (none && !toolHistory)) {
            return;
        }
        ObjectNode config = out.putObject("toolConfig");
        ArrayNode specs = config.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode fn = tools.get(i).path("function");
            if (!fn.hasNonNull("name")) {
                throw GatewayError.invalidRequest("Each tool needs function.name.", "tools[" + i + "].function.name");
            }
            ObjectNode spec = specs.addObject().putObject("toolSpec");
            spec.put("name", fn.get("name").asText());
            if (fn.hasNonNull("description")) {
                spec.put("description", fn.get("description").asText());
            }
            JsonNode schema = fn.get("parameters");
            spec.putObject("inputSchema").set("json", schema != null && schema.isObject() ? schema
                    : JSON.createObjectNode().put("type", "object"));
        }
        if (choice != null && choice.isTextual() && "required".equals(choice.asText())) {
            config.putObject("toolChoice").putObject("any");
        } else if (choice != null && choice.isObject()) {
            config.putObject("toolChoice").putObject("tool").put("name", choice.path("function").path("name").asText());
        } else if (choice != null && choice.isTextual() && "auto".equals(choice.asText())) {
            config.putObject("toolChoice").putObject("auto");
        }
    }

    private static boolean hasToolBlocks(ArrayNode messages) {
        for (JsonNode m : messages) {
            for (JsonNode block : m.path("content")) {
                if (block.has("toolUse") || block.has("toolResult")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static ArrayNode contentBlocks(JsonNode content, String param) {
        ArrayNode blocks = JSON.createArrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        // Converse refuses blank text blocks, and OpenAI clients send "" freely (an assistant turn that only calls tools)
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                blocks.addObject().put("text", content.asText());
            }
            return blocks;
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
                        blocks.addObject().put("text", part.path("text").asText());
                    }
                }
                case "image_url" -> blocks.add(image(part.path("image_url").path("url").asText(), partParam));
                default -> throw GatewayError.invalidRequest("Content part type '" + type
                        + "' cannot be sent to a Bedrock model.", partParam + ".type");
            }
        }
        return blocks;
    }

    /** Converse takes image bytes, never a URL to fetch: only data URLs of png, jpeg, gif or webp images go. */
    private static ObjectNode image(String url, String param) {
        String p = param + ".image_url.url";
        if (!url.startsWith("data:")) {
            throw GatewayError.invalidRequest("Bedrock models take images only as data URLs "
                    + "(data:image/png;base64,...), not as links.", p);
        }
        ChatTurns.DataUrl data = ChatTurns.DataUrl.parse(url, p);
        String mediaType = data.mediaType().toLowerCase(Locale.ROOT);
        String format = mediaType.startsWith("image/") ? mediaType.substring(6) : "";
        format = format.equals("jpg") ? "jpeg" : format;
        if (!IMAGE_FORMATS.contains(format)) {
            throw GatewayError.invalidRequest("Bedrock models take png, jpeg, gif or webp images, not '" + mediaType
                    + "'.", p);
        }
        ObjectNode block = JSON.createObjectNode();
        ObjectNode image = block.putObject("image");
        image.put("format", format);
        image.putObject("source").put("bytes", data.base64());
        return block;
    }

    private static ArrayNode assistantBlocks(JsonNode m, String param) {
        ArrayNode blocks = contentBlocks(m.get("content"), param);
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (int i = 0; i < calls.size(); i++) {
                JsonNode call = calls.get(i);
                ObjectNode use = blocks.addObject().putObject("toolUse");
                use.put("toolUseId", call.path("id").asText());
                use.put("name", call.path("function").path("name").asText());
                String arguments = call.path("function").path("arguments").asText("");
                try {
                    JsonNode input = arguments.isBlank() ? JSON.createObjectNode() : JSON.readTree(arguments);
                    if (!input.isObject()) {
                        throw new IOException("not an object");
                    }
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
        ObjectNode result = blocks.addObject().putObject("toolResult");
        result.put("toolUseId", m.get("tool_call_id").asText());
        ArrayNode content = contentBlocks(m.get("content"), param);
        if (content.isEmpty()) {
            // a tool that returned nothing still needs a content block
            content.addObject().put("text", "");
        }
        result.set("content", content);
        return blocks;
    }

    private static void copyNumber(JsonNode in, String field, ObjectNode out, String outField) {
        JsonNode v = in.get(field);
        if (v != null && v.isNumber()) {
            out.set(outField, v);
        }
    }

    // ---------------------------------------------------------------- embeddings

    /** The embedding models' request shapes on {@code invoke}, told apart by their model id. */
    enum EmbeddingShape {
        /** {@code amazon.titan-embed-text-v2:0}: one {@code inputText} per call, {@code dimensions} optional. */
        TITAN,
        /** {@code cohere.embed-*}: a list of {@code texts} with {@code input_type}. */
        COHERE;

        static EmbeddingShape of(String modelId) {
            // inference-profile ids carry a region prefix (us.cohere.embed-...); ARNs end with the model id
            String id = modelId.toLowerCase(Locale.ROOT);
            if (id.contains("cohere.embed")) {
                return COHERE;
            }
            if (id.contains("titan-embed-text")) {
                return TITAN;
            }
            return null;
        }
    }

    /** Whether an OpenAI embeddings request asks for base64 vectors (the OpenAI SDKs do unless told otherwise). */
    static boolean base64Embeddings(byte[] openAiBody) {
        return "base64".equals(parse(openAiBody).path("encoding_format").asText());
    }

    /** The {@code invoke} body of an OpenAI embeddings request for {@code shape}. */
    static ObjectNode embeddings(byte[] openAiBody, EmbeddingShape shape) {
        JsonNode in = parse(openAiBody);
        JsonNode input = in.get("input");
        ArrayNode texts = JSON.createArrayNode();
        if (input != null && input.isTextual()) {
            texts.add(input.asText());
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            for (int i = 0; i < input.size(); i++) {
                if (!input.get(i).isTextual()) {
                    throw GatewayError.invalidRequest("Bedrock embedding models take text: 'input' must be a string "
                            + "or an array of strings.", "input[" + i + "]");
                }
                texts.add(input.get(i).asText());
            }
        } else {
            throw GatewayError.invalidRequest("'input' must be a string or a non-empty array of strings.", "input");
        }
        String format = in.path("encoding_format").asText("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw GatewayError.invalidRequest("'encoding_format' must be float or base64.", "encoding_format");
        }
        ObjectNode out = JSON.createObjectNode();
        if (shape == EmbeddingShape.TITAN) {
            if (texts.size() != 1) {
                throw GatewayError.invalidRequest("Titan text embeddings take one text per request; send 'input' as "
                        + "a single string.", "input");
            }
            out.put("inputText", texts.get(0).asText());
            if (in.hasNonNull("dimensions")) {
                out.set("dimensions", in.get("dimensions"));
            }
            out.put("normalize", true);
        } else {
            if (in.hasNonNull("dimensions")) {
                throw GatewayError.invalidRequest("Cohere embed models on Bedrock have fixed dimensions.", "dimensions");
            }
            out.set("texts", texts);
            out.put("input_type", "search_document");
            out.putArray("embedding_types").add("float");
        }
        return out;
    }
}
