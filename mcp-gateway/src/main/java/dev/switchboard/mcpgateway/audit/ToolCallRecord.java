package dev.switchboard.mcpgateway.audit;

import java.time.Instant;
import java.util.List;

/**
 * What the audit trail keeps of one tool call: who called which tool of which server, through which endpoint and
 * session, how it ended and how long the gateway held it; what went to the upstream and what came back to the caller
 * (size-capped, as the guardrails left them); each guardrail's verdict; and the approval, if the tool needed one.
 * Never a credential.
 *
 * @param outcome    {@code ok}, {@code tool_error} (a result with {@code isError} from the upstream), {@code error} (a
 *                   JSON-RPC error of the upstream), {@code refused} (by the access check, with the reason in
 *                   {@code error}), {@code blocked} (by a pre-tool guardrail: the upstream never saw the call),
 *                   {@code result_blocked} (a post-tool guardrail replaced the upstream's result), {@code denied}
 *                   (by an approver, by the caller in their client, or for want of an approver),
 *                   {@code approval_timeout}, {@code cancelled} (the caller left while the call waited for approval),
 *                   {@code upstream_failed}, {@code timeout}, or {@code resumable} (the upstream closed its stream for
 *                   the client to resume)
 * @param request    the tool's {@code arguments} as they went to the upstream (after pre-tool redaction)
 * @param response   the {@code result} (or {@code error}) as it went back to the caller (after post-tool redaction)
 * @param guardrails every verdict, pre-tool ones first, each in the order the guardrails ran
 * @param approval   the approval the call waited for, or null
 */
public record ToolCallRecord(Instant at, String requestId, String sessionId, String subject, String credential,
                             String endpoint, String server, String tool, long latencyMicros, String outcome,
                             String error, Payload request, Payload response, List<GuardrailVerdict> guardrails,
                             Approval approval) {

    public ToolCallRecord {
        guardrails = guardrails == null ? List.of() : List.copyOf(guardrails);
    }

    /**
     * A JSON payload as recorded: its text, cut to at most {@link AuditPayloads#MAX_BYTES} UTF-8 bytes when longer
     * ({@code truncated}, and then no longer valid JSON). {@code withheld} names why there is no
     * text: {@code not_inspected} (the call was refused before the pre-tool guardrails ran), {@code guardrail_finding}
     * (a guardrail found something it did not redact, or blocked on it), {@code none} (there was nothing, e.g. a call
     * that never reached the upstream has no upstream response).
     */
    public record Payload(String json, boolean truncated, String withheld) {

        public static Payload withheld(String why) {
            return new Payload(null, false, why);
        }
    }

    /**
     * One guardrail's verdict at one hook ({@code mcp_pre_tool}, {@code mcp_post_tool}): its name, type and mode,
     * the outcome ({@code pass}, {@code violation}, {@code redacted}, {@code error}, {@code timeout}), whether it
     * blocked, the reason (never the sensitive value) and how long it took.
     */
    public record GuardrailVerdict(String hook, String guardrail, String type, String mode, String outcome,
                                   boolean blocked, String reason, long micros) {
    }

    /**
     * The approval a call waited for: its id, how it was asked ({@code api} or {@code elicitation}), the decision
     * ({@code approved}, {@code denied}, {@code timeout}, {@code cancelled}), who decided ({@code user:bob}; the caller
     * for an elicitation; null for a timeout), when, with what reason, and how long the call waited.
     */
    public record Approval(String id, String channel, String decision, String decidedBy, Instant decidedAt,
                           String reason, long waitedMillis) {
    }
}
