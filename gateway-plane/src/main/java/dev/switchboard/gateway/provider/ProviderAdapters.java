package dev.switchboard.gateway.provider;

import dev.switchboard.gateway.provider.openai.OpenAiAdapter;
import dev.switchboard.model.config.ProviderType;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The adapter of each provider type. Adding a provider is one line here and one package. */
public final class ProviderAdapters {

    private final Map<ProviderType, ProviderAdapter> byType = new EnumMap<>(ProviderType.class);

    public ProviderAdapters() {
        OpenAiAdapter openAi = new OpenAiAdapter();
        byType.put(ProviderType.OPENAI, openAi);
        byType.put(ProviderType.OPENAI_COMPATIBLE, openAi);
    }

    /** Empty for provider types this gateway cannot call yet. */
    public Optional<ProviderAdapter> forType(ProviderType type) {
        return Optional.ofNullable(byType.get(type));
    }
}
