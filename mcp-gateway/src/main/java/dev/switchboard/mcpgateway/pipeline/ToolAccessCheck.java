package dev.switchboard.mcpgateway.pipeline;

import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.upstream.McpReply;
import io.vertx.core.Future;

/**
 * The tool ACL: a tool the caller's policies do not allow is refused here and never reaches the upstream. A tool that
 * requires approval is refused too until approvals exist (fail closed), so that marking a tool as high-risk never lets
 * it run unattended.
 */
public final class ToolAccessCheck implements ToolCallInterceptor {

    @Override
    public Future<McpReply> intercept(ToolCall call, Chain chain) {
        if (!call.grant().allows(call.tool())) {
            return Future.failedFuture(McpError.toolNotPermitted(call.id(), call.endpoint(), toolAsSeen(call)));
        }
        if (call.grant().requiresApproval(call.tool())) {
            return Future.failedFuture(McpError.approvalRequired(call.id(), toolAsSeen(call)));
        }
        return chain.proceed(call);
    }

    /** The name the caller used (a virtual server may expose the tool under another one). */
    private static String toolAsSeen(ToolCall call) {
        return call.request().path("params").path("name").asText(call.tool());
    }
}
