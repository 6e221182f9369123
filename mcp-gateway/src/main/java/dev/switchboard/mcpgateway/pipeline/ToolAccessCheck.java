package dev.switchboard.mcpgateway.pipeline;

import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.upstream.McpReply;
import io.vertx.core.Future;

/**
 * The tool ACL: a tool the caller's policies do not allow is refused here and never reaches the upstream. (A tool that
 * requires approval is allowed here and held by the approval step further on.)
 */
public final class ToolAccessCheck implements ToolCallInterceptor {

    @Override
    public Future<McpReply> intercept(ToolCall call, Chain chain) {
        if (!call.grant().allows(call.tool())) {
            return Future.failedFuture(McpError.toolNotPermitted(call.id(), call.endpoint(), call.toolAsSeen()));
        }
        return chain.proceed(call);
    }
}
