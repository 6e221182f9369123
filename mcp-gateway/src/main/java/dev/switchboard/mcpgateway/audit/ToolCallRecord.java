package dev.switchboard.mcpgateway.audit;

import java.time.Instant;

/**
 * What the audit trail keeps of one tool call: who called which tool of which server, through which endpoint and
 * session, how it ended and how long the gateway held it. Never a credential; arguments and results are a later
 * issue's concern (with their size caps and redaction).
 *
 * @param outcome {@code ok}, {@code tool_error} (a result with {@code isError}), {@code error} (a JSON-RPC error of
 *                the upstream), {@code refused} (by the gateway, with the reason in {@code error}),
 *                {@code upstream_failed}, {@code timeout}, or {@code resumable} (the upstream closed its stream for
 *                the client to resume)
 */
public record ToolCallRecord(Instant at, String requestId, String sessionId, String subject, String credential,
                             String endpoint, String server, String tool, long latencyMicros, String outcome,
                             String error) {
}
