package dev.switchboard.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.pipeline.LlmRequest;
import dev.switchboard.gateway.provider.anthropic.AnthropicAdapter;
import dev.switchboard.gateway.provider.databricks.DatabricksAdapter;
import dev.switchboard.model.config.Model;
import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.ProviderAuth;
import dev.switchboard.model.config.ProviderType;
import dev.switchboard.model.secret.Secret;
import dev.switchboard.model.snapshot.ModelRef;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Providers that cannot serve the Responses API refuse it with a 400 that says what to use instead. */
class ResponsesSupportTest {

    private static final LlmRequest RESPONSES = LlmRequest.parse(Endpoint.RESPONSES,
            "{\"model\":\"x/y\",\"input\":\"hi\"}".getBytes());

    private static GatewayError refusal(ProviderAdapter adapter, ProviderType type, ProviderAuth auth) {
        ProviderAccount account = new ProviderAccount("acct", type, "https://example.com", auth, null,
                List.of(Model.chat("m")));
        Future<UpstreamCall> call = adapter.prepare(RESPONSES, new ModelRef(account, account.models().get(0)),
                Upstream.of(account, "secret", null));
        assertTrue(call.failed());
        return (GatewayError) call.cause();
    }

    @Test
    void anthropicTargetsRefuseTheResponsesApi() {
        GatewayError e = refusal(new AnthropicAdapter(1024, Clock.systemUTC()), ProviderType.ANTHROPIC,
                ProviderAuth.apiKey(Secret.clear("k")));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("/responses"), e.getMessage());
    }

    @Test
    void databricksTargetsRefuseTheResponsesApi() {
        GatewayError e = refusal(new DatabricksAdapter(null), ProviderType.DATABRICKS,
                new ProviderAuth(ProviderAuth.Type.DATABRICKS_PAT, null, Secret.clear("dapi"), null, null));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("/v1/chat/completions"), e.getMessage());
    }
}
