package dev.switchboard.mcpgateway.pipeline;

import dev.switchboard.model.access.Principal;
import dev.switchboard.mcpgateway.jsonrpc.JsonRpcMessage;
import dev.switchboard.mcpgateway.snapshot.McpState;

/**
 * What an MCP endpoint does with each kind of message once the pipeline has checked the request, the caller and the
 * session: {@link SingleServerEndpoint} proxies one upstream, {@link VirtualServerEndpoint} aggregates several.
 */
interface Endpoint {

    /** Whether the caller may use this endpoint at all (some tool policy names them). */
    boolean usableBy(McpState state, Principal principal);

    void initialize(McpExchange ex, JsonRpcMessage request);

    void request(McpExchange ex, JsonRpcMessage request);

    void notification(McpExchange ex, JsonRpcMessage notification);

    /** A client's response to a server-to-client request (sampling, elicitation, roots). */
    void response(McpExchange ex, JsonRpcMessage response);

    /** The GET stream, resumed after {@code lastEventId} when not null. */
    void stream(McpExchange ex, String lastEventId);

    void delete(McpExchange ex);
}
