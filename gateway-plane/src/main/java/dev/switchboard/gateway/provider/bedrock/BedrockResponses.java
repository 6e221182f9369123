package dev.switchboard.gateway.provider.bedrock;

import static dev.switchboard.gateway.provider.bedrock.BedrockRequests.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.provider.ChatAnswers;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/** Bedrock Runtime answers and errors in the OpenAI shapes. */
final class BedrockResponses {

    private BedrockResponses() {
    }

    /** Converse's {@code stopReason} as OpenAI's {@code finish_reason}. */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence
        };
    }

    /** Converse counts cached input apart; OpenAI's prompt_tokens include it. */
    static ObjectNode usage(JsonNode usage) {
        long input = usage.path("inputTokens").asLong(0) + usage.path("cacheReadInputTokens").asLong(0)
                + usage.path("cacheWriteInputTokens").asLong(0);
        long output = usage.path("outputTokens").asLong(0);
        return JSON.createObjectNode().put("prompt_tokens", input).put("completion_tokens", output)
                .put("total_tokens", input + output);
    }

    static Buffer completion(Buffer converseBody, String id, String model, long createdEpochSeconds) {
        JsonNode in;
        try {
            in = JSON.readTree(converseBody.getBytes());
        } catch (IOException e) {
            return error(502, "api_error", "upstream_error", "The Bedrock upstream answered with a body that is not JSON.");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("id", id);
        out.put("object", "chat.completion");
        out.put("created", createdEpochSeconds);
        out.put("model", model);
        StringBuilder text = new StringBuilder();
        ArrayNode toolCalls = JSON.createArrayNode();
        for (JsonNode block : in.path("output").path("message").path("content")) {
            if (block.has("text")) {
                text.append(block.get("text").asText());
            } else if (block.has("toolUse")) {
                JsonNode use = block.get("toolUse");
                toolCalls.add(ChatAnswers.toolCall(use.path("toolUseId").asText(), use.path("name").asText(),
                        use.path("input").toString()));
            }
            // reasoningContent and other blocks have no place in an OpenAI chat answer
        }
        ChatAnswers.choice(out.putArray("choices"), 0, text, toolCalls, finishReason(in.path("stopReason").asText(null)));
        out.set("usage", usage(in.path("usage")));
        return Buffer.buffer(out.toString());
    }

    /**
     * An {@code invoke} answer of an embedding model as an OpenAI embeddings list. Titan reports its input tokens in
     * the body; Cohere does not, and {@code headerInputTokens} (Bedrock's {@code X-Amzn-Bedrock-Input-Token-Count},
     * -1 when absent) stands in.
     */
    static Buffer embeddings(Buffer invokeBody, BedrockRequests.EmbeddingShape shape, String model, long headerInputTokens,
                             boolean base64) {
        JsonNode in;
        try {
            in = JSON.readTree(invokeBody.getBytes());
        } catch (IOException e) {
            return error(502, "api_error", "upstream_error", "The Bedrock upstream answered with a body that is not JSON.");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        long tokens = headerInputTokens;
        if (shape == BedrockRequests.EmbeddingShape.TITAN) {
            addEmbedding(data, in.path("embedding"), base64);
            if (in.has("inputTextTokenCount")) {
                tokens = in.get("inputTextTokenCount").asLong();
            }
        } else {
            // embeddings_floats: a list of vectors; embeddings_by_type: {"float": [...]}
            JsonNode vectors = in.path("embeddings");
            if (vectors.isObject()) {
                vectors = vectors.path("float");
            }
            for (JsonNode vector : vectors) {
                addEmbedding(data, vector, base64);
            }
        }
        out.put("model", model);
        long prompt = Math.max(0, tokens);
        out.putObject("usage").put("prompt_tokens", prompt).put("total_tokens", prompt);
        return Buffer.buffer(out.toString());
    }

    /** Base64 is OpenAI's form: the vector's float32 values, little-endian, encoded. */
    private static void addEmbedding(ArrayNode data, JsonNode vector, boolean base64) {
        ObjectNode item = data.addObject();
        item.put("object", "embedding");
        item.put("index", data.size() - 1);
        if (base64) {
            ByteBuffer bytes = ByteBuffer.allocate(vector.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
            vector.forEach(v -> bytes.putFloat(v.floatValue()));
            item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
        } else {
            item.set("embedding", vector);
        }
    }

    /**
     * What an AWS error type ({@code x-amzn-ErrorType}, up to its colon) means for the gateway: the status that makes
     * retries and fallback work across providers, and the OpenAI error type.
     */
    record ErrorKind(int status, String openAiType, boolean credentialRefused) {

        static ErrorKind of(String awsType, int httpStatus) {
            if (awsType == null) {
                return new ErrorKind(httpStatus, typeOf(httpStatus), httpStatus == 401);
            }
            return switch (awsType) {
                case "ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException" ->
                        new ErrorKind(429, "rate_limit_error", false);
                case "ValidationException", "SerializationException" -> new ErrorKind(400, "invalid_request_error", false);
                case "AccessDeniedException" -> new ErrorKind(403, "permission_error", false);
                // the gateway's own AWS credentials were refused (401, as other providers' refused keys): never explained with
                // AWS's message (an InvalidSignatureException quotes the canonical request, session token and all)
                case "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException",
                        "MissingAuthenticationTokenException", "ExpiredTokenException", "InvalidClientTokenId",
                        "SignatureDoesNotMatch" -> new ErrorKind(401, "authentication_error", true);
                case "ResourceNotFoundException" -> new ErrorKind(404, "not_found_error", false);
                case "ModelNotReadyException", "ServiceUnavailableException" -> new ErrorKind(503, "api_error", false);
                case "ModelTimeoutException" -> new ErrorKind(504, "api_error", false);
                case "ModelErrorException", "ModelStreamErrorException" -> new ErrorKind(502, "api_error", false);
                case "InternalServerException" -> new ErrorKind(500, "api_error", false);
                default -> new ErrorKind(httpStatus, typeOf(httpStatus), false);
            };
        }

        private static String typeOf(int status) {
            return switch (status) {
                case 400, 404, 413, 422 -> "invalid_request_error";
                case 401 -> "authentication_error";
                case 403 -> "permission_error";
                case 429 -> "rate_limit_error";
                default -> "api_error";
            };
        }
    }

    /** The AWS error type of an {@code x-amzn-ErrorType} header value ({@code Type:namespace-url}), or null. */
    static String errorType(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        int colon = header.indexOf(':');
        return colon < 0 ? header.trim() : header.substring(0, colon).trim();
    }

    /**
     * A Bedrock error answer in the OpenAI error shape. {@code awsType} comes from the header; when it is absent the
     * body's {@code __type} (AWS JSON protocol) stands in.
     */
    static Buffer errorBody(int status, String awsType, Buffer body, String account) {
        String message = null;
        String type = awsType;
        try {
            JsonNode in = JSON.readTree(body.getBytes());
            message = in.hasNonNull("message") ? in.get("message").asText()
                    : in.hasNonNull("Message") ? in.get("Message").asText() : null;
            if (type == null && in.hasNonNull("__type")) {
                type = errorType(in.get("__type").asText().replaceAll(".*#", ""));
            }
        } catch (IOException e) {
            // not JSON: keep the generic message
        }
        ErrorKind kind = ErrorKind.of(type, status);
        String code = type == null ? kind.openAiType() : type;
        if (kind.credentialRefused()) {
            message = "Bedrock refused the AWS credentials of the provider account '" + account + "' (" + type + ").";
        } else if (message == null || message.isBlank()) {
            message = "The Bedrock upstream answered HTTP " + status + (type == null ? "" : " (" + type + ")") + ".";
        }
        return error(status, kind.openAiType(), status == 429 ? "rate_limit_exceeded" : code, message);
    }

    static Buffer error(int status, String type, String code, String message) {
        return Buffer.buffer(errorJson(type, code, message).toString());
    }

    static ObjectNode errorJson(String type, String code, String message) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode e = out.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.putNull("param");
        e.put("code", code);
        return out;
    }
}
