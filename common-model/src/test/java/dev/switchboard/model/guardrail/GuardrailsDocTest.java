package dev.switchboard.model.guardrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.config.Guardrail.Hook;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.testsupport.DocExamples;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The YAML of docs/guardrails.md parses, and its complete example validates and does what the guide says. */
class GuardrailsDocTest {

    @Test
    void everyFragmentParsesAndItsGuardrailsCompile() {
        List<String> blocks = DocExamples.yamlBlocks("guardrails.md");
        assertTrue(blocks.size() >= 9, "blocks: " + blocks.size());
        Set<Guardrail.Type> documented = EnumSet.noneOf(Guardrail.Type.class);
        for (String block : blocks) {
            SwitchboardConfig config = ConfigCodec.readYaml(block);
            for (Guardrail g : config.guardrails()) {
                assertEquals(List.of(), GuardrailSpec.problems(g), g.name());
                documented.add(g.type());
            }
            Guardrails.compile(config, WebhookClient.UNAVAILABLE, new SecretResolver(null, name -> "t"));
        }
        assertEquals(EnumSet.allOf(Guardrail.Type.class), documented);
    }

    @Test
    void theCompleteExampleValidatesAndBehavesAsDocumented() {
        ConfigSnapshot snapshot = ConfigCodec.loadYaml(DocExamples.completeExample("guardrails.md"), 1, Instant.EPOCH);
        Guardrails g = Guardrails.compile(snapshot.config(), WebhookClient.UNAVAILABLE,
                new SecretResolver(null, name -> "token"));

        GuardScope query = GuardScope.tool(Fixtures.user("alice"), "warehouse", "run_query");
        GuardrailResult drop = Fixtures.run(g, Hook.MCP_PRE_TOOL, query, Fixtures.json("{\"query\":\"DROP TABLE orders\"}"));
        assertTrue(drop.blocked());
        assertEquals("read-only-warehouse", drop.blockingVerdict().guardrail());
        assertFalse(Fixtures.run(g, Hook.MCP_PRE_TOOL, query, Fixtures.json("{\"query\":\"SELECT 1\"}")).blocked());

        GuardScope deploy = GuardScope.tool(Fixtures.user("bob"), "ops", "deploy");
        GuardrailResult staging = Fixtures.run(g, Hook.MCP_PRE_TOOL, deploy, Fixtures.json("{\"environment\":\"staging\"}"));
        assertFalse(staging.blocked(), "the webhook fails here, and its mode ignores errors");
        assertEquals(Verdict.Outcome.ERROR, staging.verdicts().get(staging.verdicts().size() - 1).outcome());
        assertTrue(Fixtures.run(g, Hook.MCP_PRE_TOOL, deploy, Fixtures.json("{\"environment\":\"prod\"}")).blocked());

        GuardrailResult answer = Fixtures.run(g, Hook.LLM_OUTPUT, GuardScope.llm(Fixtures.user("alice"),
                "openai-main/gpt-4o-mini"), Fixtures.json("\"Project Falcon: mail ops@example.com\""));
        assertFalse(answer.blocked());
        assertEquals(Fixtures.json("\"Project Falcon: mail [REDACTED:email]\""), answer.payload());
        assertEquals(List.of(Verdict.Outcome.REDACTED, Verdict.Outcome.VIOLATION),
                answer.verdicts().stream().map(Verdict::outcome).toList());
    }
}
