package dev.switchboard.gateway.provider.anthropic.inbound;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.http.GatewayError;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An error answered on the Anthropic Messages endpoint, in Anthropic's shape
 * {@code {"type":"error","error":{"type","message"}}}: the Anthropic SDKs and Claude Code read that shape, never the
 * OpenAI one. Anthropic has no {@code param}, so a bad field is named at the start of the message, as Anthropic does
 * ({@code messages.0.content.1.source.type: ...}). Like {@link GatewayError} it is a value without a stack trace, thrown
 * only to leave early; {@link #fromOpenAi} and {@link #fromGatewayError} turn the gateway's and the upstreams'
 * OpenAI-shaped errors into it, the type chosen by HTTP status.
 */
public final class AnthropicInboundError extends RuntimeException {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int status;
    private final String type;

    private AnthropicInboundError(int status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    public static AnthropicInboundError invalidRequest(String message) {
        return new AnthropicInboundError(400, "invalid_request_error", message);
    }

    public static AnthropicInboundError authentication(String message) {
        return new AnthropicInboundError(401, "authentication_error", message);
    }

    public static AnthropicInboundError permission(String message) {
        return new AnthropicInboundError(403, "permission_error", message);
    }

    public static AnthropicInboundError notFound(String message) {
        return new AnthropicInboundError(404, "not_found_error", message);
    }

    public static AnthropicInboundError requestTooLarge(String message) {
        return new AnthropicInboundError(413, "request_too_large", message);
    }

    public static AnthropicInboundError rateLimit(String message) {
        return new AnthropicInboundError(429, "rate_limit_error", message);
    }

    public static AnthropicInboundError api(String message) {
        return new AnthropicInboundError(500, "api_error", message);
    }

    public static AnthropicInboundError overloaded(String message) {
        return new AnthropicInboundError(529, "overloaded_error", message);
    }

    /**
     * An OpenAI-shaped error body ({@code {"error":{"message",...}}}, from the gateway or an upstream) with its
     * status kept and its type chosen by {@link #typeFor}; the message is kept, or a generic one when the body has
     * none (not JSON, another shape).
     */
    public static AnthropicInboundError fromOpenAi(int status, Buffer openAiErrorBody) {
        String message = "The upstream answered HTTP " + status + ".";
        try {
            JsonNode in = JSON.readTree(openAiErrorBody.getBytes());
            JsonNode err = in == null ? null : in.get("error");
            if (err != null && err.isObject() && err.hasNonNull("message")) {
                message = err.get("message").asText();
            } else if (err != null && err.isTextual()) {
                message = err.asText();
            } else if (in != null && in.hasNonNull("message")) {
                message = in.get("message").asText();
            }
        } catch (IOException e) {
            // not JSON: keep the generic message
        }
        return new AnthropicInboundError(status, typeFor(status), message);
    }

    /** An error the gateway itself raised (auth, routing, limits), status and message kept. */
    public static AnthropicInboundError fromGatewayError(GatewayError e) {
        return new AnthropicInboundError(e.status(), typeFor(e.status()), e.getMessage());
    }

    /** Anthropic's error type for an HTTP status; other 4xx are {@code invalid_request_error}, as Anthropic does. */
    public static String typeFor(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 400 && status < 500 ? "invalid_request_error" : "api_error";
        };
    }

    /**
     * Anthropic's error type for an OpenAI error {@code type} (and {@code code}), where there is no status to go by:
     * errors inside a stream.
     */
    static String typeForOpenAi(String openAiType, String code) {
        if ("rate_limit_exceeded".equals(code)) {
            return "rate_limit_error";
        }
        return switch (openAiType == null ? "" : openAiType) {
            case "invalid_request_error" -> "invalid_request_error";
            case "authentication_error" -> "authentication_error";
            case "permission_error" -> "permission_error";
            case "not_found_error" -> "not_found_error";
            case "request_too_large" -> "request_too_large";
            case "rate_limit_error" -> "rate_limit_error";
            case "overloaded_error" -> "overloaded_error";
            default -> "api_error";
        };
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public Buffer toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "error");
            g.writeObjectFieldStart("error");
            g.writeStringField("type", type);
            g.writeStringField("message", getMessage());
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(out.toByteArray());
    }
}
