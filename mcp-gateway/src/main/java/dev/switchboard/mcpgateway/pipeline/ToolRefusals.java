package dev.switchboard.mcpgateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import dev.switchboard.mcpgateway.jsonrpc.JsonRpcMessage;
import dev.switchboard.mcpgateway.upstream.McpReply;
import dev.switchboard.model.guardrail.Verdict;
import java.time.Duration;

/**
 * The answers the gateway gives in place of a tool's result when a guardrail or an approval stops the call: a tool
 * result with {@code isError: true}, so that the model reads why and can change course, as MCP advises for errors of
 * a tool's execution (a JSON-RPC error is for calls that are malformed or not permitted at all). The text names the
 * guardrail or the approval and the reason, never the sensitive value. {@code _meta["dev.switchboard/refusal"]}
 * carries the same as data: {@code reason} (a stable word), and {@code guardrail} and {@code hook}, or
 * {@code approval} and {@code decided_by}. Built only here.
 */
public final class ToolRefusals {

    public static final String META_KEY = "dev.switchboard/refusal";

    private ToolRefusals() {
    }

    /** A pre-tool guardrail blocked the call: the tool did not run. */
    public static McpReply blocked(ToolCall call, Verdict verdict) {
        ObjectNode meta = meta("guardrail_blocked").put("guardrail", verdict.guardrail()).put("hook", "mcp_pre_tool");
        return result(call, "Blocked by guardrail '" + verdict.guardrail() + "' (" + kind(verdict) + "): "
                + verdict.reason() + ". The tool '" + call.toolAsSeen() + "' did not run.", meta);
    }

    /** A post-tool guardrail blocked the result: the tool ran, its result is withheld. */
    public static McpReply resultBlocked(ToolCall call, Verdict verdict) {
        ObjectNode meta = meta("result_blocked").put("guardrail", verdict.guardrail()).put("hook", "mcp_post_tool");
        return result(call, "The result of '" + call.toolAsSeen() + "' was withheld by guardrail '" + verdict.guardrail()
                + "' (" + kind(verdict) + "): " + verdict.reason() + ".", meta);
    }

    /** The upstream closed its stream before the result, which the post-tool guardrails then cannot check. */
    public static McpReply resultUncheckable(ToolCall call) {
        return result(call, "The result of '" + call.toolAsSeen() + "' was withheld: the MCP server '" + call.server()
                + "' closed its stream before answering, so the gateway's guardrails could not check it.",
                meta("result_uncheckable"));
    }

    public static McpReply approvalDenied(ToolCall call, String approvalId, String decidedBy, String reason) {
        ObjectNode meta = meta("approval_denied").put("approval", approvalId).put("decided_by", decidedBy);
        return result(call, "The call of '" + call.toolAsSeen() + "' was denied by " + decidedBy + " (approval "
                + approvalId + ")" + (reason == null || reason.isBlank() ? "" : ": " + reason)
                + ". The tool did not run.", meta);
    }

    public static McpReply approvalTimedOut(ToolCall call, String approvalId, Duration timeout) {
        return result(call, "The call of '" + call.toolAsSeen() + "' was not approved within " + human(timeout)
                + " (approval " + approvalId + "). The tool did not run.",
                meta("approval_timeout").put("approval", approvalId));
    }

    /** The tool needs approval, and nobody can give it: no approver is configured and the client cannot be asked. */
    public static McpReply noApprover(ToolCall call) {
        return result(call, "The tool '" + call.toolAsSeen() + "' needs a person's approval before it runs, and no "
                + "approver is configured for it on '" + call.server() + "'. The tool did not run.",
                meta("approval_unavailable"));
    }

    public static McpReply cancelled(ToolCall call, String approvalId) {
        return result(call, "The call of '" + call.toolAsSeen() + "' was cancelled while it waited for approval "
                + approvalId + ".", meta("approval_cancelled").put("approval", approvalId));
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private static String kind(Verdict verdict) {
        return verdict.type() == null ? "guardrail" : verdict.type().name().toLowerCase();
    }

    private static ObjectNode meta(String reason) {
        return Json.MAPPER.createObjectNode().put("reason", reason);
    }

    private static McpReply result(ToolCall call, String text, ObjectNode refusal) {
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", true);
        result.putObject("_meta").set(META_KEY, refusal);
        JsonNode id = call.id();
        return McpReply.of(JsonRpcMessage.result(id, result));
    }
}
