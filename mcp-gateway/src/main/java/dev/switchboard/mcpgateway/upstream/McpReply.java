package dev.switchboard.mcpgateway.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How an upstream answered one JSON-RPC request: the response {@code message} (null when the upstream closed its
 * stream after events with ids, so that the client resumes with {@code Last-Event-ID}), the SSE {@code eventId} it came
 * with (null for a JSON answer), and the {@code Mcp-Session-Id} the upstream set (on {@code initialize}).
 */
public record McpReply(ObjectNode message, String eventId, String upstreamSessionId) {

    public static McpReply of(ObjectNode message) {
        return new McpReply(message, null, null);
    }

    public boolean closedForResumption() {
        return message == null;
    }

    public boolean isError() {
        return message != null && message.has("error");
    }

    public McpReply withMessage(ObjectNode next) {
        return new McpReply(next, eventId, upstreamSessionId);
    }
}
