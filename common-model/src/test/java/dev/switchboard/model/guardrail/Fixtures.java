package dev.switchboard.model.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.model.access.Principal;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.SwitchboardConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Builds guardrails from YAML as users write them, and runs checks to their end. */
final class Fixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Users, a team and an MCP server that the guardrails in tests may refer to. */
    static final String BASE = """
            provider_accounts:
              - name: openai-main
                type: openai
                auth: {type: api-key, api_key: {env: OPENAI_API_KEY}}
                models: [{id: gpt-4o-mini}, {id: gpt-4o}]
              - name: anthropic-main
                type: anthropic
                auth: {type: api-key, api_key: {env: ANTHROPIC_API_KEY}}
                models: [{id: claude-sonnet-4-5}]
            virtual_models:
              - name: assistant
                routing_config:
                  type: priority-based-routing
                  load_balance_targets:
                    - {target: openai-main/gpt-4o-mini, priority: 0}
                    - {target: anthropic-main/claude-sonnet-4-5, priority: 1}
              - name: claude-only
                routing_config:
                  type: weight-based-routing
                  load_balance_targets: [{target: anthropic-main/claude-sonnet-4-5, weight: 100}]
            users: [{name: alice}, {name: bob}, {name: carol}]
            teams: [{name: analysts, members: [alice]}, {name: dba, members: []}]
            service_accounts: [{name: ci-bot}]
            mcp_servers:
              - {name: warehouse, url: https://mcp.example.com/warehouse/mcp}
              - {name: github, url: https://mcp.example.com/github/mcp}
            """;

    private Fixtures() {
    }

    static SwitchboardConfig config(String guardrailsYaml) {
        return ConfigCodec.readYaml(BASE + "guardrails:\n" + guardrailsYaml.indent(2));
    }

    static Guardrails compile(String guardrailsYaml) {
        return Guardrails.compile(config(guardrailsYaml), WebhookClient.UNAVAILABLE);
    }

    static Guardrails compile(String guardrailsYaml, WebhookClient webhooks) {
        return Guardrails.compile(config(guardrailsYaml), webhooks);
    }

    static JsonNode json(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Principal user(String name, String... claimedTeams) {
        return new Principal(SubjectRef.user(name), List.of(claimedTeams), "test");
    }

    static GuardScope llm(String model) {
        return GuardScope.llm(user("alice"), model);
    }

    static GuardScope tool(String server, String tool) {
        return GuardScope.tool(user("alice"), server, tool);
    }

    static GuardrailResult run(Guardrails g, Guardrail.Hook hook, GuardScope scope, JsonNode payload) {
        try {
            return g.check(hook, scope, payload).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("check did not complete normally", e);
        }
    }
}
