package dev.switchboard.gateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.ProviderAdapters;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Targets whose provider does not offer an endpoint are skipped; none left is a 400 naming them. */
class EndpointSupportTest {

    private static final ConfigSnapshot SNAPSHOT = ConfigCodec.loadYaml("""
            provider_accounts:
              - name: oai
                type: openai-compatible
                base_url: http://127.0.0.1:1/v1
                models: [{id: gpt}]
              - name: claude
                type: anthropic
                auth: {type: api-key, api_key: sk-ant}
                models: [{id: sonnet}]
              - name: dbx
                type: databricks
                base_url: https://dbx.example.com
                auth: {type: databricks-pat, token: dapi}
                models: [{id: llama}]
            """, 1, Instant.EPOCH);
    private static final ProviderAdapters ADAPTERS = new ProviderAdapters(null, Clock.systemUTC(), 1024);

    private static List<LoadBalanceTarget> targets(String... names) {
        return java.util.Arrays.stream(names).map(n -> new LoadBalanceTarget(n, null, null, null, List.of())).toList();
    }

    private static List<String> servable(Endpoint endpoint, String... names) {
        return EndpointSupport.servable(SNAPSHOT, ADAPTERS, endpoint, "vm", targets(names)).stream()
                .map(LoadBalanceTarget::target).toList();
    }

    @Test
    void everyTargetServingTheEndpointKeepsTheListAsItIs() {
        List<LoadBalanceTarget> all = targets("claude/sonnet", "oai/gpt", "dbx/llama");
        assertSame(all, EndpointSupport.servable(SNAPSHOT, ADAPTERS, Endpoint.CHAT_COMPLETIONS, "vm", all));
    }

    @Test
    void targetsThatCannotServeAreSkippedInOrder() {
        assertEquals(List.of("oai/gpt"), servable(Endpoint.COMPLETIONS, "claude/sonnet", "oai/gpt", "dbx/llama"));
        assertEquals(List.of("oai/gpt", "dbx/llama"), servable(Endpoint.EMBEDDINGS, "claude/sonnet", "oai/gpt", "dbx/llama"));
        assertEquals(List.of("oai/gpt"), servable(Endpoint.RESPONSES, "dbx/llama", "claude/sonnet", "oai/gpt"));
    }

    @Test
    void noTargetServingTheEndpointIsA400NamingTargetsAndEndpoint() {
        GatewayError e = assertThrows(GatewayError.class, () -> EndpointSupport.servable(SNAPSHOT, ADAPTERS,
                Endpoint.MODERATIONS, "claude/sonnet", targets("claude/sonnet")));
        assertEquals(400, e.status());
        assertEquals("unsupported_endpoint", e.code());
        assertEquals("The model 'claude/sonnet' cannot serve /v1/moderations: the provider of 'claude/sonnet' "
                + "(anthropic) does not offer it.", e.getMessage());

        GatewayError vm = assertThrows(GatewayError.class, () -> EndpointSupport.servable(SNAPSHOT, ADAPTERS,
                Endpoint.RESPONSES, "mixed", targets("claude/sonnet", "dbx/llama")));
        assertEquals("The model 'mixed' cannot serve /v1/responses: the providers of 'claude/sonnet' (anthropic), "
                + "'dbx/llama' (databricks) do not offer it.", vm.getMessage());
    }
}
