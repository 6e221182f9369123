package dev.switchboard.mcpgateway.approval;

import dev.switchboard.model.access.Principal;
import dev.switchboard.model.access.ToolGrant;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.config.Team;
import dev.switchboard.model.config.ToolPolicy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may approve a call of one tool, and how to ask: the policies of the caller's grant that list the tool in
 * {@code require_approval} give their {@code approvers} (all of them may decide), and the call is put to the caller in
 * their client only when every one of those policies says {@code approval: elicitation} (an approver's decision is
 * the stronger check, so it wins when the policies disagree).
 */
public record ApprovalRule(List<SubjectRef> approvers, boolean elicitation) {

    public static ApprovalRule of(ToolGrant grant, String tool) {
        Set<SubjectRef> approvers = new LinkedHashSet<>();
        boolean elicitation = true;
        for (ToolPolicy p : grant.policies()) {
            if (new ToolGrant(grant.server(), List.of(p)).requiresApproval(tool)) {
                approvers.addAll(p.approvers());
                elicitation &= p.approval() == ToolPolicy.Approval.ELICITATION;
            }
        }
        return new ApprovalRule(List.copyOf(approvers), elicitation && !grant.policies().isEmpty());
    }

    /**
     * Whether {@code who} may decide {@code pending}: they are, or belong to a team (in the config, or claimed by their
     * token) that is, one of its approvers, and they did not make the call themselves.
     */
    public static boolean mayDecide(SwitchboardConfig config, Principal who, PendingApproval pending) {
        if (who.subject().equals(pending.call().subject())) {
            return false;
        }
        for (SubjectRef approver : pending.approvers()) {
            if (actsAs(config, who, approver)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code who} is an approver of some tool policy of the config: the approval API is theirs. */
    public static boolean isApprover(SwitchboardConfig config, Principal who) {
        for (ToolPolicy p : config.toolPolicies()) {
            for (SubjectRef approver : p.approvers()) {
                if (actsAs(config, who, approver)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean actsAs(SwitchboardConfig config, Principal who, SubjectRef ref) {
        if (ref.equals(who.subject())) {
            return true;
        }
        if (ref.kind() != SubjectRef.Kind.TEAM) {
            return false;
        }
        if (who.claimedTeams().contains(ref.name())) {
            return true;
        }
        if (who.subject().kind() != SubjectRef.Kind.USER) {
            return false;
        }
        for (Team team : config.teams()) {
            if (team.name().equals(ref.name()) && team.members().contains(who.subject().name())) {
                return true;
            }
        }
        return false;
    }
}
