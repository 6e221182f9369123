package dev.switchboard.model.guardrail;

import static dev.switchboard.model.guardrail.Fixtures.compile;
import static dev.switchboard.model.guardrail.Fixtures.json;
import static dev.switchboard.model.guardrail.Fixtures.run;
import static dev.switchboard.model.guardrail.Fixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.config.Guardrail.Hook;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Masking and replacing findings in a copy of nested payloads; the original is never touched. */
class RedactionTest {

    private static final String RESULT = """
            {"content": [
               {"type": "text", "text": "Reach Bob at bob@example.com or +44 20 7946 0958."},
               {"type": "text", "text": "nothing here"},
               {"type": "resource", "resource": {"rows": [{"name": "Carol", "card": 4111111111111111,
                                                           "note": "AKIAIOSFODNN7EXAMPLE"}]}}],
             "isError": false}""";

    @Test
    void replaceRewritesEveryFindingInACopy() {
        Guardrails g = compile("""
                - {name: pii, type: pii, hooks: [mcp_post_tool], pii: {redact: replace}}
                - {name: keys, type: secrets, hooks: [mcp_post_tool], secrets: {redact: replace, replacement: '<key>'}}
                """);
        JsonNode original = json(RESULT);
        JsonNode before = original.deepCopy();
        GuardrailResult r = run(g, Hook.MCP_POST_TOOL, tool("warehouse", "q"), original);
        assertFalse(r.blocked());
        assertTrue(r.rewritten());
        assertEquals(json("""
                {"content": [
                   {"type": "text", "text": "Reach Bob at [REDACTED:email] or [REDACTED:phone]."},
                   {"type": "text", "text": "nothing here"},
                   {"type": "resource", "resource": {"rows": [{"name": "Carol", "card": "[REDACTED:card]",
                                                               "note": "<key>"}]}}],
                 "isError": false}"""), r.payload());
        assertEquals(before, original);
        assertEquals("redacted email at $.content[0].text, phone at $.content[0].text, "
                + "card at $.content[2].resource.rows[0].card", r.verdicts().get(0).reason());
        assertEquals("redacted aws_access_key at $.content[2].resource.rows[0].note", r.verdicts().get(1).reason());
        assertEquals(List.of(Verdict.Outcome.REDACTED, Verdict.Outcome.REDACTED),
                r.verdicts().stream().map(Verdict::outcome).toList());
    }

    @Test
    void maskTurnsEveryCharacterOfAFindingIntoAStar() {
        Guardrails g = compile("- {name: pii, type: pii, hooks: [llm_output], pii: {detect: [email, card], redact: mask}}");
        JsonNode original = json("{\"choices\":[{\"message\":{\"content\":\"a@b.io paid with 4111-1111-1111-1111\"}}]}");
        GuardrailResult r = run(g, Hook.LLM_OUTPUT, Fixtures.llm("openai-main/gpt-4o"), original);
        assertEquals("****** paid with *******************",
                r.payload().at("/choices/0/message/content").textValue());
        assertEquals("a@b.io paid with 4111-1111-1111-1111", original.at("/choices/0/message/content").textValue());
    }

    @Test
    void aStreamsAccumulatedTextIsAPlainStringPayload() {
        Guardrails g = compile("- {name: pii, type: pii, hooks: [llm_output], pii: {redact: replace}}");
        GuardrailResult r = run(g, Hook.LLM_OUTPUT, Fixtures.llm("openai-main/gpt-4o"), json("\"mail x@example.com\""));
        assertEquals(json("\"mail [REDACTED:email]\""), r.payload());
        assertEquals("redacted email at $", r.verdicts().get(0).reason());
    }

    @Test
    void regexRedactionKeepsAllowedMatches() {
        Guardrails g = compile("""
                - name: codes
                  type: regex
                  hooks: [llm_input]
                  regex: {deny: ['PRJ-\\d+'], allow: ['PRJ-0+'], redact: replace, replacement: 'PRJ-?'}
                """);
        GuardrailResult r = run(g, Hook.LLM_INPUT, Fixtures.llm("openai-main/gpt-4o"),
                json("{\"messages\":[{\"content\":\"PRJ-42 and PRJ-000 and PRJ-7\"}]}"));
        assertEquals("PRJ-? and PRJ-000 and PRJ-?", r.payload().at("/messages/0/content").textValue());
        assertEquals("redacted regex deny[0] at $.messages[0].content, regex deny[0] at $.messages[0].content",
                r.verdicts().get(0).reason());
    }

    @Test
    void auditReportsWhatItWouldRedactAndLeavesThePayload() {
        Guardrails g = compile("- {name: pii, type: pii, mode: audit, hooks: [mcp_post_tool], pii: {redact: mask}}");
        JsonNode original = json(RESULT);
        GuardrailResult r = run(g, Hook.MCP_POST_TOOL, tool("warehouse", "q"), original);
        assertSame(original, r.payload());
        assertFalse(r.blocked());
        assertFalse(r.rewritten());
        Verdict v = r.verdicts().get(0);
        assertEquals(Verdict.Outcome.VIOLATION, v.outcome());
        assertFalse(v.blocked());
        assertEquals("would redact email at $.content[0].text, phone at $.content[0].text, "
                + "card at $.content[2].resource.rows[0].card", v.reason());
    }

    @Test
    void withoutRedactionAFindingBlocksAndNothingIsRewritten() {
        Guardrails g = compile("- {name: pii, type: pii, hooks: [mcp_post_tool]}".replace("}", ", pii: {}}"));
        JsonNode original = json(RESULT);
        GuardrailResult r = run(g, Hook.MCP_POST_TOOL, tool("warehouse", "q"), original);
        assertTrue(r.blocked());
        assertSame(original, r.payload());
        assertEquals(Verdict.Outcome.VIOLATION, r.blockingVerdict().outcome());
    }

    @Test
    void nothingFoundKeepsTheSameInstance() {
        Guardrails g = compile("- {name: pii, type: pii, hooks: [mcp_post_tool], pii: {redact: replace}}");
        JsonNode clean = json("{\"content\":[{\"type\":\"text\",\"text\":\"all clear, version 1.2.3 on 2024-01-15\"}]}");
        GuardrailResult r = run(g, Hook.MCP_POST_TOOL, tool("warehouse", "q"), clean);
        assertSame(clean, r.payload());
        assertEquals(Verdict.Outcome.PASS, r.verdicts().get(0).outcome());
        assertEquals(null, r.verdicts().get(0).reason());
    }

    @Test
    void keysThatAreNotIdentifiersAreQuotedInPaths() {
        Guardrails g = compile("- {name: pii, type: pii, hooks: [mcp_pre_tool], pii: {detect: [email]}}");
        GuardrailResult r = run(g, Hook.MCP_PRE_TOOL, tool("warehouse", "q"), json("{\"e-mail's\":[\"x@example.com\"]}"));
        assertEquals("email at $['e-mail\\'s'][0]", r.verdicts().get(0).reason());
    }
}
