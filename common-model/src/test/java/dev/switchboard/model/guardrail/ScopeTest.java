package dev.switchboard.model.guardrail;

import static dev.switchboard.model.guardrail.Fixtures.compile;
import static dev.switchboard.model.guardrail.Fixtures.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.access.Principal;
import dev.switchboard.model.config.Guardrail.Hook;
import dev.switchboard.model.config.SubjectRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a guardrail applies: hooks, model patterns, MCP servers and tools, subjects with their teams. */
class ScopeTest {

    private static boolean llm(Guardrails g, String model) {
        return g.applies(Hook.LLM_INPUT, GuardScope.llm(user("bob"), model));
    }

    private static boolean tool(Guardrails g, Principal who, String server, String tool) {
        return g.applies(Hook.MCP_PRE_TOOL, GuardScope.tool(who, server, tool));
    }

    private static Guardrails one(String scope) {
        return compile("- {name: g, type: regex, hooks: [llm_input, mcp_pre_tool], regex: {deny: [x]}, " + scope + "}");
    }

    @Test
    void onlyAtItsHooks() {
        Guardrails g = compile("- {name: g, type: regex, hooks: [llm_output], regex: {deny: [x]}}");
        assertTrue(g.applies(Hook.LLM_OUTPUT, GuardScope.llm(user("bob"), "openai-main/gpt-4o")));
        assertFalse(g.applies(Hook.LLM_INPUT, GuardScope.llm(user("bob"), "openai-main/gpt-4o")));
        assertFalse(g.applies(Hook.MCP_POST_TOOL, GuardScope.tool(user("bob"), "github", "search")));
    }

    @Test
    void modelPatternsAsInAccessRules() {
        Guardrails g = one("models: ['openai-main/*', anthropic-main/claude-sonnet-4-5, assistant]");
        assertTrue(llm(g, "openai-main/gpt-4o"));
        assertTrue(llm(g, "openai-main/gpt-4o-mini"));
        assertTrue(llm(g, "anthropic-main/claude-sonnet-4-5"));
        assertTrue(llm(g, "assistant"));
        assertFalse(llm(g, "anthropic-main/claude-opus"));
        assertFalse(llm(g, "openai-mainframe/gpt-4o"));
        assertFalse(llm(g, null));
        assertTrue(llm(one("models: ['*']"), "anything"));
        assertTrue(llm(one("models: []"), "anything"));
    }

    @Test
    void aVirtualModelIsGuardedByTheGuardrailsOfTheModelsItRoutesTo() {
        Guardrails openAi = one("models: ['openai-main/*']");
        assertTrue(llm(openAi, "assistant"), "assistant may route to openai-main/gpt-4o-mini");
        assertFalse(llm(openAi, "claude-only"));
        Guardrails claude = one("models: [anthropic-main/claude-sonnet-4-5]");
        assertTrue(llm(claude, "assistant"));
        assertTrue(llm(claude, "claude-only"));
        assertFalse(llm(claude, "openai-main/gpt-4o-mini"));
    }

    @Test
    void modelsNarrowOnlyTheLlmHooksAndServersOnlyTheMcpHooks() {
        Guardrails g = one("models: ['openai-main/*'], mcp_servers: [warehouse]");
        assertTrue(tool(g, user("bob"), "warehouse", "run_query"));
        assertFalse(tool(g, user("bob"), "github", "run_query"));
        assertTrue(llm(g, "openai-main/gpt-4o"));
        assertFalse(llm(g, "anthropic-main/claude-sonnet-4-5"));
    }

    @Test
    void toolsByNameOrByServerAndName() {
        Guardrails g = one("tools: [run_query, github/create_issue]");
        assertTrue(tool(g, user("bob"), "warehouse", "run_query"));
        assertTrue(tool(g, user("bob"), "github", "run_query"));
        assertTrue(tool(g, user("bob"), "github", "create_issue"));
        assertFalse(tool(g, user("bob"), "warehouse", "create_issue"));
        assertFalse(tool(g, user("bob"), "warehouse", null));
    }

    @Test
    void subjectsMatchTheCallerTheirConfigTeamsAndClaimedTeams() {
        Guardrails g = one("subjects: [user:bob, team:analysts, service_account:ci-bot]");
        assertTrue(tool(g, user("bob"), "warehouse", "q"));
        assertTrue(tool(g, user("alice"), "warehouse", "q"), "alice is in analysts in the config");
        assertFalse(tool(g, user("carol"), "warehouse", "q"));
        assertTrue(tool(g, user("carol", "analysts"), "warehouse", "q"), "carol's token claims analysts");
        assertFalse(tool(g, user("carol", "dba"), "warehouse", "q"));
        assertTrue(tool(g, new Principal(SubjectRef.serviceAccount("ci-bot"), List.of(), "k"), "warehouse", "q"));
        assertFalse(tool(g, new Principal(SubjectRef.team("dba"), List.of(), "k"), "warehouse", "q"));
        assertFalse(tool(g, null, "warehouse", "q"));
        assertTrue(tool(one("subjects: []"), null, "warehouse", "q"));
    }

    @Test
    void checkRunsOnlyTheGuardrailsThatApply() {
        Guardrails g = compile("""
                - {name: for-openai, type: regex, hooks: [llm_input], models: ['openai-main/*'], regex: {deny: [x]}}
                - {name: for-all, type: regex, hooks: [llm_input], regex: {deny: [y]}}
                """);
        GuardrailResult r = Fixtures.run(g, Hook.LLM_INPUT, GuardScope.llm(user("bob"), "anthropic-main/claude-sonnet-4-5"),
                Fixtures.json("\"x\""));
        assertEquals(List.of("for-all"), r.verdicts().stream().map(Verdict::guardrail).toList());
        assertFalse(r.blocked());
    }

    @Test
    void appliesAllocatesNothing() {
        Guardrails g = compile("""
                - {name: a, type: regex, hooks: [mcp_pre_tool], mcp_servers: [github], regex: {deny: [x]}}
                - {name: b, type: regex, hooks: [mcp_pre_tool], tools: [github/search], regex: {deny: [x]}}
                - {name: c, type: regex, hooks: [mcp_pre_tool], subjects: [team:dba], regex: {deny: [x]}}
                - {name: d, type: regex, hooks: [llm_input], models: ['openai-main/*', assistant], regex: {deny: [x]}}
                """);
        GuardScope miss = GuardScope.tool(user("alice", "qa"), "warehouse", "run_query");
        GuardScope llmMiss = GuardScope.llm(user("alice", "qa"), "anthropic-main/claude-sonnet-4-5");
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        boolean any = false;
        for (int i = 0; i < 200_000; i++) {
            any |= g.applies(Hook.MCP_PRE_TOOL, miss) | g.applies(Hook.LLM_INPUT, llmMiss);
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            any |= g.applies(Hook.MCP_PRE_TOOL, miss) | g.applies(Hook.LLM_INPUT, llmMiss);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertFalse(any);
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes in 200,000 calls");
    }
}
