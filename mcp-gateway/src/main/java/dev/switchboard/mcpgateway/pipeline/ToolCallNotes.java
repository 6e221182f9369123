package dev.switchboard.mcpgateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.guardrail.GuardrailResult;
import dev.switchboard.model.guardrail.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * What the steps of one tool call learned about it, for its audit record and its span: the guardrails' verdicts, the
 * arguments as the pre-tool guardrails let them go, whether a payload must be withheld from the record, the approval,
 * and the outcome when a step answered the call itself. One per call, written and read on the call's event loop only.
 */
public final class ToolCallNotes {

    private List<ToolCallRecord.GuardrailVerdict> verdicts = List.of();
    private boolean argumentsInspected;
    private JsonNode arguments;
    private boolean argumentsWithheld;
    private boolean responseWithheld;
    private String outcome;
    private String reason;
    private ToolCallRecord.Approval approval;

    /** The pre-tool guardrails have seen the call (none may have applied) and let {@code sent} go, or blocked it. */
    public void preTool(GuardrailResult result, JsonNode sent) {
        argumentsInspected = true;
        arguments = sent;
        if (result != null) {
            add(Guardrail.Hook.MCP_PRE_TOOL, result.verdicts());
            argumentsWithheld = result.blocked() || anyViolation(result.verdicts());
        }
    }

    public void postTool(GuardrailResult result) {
        add(Guardrail.Hook.MCP_POST_TOOL, result.verdicts());
        responseWithheld = anyViolation(result.verdicts()) && !result.blocked();
    }

    /** A step answered the call itself: {@code outcome} as {@link ToolCallRecord#outcome()} names it. */
    public void answered(String outcome, String reason) {
        this.outcome = outcome;
        this.reason = reason;
    }

    public void approval(ToolCallRecord.Approval approval) {
        this.approval = approval;
    }

    public List<ToolCallRecord.GuardrailVerdict> verdicts() {
        return verdicts;
    }

    /**
     * The arguments to record: null when the call was refused before the pre-tool guardrails saw it
     * ({@code withheldArguments} says why).
     */
    public JsonNode arguments() {
        return argumentsInspected && !argumentsWithheld ? arguments : null;
    }

    /** Why {@link #arguments()} is null, or null when it is not. */
    public String withheldArguments() {
        if (!argumentsInspected) {
            return "not_inspected";
        }
        return argumentsWithheld ? "guardrail_finding" : null;
    }

    /** A post-tool guardrail found something in the result that it neither redacted nor blocked (audit mode). */
    public boolean responseWithheld() {
        return responseWithheld;
    }

    public String outcome() {
        return outcome;
    }

    public String reason() {
        return reason;
    }

    public ToolCallRecord.Approval approval() {
        return approval;
    }

    private void add(Guardrail.Hook hook, List<Verdict> found) {
        if (found.isEmpty()) {
            return;
        }
        List<ToolCallRecord.GuardrailVerdict> all = new ArrayList<>(verdicts);
        String hookName = hook == Guardrail.Hook.MCP_PRE_TOOL ? "mcp_pre_tool" : "mcp_post_tool";
        for (Verdict v : found) {
            all.add(new ToolCallRecord.GuardrailVerdict(hookName, v.guardrail(), wire(v.type()), wire(v.mode()),
                    v.outcome().name().toLowerCase(), v.blocked(), v.reason(), v.nanos() / 1000));
        }
        verdicts = List.copyOf(all);
    }

    /** A guardrail found something and left it in the payload (a violation that audit mode let through, or blocked). */
    private static boolean anyViolation(List<Verdict> verdicts) {
        for (Verdict v : verdicts) {
            if (v.outcome() == Verdict.Outcome.VIOLATION) {
                return true;
            }
        }
        return false;
    }

    /** The config's spelling of an enum constant ({@code ENFORCE_BUT_IGNORE_ON_ERROR} → {@code enforce_but_ignore_on_error}). */
    private static String wire(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase();
    }
}
