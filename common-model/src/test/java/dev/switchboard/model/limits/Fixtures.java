package dev.switchboard.model.limits;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.SwitchboardConfig;
import java.time.Instant;

/** A small valid config (priced and unpriced models, a team, a key, an MCP server) to which tests add limits. */
final class Fixtures {

    static final String BASE = """
            provider_accounts:
              - name: openai
                type: openai
                auth: {type: api-key, api_key: {env: OPENAI_API_KEY}}
                models:
                  - {id: gpt-4o, price: {input_per_million_usd: 2.5, output_per_million_usd: 10}}
                  - {id: gpt-4o-mini, price: {input_per_million_usd: 0.15, output_per_million_usd: 0.6}}
                  - {id: local-llama}
            virtual_models:
              - name: assistant
                routing_config:
                  type: priority-based-routing
                  load_balance_targets: [{target: openai/gpt-4o, priority: 0}, {target: openai/local-llama, priority: 1}]
              - name: free-only
                routing_config:
                  type: priority-based-routing
                  load_balance_targets: [{target: openai/local-llama, priority: 0}]
            users: [{name: alice}, {name: bob}, {name: carol}]
            teams: [{name: ml, members: [alice, bob]}, {name: research, members: [carol]}]
            service_accounts: [{name: ci}]
            api_keys:
              - {name: alice-laptop, subject: user:alice, key_hash: sha256:%s}
            mcp_servers:
              - {name: github, url: https://mcp.example.com/github/mcp}
              - {name: jira, url: https://mcp.example.com/jira/mcp}
            """.formatted("a".repeat(64));

    static final Caller ALICE = Caller.user("alice");
    static final Caller BOB = Caller.user("bob");
    static final Caller CAROL = Caller.user("carol");
    static final Caller CI = Caller.serviceAccount("ci");

    private Fixtures() {
    }

    static SwitchboardConfig config(String limitsYaml) {
        return ConfigCodec.loadYaml(BASE + limitsYaml, 1, Instant.EPOCH).config();
    }

    static LimitRules rules(String limitsYaml) {
        return LimitRules.compile(config(limitsYaml));
    }
}
