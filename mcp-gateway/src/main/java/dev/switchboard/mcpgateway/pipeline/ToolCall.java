package dev.switchboard.mcpgateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.access.Principal;
import dev.switchboard.model.access.ToolGrant;

/**
 * One {@code tools/call} on its way through the interceptors: who calls, through which endpoint (a server or a virtual
 * server), which upstream server and tool it reaches, and the JSON-RPC request to send there (with the upstream's own
 * tool name). An interceptor that changes the call hands a new one on.
 */
public record ToolCall(Principal principal, String endpoint, String server, String tool, ToolGrant grant,
                       ObjectNode request, String sessionId, String requestId, long startNanos) {

    public JsonNode id() {
        return request.get("id");
    }

    /** The tool's arguments, or an empty object. */
    public JsonNode arguments() {
        JsonNode args = request.path("params").get("arguments");
        return args == null ? request.objectNode() : args;
    }

    public ToolCall withRequest(ObjectNode next) {
        return new ToolCall(principal, endpoint, server, tool, grant, next, sessionId, requestId, startNanos);
    }
}
