package dev.switchboard.mcpgateway.pipeline;

import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.upstream.McpReply;
import dev.switchboard.model.limits.Applied;
import dev.switchboard.model.limits.Caller;
import dev.switchboard.model.limits.Decision;
import dev.switchboard.model.limits.LimitCounters;
import dev.switchboard.model.limits.Refusal;
import io.vertx.core.Future;
import java.util.Map;

/**
 * The rate limits on tool calls (rules with {@code mcp_servers} / {@code tools}), in memory, before the call reaches
 * the upstream. A refused call gets a JSON-RPC error naming the rule and when it resets, and its audit record the
 * outcome {@code rate_limited} with the rule's name.
 */
public final class ToolCallLimit implements ToolCallInterceptor {

    private final LimitCounters counters;

    public ToolCallLimit(LimitCounters counters) {
        this.counters = counters;
    }

    @Override
    public Future<McpReply> intercept(ToolCall call, Chain chain) {
        if (!call.state().limits().coversTools()) {
            return chain.proceed(call);
        }
        Applied applied = call.state().limits().matchTool(Caller.of(call.principal()), call.server(), call.tool(),
                Map.of());
        if (!applied.isEmpty()) {
            Decision decision = counters.admit(applied);
            if (decision instanceof Refusal refusal) {
                call.notes().answered("rate_limited", refusal.reported().limit().rule().name());
                return Future.failedFuture(McpError.rateLimited(call.id(), refusal.message()));
            }
        }
        return chain.proceed(call);
    }
}
