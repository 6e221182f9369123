package dev.switchboard.mcpgateway.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The {@code mcp_pre_tool} hook: the guardrails that apply to the call check its {@code arguments} before the tool
 * runs. A block ends the call here with an {@code isError} result ({@link ToolRefusals#blocked}); the upstream never
 * sees it. A redaction sends the call on with the rewritten arguments. When no guardrail applies the call goes straight
 * on, allocating nothing.
 */
public final class PreToolGuardrails implements ToolCallInterceptor {

    @Override
    public Future<McpReply> intercept(ToolCall call, Chain chain) {
        Guardrails guardrails = call.state().guardrails();
        JsonNode arguments = call.request().path("params").get("arguments");
        if (!guardrails.applies(Guardrail.Hook.MCP_PRE_TOOL, call.scope())) {
            call.notes().preTool(null, arguments);
            return chain.proceed(call);
        }
        JsonNode checked = arguments == null ? call.request().objectNode() : arguments;
        return CallContext.resume(guardrails.check(Guardrail.Hook.MCP_PRE_TOOL, call.scope(), checked))
                .compose(result -> {
                    if (result.blocked()) {
                        call.notes().preTool(result, checked);
                        call.notes().answered("blocked", "guardrail_blocked");
                        return Future.succeededFuture(ToolRefusals.blocked(call, result.blockingVerdict()));
                    }
                    if (result.payload() == checked) {
                        call.notes().preTool(result, checked);
                        return chain.proceed(call);
                    }
                    // a shallow copy: the rest of the request is shared, never changed
                    ObjectNode params = call.request().objectNode();
                    params.setAll((ObjectNode) call.request().get("params"));
                    params.set("arguments", result.payload());
                    ObjectNode rewritten = call.request().objectNode();
                    rewritten.setAll(call.request());
                    rewritten.set("params", params);
                    call.notes().preTool(result, result.payload());
                    return chain.proceed(call.withRequest(rewritten));
                });
    }
}
