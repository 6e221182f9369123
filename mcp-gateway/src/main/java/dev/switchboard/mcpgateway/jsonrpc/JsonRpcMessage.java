package dev.switchboard.mcpgateway.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * One JSON-RPC 2.0 message as MCP sends it: a request ({@code method} and {@code id}), a notification ({@code method},
 * no {@code id}) or a response ({@code id} and {@code result} or {@code error}). The tree is kept whole, so a message
 * the gateway does not change is forwarded as it came.
 */
public record JsonRpcMessage(Kind kind, ObjectNode node) {

    public enum Kind { REQUEST, NOTIFICATION, RESPONSE }

    /** Parses a POST body: one JSON-RPC object. Anything else is the JSON-RPC error the spec names for it. */
    public static JsonRpcMessage parse(byte[] body) {
        JsonNode tree;
        try {
            tree = Json.read(body);
        } catch (Json.NumberOutOfRange e) {
            throw McpError.parseError("a number in the body is out of range");
        } catch (IOException e) {
            throw McpError.parseError("the body is not valid JSON");
        }
        if (tree == null || tree.isMissingNode()) {
            throw McpError.parseError("the body is empty");
        }
        if (tree.isArray()) {
            throw McpError.batchNotSupported();
        }
        if (!(tree instanceof ObjectNode node)) {
            throw McpError.invalidRequest("the body must be a JSON-RPC object");
        }
        return of(node);
    }

    /** Classifies an object; throws {@link McpError#invalidRequest} when it is no JSON-RPC 2.0 message. */
    public static JsonRpcMessage of(ObjectNode node) {
        if (!"2.0".equals(node.path("jsonrpc").asText(null)) || !node.path("jsonrpc").isTextual()) {
            throw McpError.invalidRequest("\"jsonrpc\" must be \"2.0\"");
        }
        JsonNode id = node.get("id");
        boolean hasId = id != null;
        if (hasId && !(id.isTextual() || id.isIntegralNumber() || (id.isNull() && !node.has("method")))) {
            throw McpError.invalidRequest("\"id\" must be a string or an integer");
        }
        JsonNode method = node.get("method");
        if (method != null) {
            if (!method.isTextual() || method.asText().isEmpty()) {
                throw McpError.invalidRequest("\"method\" must be a non-empty string");
            }
            JsonNode params = node.get("params");
            if (params != null && !params.isObject()) {
                throw McpError.invalidRequest("\"params\" must be an object");
            }
            return new JsonRpcMessage(hasId ? Kind.REQUEST : Kind.NOTIFICATION, node);
        }
        if (hasId && (node.has("result") ^ node.has("error"))) {
            return new JsonRpcMessage(Kind.RESPONSE, node);
        }
        throw McpError.invalidRequest("a message needs \"method\" (request, notification) or \"result\"/\"error\" (response)");
    }

    public JsonNode id() {
        return node.get("id");
    }

    public String method() {
        return node.path("method").asText(null);
    }

    /** The params object, or an empty one. */
    public ObjectNode params() {
        JsonNode p = node.get("params");
        return p instanceof ObjectNode o ? o : Json.MAPPER.createObjectNode();
    }

    public boolean isError() {
        return node.has("error");
    }

    /** A response with {@code result} to the request {@code id}. */
    public static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("jsonrpc", "2.0");
        r.set("id", id);
        r.set("result", result);
        return r;
    }

    /** A request or notification built by the gateway itself. */
    public static ObjectNode request(JsonNode id, String method, JsonNode params) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("jsonrpc", "2.0");
        if (id != null) {
            r.set("id", id);
        }
        r.put("method", method);
        if (params != null) {
            r.set("params", params);
        }
        return r;
    }
}
