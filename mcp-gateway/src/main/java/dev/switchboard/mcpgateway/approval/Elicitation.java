package dev.switchboard.mcpgateway.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.mcpgateway.audit.AuditPayloads;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import dev.switchboard.mcpgateway.jsonrpc.JsonRpcMessage;
import dev.switchboard.mcpgateway.pipeline.McpExchange;
import dev.switchboard.mcpgateway.pipeline.ToolCall;
import dev.switchboard.runtime.sse.SseEvent;

/**
 * Approval by the caller in their own client: the gateway sends {@code elicitation/create} (form mode) on the tool
 * call's response stream, asking whether the tool may run with these arguments, with a one-field form
 * ({@code approve}, a boolean). The client posts its answer back as a JSON-RPC response to the request id
 * {@code switchboard-approval/<approval id>}: {@code accept} with {@code approve: true} approves; {@code accept} with
 * {@code false}, {@code decline}, {@code cancel} or an error denies.
 */
public final class Elicitation {

    static final String ID_PREFIX = "switchboard-approval/";
    /** The arguments are quoted in the message up to this many bytes of JSON. */
    private static final int MAX_QUOTED_ARGUMENTS = 2048;

    private Elicitation() {
    }

    /** Asks the caller; the answer comes in on another POST of the session ({@link #answer}). */
    static void ask(ToolCall call, PendingApproval pending) {
        var quoted = AuditPayloads.of(pending.arguments(), MAX_QUOTED_ARGUMENTS);
        String message = "Switchboard: a call of the tool '" + call.toolAsSeen() + "' on '" + call.server()
                + "' needs your approval before it runs. Arguments: "
                + (quoted.json() == null ? "{}" : quoted.json() + (quoted.truncated() ? "…" : ""))
                + ". Approve it?";
        ObjectNode params = Json.MAPPER.createObjectNode().put("message", message);
        ObjectNode schema = params.putObject("requestedSchema").put("type", "object");
        schema.putObject("properties").putObject("approve")
                .put("type", "boolean")
                .put("title", "Approve")
                .put("description", "Run '" + call.toolAsSeen() + "' now")
                .put("default", false);
        schema.putArray("required").add("approve");
        ObjectNode request = JsonRpcMessage.request(TextNode.valueOf(ID_PREFIX + pending.id()), "elicitation/create",
                params);
        call.reply().streamStarted();
        call.reply().event(SseEvent.message(null, Json.write(request)));
    }

    /**
     * Takes a client's response if it answers one of the gateway's own elicitations; false when it answers something
     * else (an upstream's request, to be relayed). An answer from another session, or too late, is taken and ignored.
     */
    public static boolean answer(Approvals approvals, McpExchange ex, JsonNode response) {
        JsonNode id = response.get("id");
        if (id == null || !id.isTextual() || !id.asText().startsWith(ID_PREFIX)) {
            return false;
        }
        approvals.find(id.asText().substring(ID_PREFIX.length()))
                .filter(p -> p.channel() == Channel.ELICITATION)
                .filter(p -> ex.session() != null && ex.session().id().equals(p.call().sessionId()))
                .ifPresent(p -> {
                    String by = ex.principal().subject().toString();
                    JsonNode result = response.get("result");
                    String action = result == null ? null : result.path("action").asText(null);
                    boolean approved = "accept".equals(action) && result.path("content").path("approve").asBoolean(false);
                    String reason;
                    if (approved) {
                        reason = null;
                    } else if (result == null) {
                        reason = "the client could not ask: "
                                + response.path("error").path("message").asText("error");
                    } else if ("accept".equals(action)) {
                        reason = "not approved in the client";
                    } else {
                        reason = switch (action == null ? "" : action) {
                            case "decline" -> "declined in the client";
                            case "cancel" -> "cancelled in the client";
                            default -> "no answer in the client";
                        };
                    }
                    approvals.decide(p.id(), by, approved, reason);
                });
        return true;
    }
}
