package dev.switchboard.mcpgateway.guardrail;

import dev.switchboard.mcpgateway.support.FakeMcpServer;
import dev.switchboard.mcpgateway.support.FakeWebhook;
import dev.switchboard.mcpgateway.support.GovernedGateway;
import dev.switchboard.model.config.ApiKey;
import java.time.Duration;
import java.util.List;

/**
 * The world of the guardrail, approval and audit tests: the fake MCP server {@code gamma}, a fake webhook service, and
 * a gateway whose config puts guardrails on gamma's tools and approvals on some of them.
 *
 * <ul>
 *   <li>erin may call every tool of gamma; {@code wipe} needs an approver's approval, {@code ask_wipe} her own in her
 *       client (elicitation), {@code orphan} an approval nobody can give;</li>
 *   <li>dave approves, as a member of the team {@code approvers}; bob may call gamma's {@code echo} only and approves
 *       nothing.</li>
 * </ul>
 */
final class GovernedFixture implements AutoCloseable {

    static final String ERIN_KEY = "sk-sb-guard-erin-00000000000";
    static final String DAVE_KEY = "sk-sb-guard-dave-00000000000";
    static final String BOB_KEY = "sk-sb-guard-bob-000000000000";
    static final String CARD = "4111 1111 1111 1111";
    static final String EMAIL = "carol@example.com";
    static final String AWS_KEY = "AKIAIOSFODNN7EXAMPLE";

    static final List<String> TOOLS = List.of("run_sql", "lookup", "leak", "peek", "wipe", "ask_wipe", "orphan",
            "wh_enforce", "wh_ignore", "wh_slow_enforce", "wh_slow_ignore", "wh_audit", "wh_violation", "wh_rewrite");

    final FakeMcpServer gamma;
    final FakeWebhook webhook;
    final GovernedGateway gateway;

    GovernedFixture(Duration approvalTimeout) {
        gamma = FakeMcpServer.start("gamma");
        TOOLS.forEach(gamma::addTool);
        webhook = FakeWebhook.start();
        gateway = new GovernedGateway(config(), approvalTimeout);
    }

    String config() {
        return """
                users:
                  - {name: erin, email: erin@example.com}
                  - {name: dave, email: dave@example.com}
                  - {name: bob, email: bob@example.com}
                teams:
                  - {name: approvers, members: [dave]}
                api_keys:
                  - {name: erin-key, subject: user:erin, key_hash: %s}
                  - {name: dave-key, subject: user:dave, key_hash: %s}
                  - {name: bob-key, subject: user:bob, key_hash: %s}
                mcp_servers:
                  - {name: gamma, url: "%s"}
                virtual_mcp_servers:
                  - {name: ops, tools: [gamma/echo, gamma/ask_wipe]}
                guardrails:
                  - name: sql-read-only
                    type: sql
                    hooks: [mcp_pre_tool]
                    mcp_servers: [gamma]
                    tools: [run_sql]
                    sql: {argument: query, read_only: true}
                  - name: pii-in
                    type: pii
                    hooks: [mcp_pre_tool]
                    tools: [gamma/echo, gamma/wipe, gamma/ask_wipe]
                    pii: {detect: [email, card], redact: mask}
                  - name: pii-out
                    type: pii
                    hooks: [mcp_post_tool]
                    mcp_servers: [gamma]
                    tools: [lookup]
                    pii: {detect: [email, card], redact: mask}
                  - name: no-secrets-out
                    type: secrets
                    hooks: [mcp_post_tool]
                    mcp_servers: [gamma]
                    tools: [leak]
                    secrets: {detect: [aws_access_key]}
                  - name: pii-watch
                    type: pii
                    mode: audit
                    hooks: [mcp_post_tool]
                    mcp_servers: [gamma]
                    tools: [peek]
                    pii: {detect: [email]}
                  - {name: hook-enforce-error, type: webhook, mode: enforce, hooks: [mcp_pre_tool], tools: [wh_enforce],
                     webhook: {url: "%s"}}
                  - {name: hook-ignore-error, type: webhook, mode: enforce_but_ignore_on_error, hooks: [mcp_pre_tool],
                     tools: [wh_ignore], webhook: {url: "%s"}}
                  - {name: hook-enforce-timeout, type: webhook, mode: enforce, hooks: [mcp_pre_tool],
                     tools: [wh_slow_enforce], webhook: {url: "%s", timeout_ms: 300}}
                  - {name: hook-ignore-timeout, type: webhook, mode: enforce_but_ignore_on_error, hooks: [mcp_pre_tool],
                     tools: [wh_slow_ignore], webhook: {url: "%s", timeout_ms: 300}}
                  - {name: hook-audit, type: webhook, mode: audit, hooks: [mcp_pre_tool], tools: [wh_audit],
                     webhook: {url: "%s"}}
                  - {name: hook-violation, type: webhook, mode: enforce_but_ignore_on_error, hooks: [mcp_pre_tool],
                     tools: [wh_violation], webhook: {url: "%s"}}
                  - {name: hook-rewrite, type: webhook, hooks: [mcp_pre_tool], tools: [wh_rewrite],
                     webhook: {url: "%s"}}
                tool_policies:
                  - name: erin-gamma
                    subjects: [user:erin]
                    server: gamma
                    require_approval: [wipe]
                    approvers: [team:approvers]
                  - name: erin-gamma-ask
                    subjects: [user:erin]
                    server: gamma
                    allow: [ask_wipe]
                    require_approval: [ask_wipe]
                    approval: elicitation
                    approvers: [team:approvers]
                  - {name: erin-orphan, subjects: [user:erin], server: gamma, allow: [orphan], require_approval: [orphan]}
                  - {name: bob-gamma, subjects: [user:bob], server: gamma, allow: [echo]}
                """.formatted(ApiKey.hashOf(ERIN_KEY), ApiKey.hashOf(DAVE_KEY), ApiKey.hashOf(BOB_KEY), gamma.url(),
                webhook.url("/status/500"), webhook.url("/status/500"), webhook.url("/slow"), webhook.url("/slow"),
                webhook.url("/violation"), webhook.url("/violation"), webhook.url("/rewrite"));
    }

    @Override
    public void close() {
        gateway.close();
        webhook.close();
        gamma.close();
    }
}
