package dev.switchboard.model.config;

import java.util.List;

/** One account at one provider, with the models it serves. */
public record ProviderAccount(String name, ProviderType type, String baseUrl, ProviderAuth auth, Timeouts timeouts,
                              List<Model> models) {

    public ProviderAccount {
        auth = auth == null ? ProviderAuth.none() : auth;
        models = models == null ? List.of() : List.copyOf(models);
    }

    /** The configured base URL, or the provider's public endpoint when none is configured. */
    public String effectiveBaseUrl() {
        if (baseUrl != null && !baseUrl.isBlank()) {
            return baseUrl;
        }
        return type == null ? null : type.defaultBaseUrl();
    }

    public Timeouts effectiveTimeouts() {
        return timeouts == null ? Timeouts.DEFAULTS : timeouts.orElse(Timeouts.DEFAULTS);
    }
}
