package dev.switchboard.mcpgateway.pipeline;

import dev.switchboard.model.access.Principal;
import dev.switchboard.mcpgateway.session.McpSession;
import dev.switchboard.mcpgateway.snapshot.McpState;

/**
 * One HTTP request on an MCP endpoint, as far as the pipeline has got with it: the state it took at its start, the
 * endpoint's name, the caller, the session (null for {@code initialize}) and the reply under way.
 */
public record McpExchange(McpState state, String endpoint, Principal principal, McpSession session,
                          ClientReply reply, String requestId, long startNanos) {

    public McpExchange withSession(McpSession next) {
        return new McpExchange(state, endpoint, principal, next, reply, requestId, startNanos);
    }
}
