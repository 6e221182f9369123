package dev.switchboard.mcpgateway.pipeline;

import dev.switchboard.mcpgateway.upstream.McpReply;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;

/**
 * One step of a tool call, in the manner of OkHttp's interceptors: it may look at or change the call, end it with its
 * own answer (a failed future with an {@link dev.switchboard.mcpgateway.jsonrpc.McpError}, or a reply) without calling
 * {@link Chain#proceed}, or proceed and look at or change the reply. Pre-tool guardrails, approvals and post-tool
 * guardrails are interceptors too; {@link McpPipeline} lists them in order.
 */
public interface ToolCallInterceptor {

    Future<McpReply> intercept(ToolCall call, Chain chain);

    interface Chain {
        Future<McpReply> proceed(ToolCall call);
    }

    /** Runs {@code call} through {@code interceptors}, first to last, then {@code terminal} (the upstream call). */
    static Future<McpReply> run(List<ToolCallInterceptor> interceptors, ToolCall call,
                                Function<ToolCall, Future<McpReply>> terminal) {
        return chainFrom(interceptors, 0, terminal).proceed(call);
    }

    private static Chain chainFrom(List<ToolCallInterceptor> interceptors, int index,
                                   Function<ToolCall, Future<McpReply>> terminal) {
        if (index == interceptors.size()) {
            return terminal::apply;
        }
        return c -> {
            try {
                return interceptors.get(index).intercept(c, chainFrom(interceptors, index + 1, terminal));
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        };
    }
}
