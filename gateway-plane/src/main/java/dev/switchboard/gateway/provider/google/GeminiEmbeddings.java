package dev.switchboard.gateway.provider.google;

import static dev.switchboard.gateway.provider.google.GeminiRequests.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.OpenAiErrors;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * OpenAI embeddings requests for Google: the Gemini API's {@code embedContent} (one input) and
 * {@code batchEmbedContents} (several), and Vertex AI's {@code predict} with one instance per input; the answers as an
 * OpenAI embeddings list ({@code encoding_format: base64} as OpenAI encodes it: little-endian float32).
 */
final class GeminiEmbeddings {

    /** What an OpenAI embeddings request asks, read once. */
    record Ask(List<String> inputs, Integer dimensions, boolean base64) {
    }

    private GeminiEmbeddings() {
    }

    static Ask read(byte[] openAiBody) {
        JsonNode in;
        try {
            in = JSON.readTree(openAiBody);
        } catch (IOException e) {
            throw GatewayError.invalidJson(e.getMessage());
        }
        JsonNode input = in.get("input");
        List<String> inputs = new ArrayList<>();
        if (input != null && input.isTextual()) {
            inputs.add(input.asText());
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            for (int i = 0; i < input.size(); i++) {
                if (!input.get(i).isTextual()) {
                    throw GatewayError.invalidRequest("Gemini models embed text only: 'input' must be a string or an "
                            + "array of strings.", "input[" + i + "]");
                }
                inputs.add(input.get(i).asText());
            }
        } else {
            throw GatewayError.invalidRequest("'input' must be a string or a non-empty array of strings.", "input");
        }
        JsonNode dimensions = in.get("dimensions");
        return new Ask(inputs, dimensions != null && dimensions.canConvertToInt() ? dimensions.asInt() : null,
                "base64".equals(in.path("encoding_format").asText()));
    }

    /** The Gemini API's body: {@code embedContent} for one input, {@code batchEmbedContents} for several. */
    static ObjectNode geminiRequest(Ask ask, String model) {
        if (ask.inputs().size() == 1) {
            return content(ask.inputs().get(0), ask.dimensions());
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode requests = out.putArray("requests");
        for (String text : ask.inputs()) {
            requests.add(content(text, ask.dimensions()).put("model", "models/" + model));
        }
        return out;
    }

    private static ObjectNode content(String text, Integer dimensions) {
        ObjectNode request = JSON.createObjectNode();
        request.putObject("content").putArray("parts").addObject().put("text", text);
        if (dimensions != null) {
            request.put("outputDimensionality", dimensions);
        }
        return request;
    }

    /** Vertex AI's {@code predict} body for its embedding models. */
    static ObjectNode vertexRequest(Ask ask) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode instances = out.putArray("instances");
        ask.inputs().forEach(text -> instances.addObject().put("content", text));
        if (ask.dimensions() != null) {
            out.putObject("parameters").put("outputDimensionality", ask.dimensions());
        }
        return out;
    }

    /** An answer of either API as an OpenAI embeddings list. */
    static Buffer response(Buffer body, Ask ask, String model) {
        JsonNode in = GeminiResponses.parse(body);
        if (in == null) {
            return OpenAiErrors.of(502, null, null, "Gemini answered with a body that is not JSON.");
        }
        List<JsonNode> vectors = new ArrayList<>();
        long tokens = 0;
        if (in.has("embedding")) {
            vectors.add(in.get("embedding").path("values"));
        } else if (in.has("embeddings")) {
            in.get("embeddings").forEach(e -> vectors.add(e.path("values")));
        } else {
            for (JsonNode prediction : in.path("predictions")) {
                vectors.add(prediction.path("embeddings").path("values"));
                tokens += prediction.path("embeddings").path("statistics").path("token_count").asLong(0);
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (ask.base64()) {
                item.put("embedding", base64(vectors.get(i)));
            } else {
                item.set("embedding", vectors.get(i));
            }
        }
        out.put("model", model);
        out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return Buffer.buffer(out.toString());
    }

    private static String base64(JsonNode values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        values.forEach(v -> bytes.putFloat((float) v.asDouble()));
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
