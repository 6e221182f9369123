package dev.switchboard.gateway.provider;

import dev.switchboard.gateway.provider.anthropic.AnthropicAdapter;
import dev.switchboard.gateway.provider.azure.AzureOpenAiAdapter;
import dev.switchboard.gateway.provider.azure.EntraTokens;
import dev.switchboard.gateway.provider.bedrock.BedrockAdapter;
import dev.switchboard.gateway.provider.databricks.DatabricksAdapter;
import dev.switchboard.gateway.provider.databricks.DatabricksTokens;
import dev.switchboard.gateway.provider.google.GeminiAdapter;
import dev.switchboard.gateway.provider.google.GoogleTokens;
import dev.switchboard.gateway.provider.openai.OpenAiAdapter;
import dev.switchboard.model.config.ProviderType;
import io.vertx.core.http.HttpClient;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/** The adapter of each provider type. Adding a provider is one line here and one package. */
public final class ProviderAdapters {

    private final Map<ProviderType, ProviderAdapter> byType = new EnumMap<>(ProviderType.class);

    /** @param http for credential calls (OAuth token endpoints), not for the upstream calls themselves */
    public ProviderAdapters(HttpClient http, Clock clock, int anthropicDefaultMaxTokens) {
        OpenAiAdapter openAi = new OpenAiAdapter();
        byType.put(ProviderType.OPENAI, openAi);
        byType.put(ProviderType.OPENAI_COMPATIBLE, openAi);
        byType.put(ProviderType.ANTHROPIC, new AnthropicAdapter(anthropicDefaultMaxTokens, clock));
        byType.put(ProviderType.DATABRICKS, new DatabricksAdapter(new DatabricksTokens(http, clock)));
        byType.put(ProviderType.AZURE_OPENAI, new AzureOpenAiAdapter(new EntraTokens(http, clock)));
        GeminiAdapter gemini = new GeminiAdapter(new GoogleTokens(clock), clock);
        byType.put(ProviderType.GEMINI, gemini);
        byType.put(ProviderType.VERTEX_AI, gemini);
        byType.put(ProviderType.BEDROCK, new BedrockAdapter(clock));
    }

    public ProviderAdapter forType(ProviderType type) {
        ProviderAdapter adapter = byType.get(type);
        if (adapter == null) {
            throw new IllegalStateException("no adapter for provider type " + type);
        }
        return adapter;
    }
}
