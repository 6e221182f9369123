package dev.switchboard.mcpgateway.pipeline;

import dev.switchboard.mcpgateway.audit.AuditBuffer;
import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.upstream.McpReply;
import io.vertx.core.Future;
import java.time.Clock;

/** Records every tool call, however it ends (refused ones too), into the bounded audit buffer; never blocks it. */
public final class ToolCallAudit implements ToolCallInterceptor {

    private final AuditBuffer buffer;
    private final Clock clock;

    public ToolCallAudit(AuditBuffer buffer, Clock clock) {
        this.buffer = buffer;
        this.clock = clock;
    }

    @Override
    public Future<McpReply> intercept(ToolCall call, Chain chain) {
        return chain.proceed(call).onComplete(ar -> {
            String outcome;
            String error = null;
            if (ar.succeeded()) {
                McpReply reply = ar.result();
                if (reply.closedForResumption()) {
                    outcome = "resumable";
                } else if (reply.isError()) {
                    outcome = "error";
                    error = reply.message().path("error").path("message").asText(null);
                } else {
                    outcome = reply.message().path("result").path("isError").asBoolean(false) ? "tool_error" : "ok";
                }
            } else if (ar.cause() instanceof McpError e) {
                outcome = switch (e.reason()) {
                    case "upstream_timeout" -> "timeout";
                    case "upstream_failed", "session_not_found" -> "upstream_failed";
                    default -> "refused";
                };
                error = e.reason();
            } else {
                outcome = "upstream_failed";
                error = "internal_error";
            }
            long micros = (System.nanoTime() - call.startNanos()) / 1000;
            buffer.offer(new ToolCallRecord(clock.instant(), call.requestId(), call.sessionId(),
                    call.principal().subject().toString(), call.principal().credential(), call.endpoint(),
                    call.server(), call.tool(), micros, outcome, error));
        });
    }
}
