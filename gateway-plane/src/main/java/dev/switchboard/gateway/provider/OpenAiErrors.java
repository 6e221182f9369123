package dev.switchboard.gateway.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

/** An upstream's error as the OpenAI error body ({@code {"error":{"message","type","param","code"}}}). */
public final class OpenAiErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiErrors() {
    }

    /** @param code the upstream's own code when it has a telling one, else null for the status's usual one */
    public static Buffer of(int status, String code, String param, String message) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode error = out.putObject("error");
        error.put("message", message);
        error.put("type", typeOf(status));
        if (param == null) {
            error.putNull("param");
        } else {
            error.put("param", param);
        }
        error.put("code", code != null ? code : status == 429 ? "rate_limit_exceeded" : typeOf(status));
        return Buffer.buffer(out.toString());
    }

    /** OpenAI's error {@code type} for an HTTP status. */
    public static String typeOf(int status) {
        return switch (status) {
            case 400, 404, 409, 413, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> "api_error";
        };
    }
}
