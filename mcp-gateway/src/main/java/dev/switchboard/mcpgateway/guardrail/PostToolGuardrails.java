package dev.switchboard.mcpgateway.guardrail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.pipeline.CallContext;
import dev.switchboard.mcpgateway.pipeline.ToolCall;
import dev.switchboard.mcpgateway.pipeline.ToolCallInterceptor;
import dev.switchboard.mcpgateway.pipeline.ToolRefusals;
import dev.switchboard.mcpgateway.upstream.McpReply;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.guardrail.Guardrails;
import io.vertx.core.Future;

/**
 * The {@code mcp_post_tool} hook: the guardrails that apply to the call check the upstream's {@code result} before it
 * goes back to the caller. A redaction rewrites the result; a block replaces it with an {@code isError} result
 * ({@link ToolRefusals#resultBlocked}). A JSON-RPC error of the upstream has no result and goes back as it came. When
 * no guardrail applies the reply goes straight back, allocating nothing.
 */
public final class PostToolGuardrails implements ToolCallInterceptor {

    @Override
    public Future<McpReply> intercept(ToolCall call, Chain chain) {
        Guardrails guardrails = call.state().guardrails();
        if (!guardrails.applies(Guardrail.Hook.MCP_POST_TOOL, call.scope())) {
            return chain.proceed(call);
        }
        return chain.proceed(call).compose(reply -> {
            if (reply.closedForResumption()) {
                // The result would reach the client on a resumed stream, past this check: withhold it instead.
                call.notes().answered("result_blocked", "result_uncheckable");
                return Future.succeededFuture(ToolRefusals.resultUncheckable(call));
            }
            if (!(reply.message().get("result") instanceof ObjectNode result)) {
                return Future.succeededFuture(reply);
            }
            return CallContext.resume(guardrails.check(Guardrail.Hook.MCP_POST_TOOL, call.scope(), result))
                    .map(checked -> {
                        call.notes().postTool(checked);
                        if (checked.blocked()) {
                            call.notes().answered("result_blocked", "guardrail_blocked");
                            return ToolRefusals.resultBlocked(call, checked.blockingVerdict());
                        }
                        if (checked.payload() == result) {
                            return reply;
                        }
                        ObjectNode message = reply.message().objectNode();
                        message.setAll(reply.message());
                        message.set("result", checked.payload());
                        return reply.withMessage(message);
                    });
        });
    }
}
