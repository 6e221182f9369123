package dev.switchboard.mcpgateway.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.model.access.Principal;
import dev.switchboard.model.access.ToolAccess;
import dev.switchboard.model.access.ToolGrant;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.SwitchboardConfig;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who approves a tool, how the call is put to them, and who may decide a held call. */
class ApprovalRuleTest {

    private final SwitchboardConfig config = ConfigCodec.readYaml("""
            users: [{name: erin}, {name: dave}, {name: bob}, {name: fay}]
            teams: [{name: approvers, members: [dave]}]
            service_accounts: [{name: ci}]
            mcp_servers: [{name: db, url: "http://127.0.0.1:1/mcp"}]
            tool_policies:
              - {name: p1, subjects: [user:erin], server: db, require_approval: ["drop_*", wipe], approvers: [team:approvers]}
              - {name: p2, subjects: [user:erin], server: db, require_approval: [wipe], approvers: [user:fay],
                 approval: elicitation}
              - {name: p3, subjects: [user:erin], server: db, require_approval: [ask], approval: elicitation}
              - {name: p4, subjects: [service_account:ci], server: db, require_approval: [wipe], approvers: [user:erin]}
            """);

    private final ToolGrant erins = ToolAccess.of(config).grant(SubjectRef.user("erin"), List.of(), "db");

    private static Principal who(String subject, String... claimedTeams) {
        return new Principal(SubjectRef.parse(subject), List.of(claimedTeams), "test");
    }

    private static PendingApproval pending(String caller, List<SubjectRef> approvers) {
        return new PendingApproval("id", new PendingApproval.Call(SubjectRef.parse(caller), "k", "db", "db", "wipe", "s"),
                JsonNodeFactory.instance.objectNode(), approvers, Channel.API, Instant.EPOCH, Instant.EPOCH);
    }

    @Test
    void theApproversOfEveryPolicyThatHoldsTheToolMayDecide() {
        assertEquals(new ApprovalRule(List.of(SubjectRef.team("approvers"), SubjectRef.user("fay")), false),
                ApprovalRule.of(erins, "wipe"));
        assertEquals(new ApprovalRule(List.of(SubjectRef.team("approvers")), false), ApprovalRule.of(erins, "drop_table"));
    }

    @Test
    void theCallerIsAskedOnlyWhenEveryPolicyThatHoldsTheToolSaysElicitation() {
        assertTrue(ApprovalRule.of(erins, "ask").elicitation());
        assertFalse(ApprovalRule.of(erins, "wipe").elicitation(), "p1 says api: the approver wins");
        assertEquals(List.of(), ApprovalRule.of(erins, "ask").approvers());
    }

    @Test
    void aMemberOfAnApproverTeamMayDecideInTheConfigOrByTheirTokensClaim() {
        PendingApproval p = pending("user:erin", List.of(SubjectRef.team("approvers")));
        assertTrue(ApprovalRule.mayDecide(config, who("user:dave"), p));
        assertTrue(ApprovalRule.mayDecide(config, who("user:bob", "approvers"), p));
        assertFalse(ApprovalRule.mayDecide(config, who("user:bob"), p));
        assertFalse(ApprovalRule.mayDecide(config, who("service_account:ci"), p));
    }

    @Test
    void nobodyDecidesTheirOwnCall() {
        PendingApproval p = pending("user:dave", List.of(SubjectRef.team("approvers")));
        assertFalse(ApprovalRule.mayDecide(config, who("user:dave"), p));
    }

    @Test
    void anApproverIsWhoeverSomePolicyNames() {
        assertTrue(ApprovalRule.isApprover(config, who("user:dave")));
        assertTrue(ApprovalRule.isApprover(config, who("user:fay")));
        assertTrue(ApprovalRule.isApprover(config, who("user:erin")));
        assertFalse(ApprovalRule.isApprover(config, who("user:bob")));
    }
}
