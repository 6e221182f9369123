package dev.switchboard.mcpgateway.approval;

import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.mcpgateway.pipeline.CallContext;
import dev.switchboard.mcpgateway.pipeline.ClientFeatures;
import dev.switchboard.mcpgateway.pipeline.ToolCall;
import dev.switchboard.mcpgateway.pipeline.ToolCallInterceptor;
import dev.switchboard.mcpgateway.pipeline.ToolRefusals;
import dev.switchboard.mcpgateway.upstream.McpReply;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * Holds a call of a tool in its caller's {@code require_approval} until a person decides ({@link ApprovalRule}): an
 * approver through the approval API, or the caller in their client ({@link Elicitation}) when the policies ask for
 * that and the client declared the capability. Approved, the call goes on; denied, timed out or with nobody to ask, it
 * ends here with an {@code isError} result naming the approval, and the tool never runs. The decision goes into the
 * call's audit record.
 */
public final class ApprovalStep implements ToolCallInterceptor {

    private final Approvals approvals;

    public ApprovalStep(Approvals approvals) {
        this.approvals = approvals;
    }

    @Override
    public Future<McpReply> intercept(ToolCall call, Chain chain) {
        if (!call.grant().requiresApproval(call.tool())) {
            return chain.proceed(call);
        }
        ApprovalRule rule = ApprovalRule.of(call.grant(), call.tool());
        boolean elicit = rule.elicitation() && ClientFeatures.elicitsForms(call.session());
        if (!elicit && rule.approvers().isEmpty()) {
            call.notes().answered("denied", "approval_unavailable");
            return Future.succeededFuture(ToolRefusals.noApprover(call));
        }
        PendingApproval pending = approvals.open(new PendingApproval.Call(call.principal().subject(),
                        call.principal().credential(), call.endpoint(), call.server(), call.tool(), call.sessionId()),
                call.arguments(), rule.approvers(), elicit ? Channel.ELICITATION : Channel.API);
        call.reply().onGone(() -> approvals.cancel(pending.id()));
        if (elicit) {
            Elicitation.ask(call, pending);
        }
        return CallContext.resume(pending.decision()).compose(decision -> {
            call.notes().approval(new ToolCallRecord.Approval(pending.id(), pending.channel().wire(),
                    decision.outcome().wire(), decision.decidedBy(), decision.at(), decision.reason(),
                    Duration.between(pending.createdAt(), decision.at()).toMillis()));
            return switch (decision.outcome()) {
                case APPROVED -> chain.proceed(call);
                case DENIED -> {
                    call.notes().answered("denied", "approval_denied");
                    yield Future.succeededFuture(ToolRefusals.approvalDenied(call, pending.id(),
                            decision.decidedBy(), decision.reason()));
                }
                case TIMEOUT -> {
                    call.notes().answered("approval_timeout", "approval_timeout");
                    yield Future.succeededFuture(ToolRefusals.approvalTimedOut(call, pending.id(),
                            approvals.timeout()));
                }
                case CANCELLED -> {
                    call.notes().answered("cancelled", "approval_cancelled");
                    yield Future.succeededFuture(ToolRefusals.cancelled(call, pending.id()));
                }
            };
        });
    }
}
