package dev.switchboard.mcpgateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.session.McpSession;
import dev.switchboard.mcpgateway.snapshot.McpState;
import dev.switchboard.model.access.Principal;
import dev.switchboard.model.access.ToolGrant;
import dev.switchboard.model.guardrail.GuardScope;

/**
 * One {@code tools/call} on its way through the interceptors: the exchange it came in (state, caller, session, the
 * reply under way), which upstream server and tool it reaches, the caller's grant there, the JSON-RPC request to send
 * (with the upstream's own tool name), the guardrails' scope, and the notes the steps leave for the audit record. An
 * interceptor that changes the request hands a new call on; the notes stay the same.
 */
public record ToolCall(McpExchange exchange, String server, String tool, ToolGrant grant, ObjectNode request,
                       GuardScope scope, ToolCallNotes notes) {

    public ToolCall(McpExchange exchange, String server, String tool, ToolGrant grant, ObjectNode request) {
        this(exchange, server, tool, grant, request, GuardScope.tool(exchange.principal(), server, tool),
                new ToolCallNotes());
    }

    public JsonNode id() {
        return request.get("id");
    }

    /** The tool's arguments, or an empty object. */
    public JsonNode arguments() {
        JsonNode args = request.path("params").get("arguments");
        return args == null ? request.objectNode() : args;
    }

    /** The name the caller used (a virtual server may expose the tool under another one). */
    public String toolAsSeen() {
        return request.path("params").path("name").asText(tool);
    }

    public ToolCall withRequest(ObjectNode next) {
        return new ToolCall(exchange, server, tool, grant, next, scope, notes);
    }

    public Principal principal() {
        return exchange.principal();
    }

    public McpState state() {
        return exchange.state();
    }

    public McpSession session() {
        return exchange.session();
    }

    public ClientReply reply() {
        return exchange.reply();
    }

    /** The server or virtual server the caller addressed. */
    public String endpoint() {
        return exchange.endpoint();
    }

    public String sessionId() {
        return exchange.session() == null ? null : exchange.session().id();
    }

    public String requestId() {
        return exchange.requestId();
    }

    public long startNanos() {
        return exchange.startNanos();
    }
}
