package dev.switchboard.model.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.SwitchboardConfig;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ToolAccessTest {

    private final SwitchboardConfig config = ConfigCodec.readYaml("""
            mcp_servers:
              - {name: github, url: "http://127.0.0.1:1/mcp"}
              - {name: sql, url: "http://127.0.0.1:2/mcp"}
            users:
              - {name: alice}
              - {name: bob}
            teams:
              - {name: analysts, members: [alice]}
            service_accounts:
              - {name: ci}
            tool_policies:
              - name: analysts-read
                subjects: [team:analysts]
                server: github
                allow: [search_issues, "get_*"]
                require_approval: [get_secret]
              - name: bob-everything-but-delete
                subjects: [user:bob]
                server: github
                deny: [delete_repository]
              - name: ci-no-gets
                subjects: [service_account:ci]
                server: github
                deny: ["get_*"]
              - name: ci-sql
                subjects: [service_account:ci]
                server: sql
            """);
    private final ToolAccess access = ToolAccess.of(config);

    @Test
    void aTeamMemberHoldsTheTeamsPolicy() {
        ToolGrant alice = access.grant(SubjectRef.user("alice"), List.of(), "github");
        assertTrue(alice.usable());
        assertTrue(alice.allows("search_issues"));
        assertTrue(alice.allows("get_issue"));
        assertFalse(alice.allows("create_issue"));
    }

    @Test
    void anEmptyAllowListAllowsEveryToolButTheDenied() {
        ToolGrant bob = access.grant(SubjectRef.user("bob"), List.of(), "github");
        assertTrue(bob.allows("create_issue"));
        assertFalse(bob.allows("delete_repository"));
    }

    @Test
    void aDenyWinsOverAnotherPolicysAllow() {
        ToolGrant ci = access.grant(SubjectRef.serviceAccount("ci"), List.of("analysts"), "github");
        assertTrue(ci.allows("search_issues"));
        assertFalse(ci.allows("get_issue"));
    }

    @Test
    void teamsClaimedByATokenCountLikeConfiguredTeams() {
        ToolGrant stranger = access.grant(SubjectRef.user("carol@example.com"), List.of("analysts"), "github");
        assertTrue(stranger.allows("search_issues"));
    }

    @Test
    void noPolicyMeansNoAccessToTheServer() {
        ToolGrant bobOnSql = access.grant(SubjectRef.user("bob"), List.of(), "sql");
        assertFalse(bobOnSql.usable());
        assertFalse(bobOnSql.allows("query"));
        assertFalse(access.grant(SubjectRef.user("alice"), List.of(), "unknown").usable());
    }

    @Test
    void usableServersAreThoseWithAPolicyForTheCaller() {
        assertEquals(Set.of("github", "sql"), access.usableServers(SubjectRef.serviceAccount("ci"), List.of()));
        assertEquals(Set.of("github"), access.usableServers(SubjectRef.user("alice"), List.of()));
        assertEquals(Set.of(), access.usableServers(SubjectRef.user("nobody"), List.of()));
    }

    @Test
    void approvalIsRequiredOnlyForTheListedTools() {
        ToolGrant alice = access.grant(SubjectRef.user("alice"), List.of(), "github");
        assertTrue(alice.requiresApproval("get_secret"));
        assertFalse(alice.requiresApproval("get_issue"));
    }

    @Test
    void globsMatchAnyRunOfCharacters() {
        assertTrue(ToolGrant.globMatches("*", ""));
        assertTrue(ToolGrant.globMatches("get_*", "get_"));
        assertTrue(ToolGrant.globMatches("*_issue*", "get_issue_comments"));
        assertTrue(ToolGrant.globMatches("a*b*c", "aXXbYYc"));
        assertFalse(ToolGrant.globMatches("get_*", "forget_it"));
        assertFalse(ToolGrant.globMatches("a*b", "aXXbY"));
        assertFalse(ToolGrant.globMatches("search", "search_issues"));
    }

    @Test
    void resourcesAndPromptsFollowTheSameRuleAsTools() {
        ToolAccess docs = ToolAccess.of(ConfigCodec.readYaml("""
                mcp_servers: [{name: docs, url: "http://127.0.0.1:1/mcp"}]
                users: [{name: alice}, {name: bob}]
                teams: [{name: analysts, members: [alice]}]
                tool_policies:
                  - name: analysts-docs
                    subjects: [team:analysts]
                    server: docs
                    allow: [search]
                    allow_resources: ["file:///public/*", "db://reports/{id}"]
                    deny_resources: ["file:///public/secret*"]
                    allow_prompts: ["summarize*"]
                  - name: alice-no-drafts
                    subjects: [user:alice]
                    server: docs
                    allow: [fetch]
                    allow_prompts: ["summarize*"]
                    deny_prompts: [summarize-draft]
                    allow_resources: ["file:///public/*"]
                  - name: bob-tools-only
                    subjects: [user:bob]
                    server: docs
                    allow: [search]
                """));
        ToolGrant alice = docs.grant(SubjectRef.user("alice"), List.of(), "docs");
        assertTrue(alice.allowsResource("file:///public/a/b.md"), "* spans slashes");
        assertTrue(alice.allowsResource("db://reports/{id}"), "a template is matched by its text");
        assertFalse(alice.allowsResource("file:///public/secret-plan.md"), "a deny wins");
        assertFalse(alice.allowsResource("file:///private/x"));
        assertTrue(alice.allowsPrompt("summarize"));
        assertFalse(alice.allowsPrompt("summarize-draft"), "a deny of another policy wins");
        assertFalse(alice.allowsPrompt("translate"));
        ToolGrant bob = docs.grant(SubjectRef.user("bob"), List.of(), "docs");
        assertTrue(bob.allowsResource("anything://at/all") && bob.allowsPrompt("any"),
                "a policy without resource or prompt lists allows them all, as an empty allow does for tools");
        assertFalse(docs.grant(SubjectRef.user("carol"), List.of(), "docs").allowsResource("file:///public/a"));
    }
}
