package dev.switchboard.model.config;

import java.util.List;

/**
 * One account at one provider, with the models it serves. {@code region} is the cloud region of providers that have
 * one (Bedrock: {@code us-east-1}); it names the public endpoint and the SigV4 signing region.
 */
public record ProviderAccount(String name, ProviderType type, String baseUrl, ProviderAuth auth, Timeouts timeouts,
                              List<Model> models, String region) {

    public ProviderAccount(String name, ProviderType type, String baseUrl, ProviderAuth auth, Timeouts timeouts,
                           List<Model> models) {
        this(name, type, baseUrl, auth, timeouts, models, null);
    }

    public ProviderAccount {
        auth = auth == null ? ProviderAuth.none() : auth;
        models = models == null ? List.of() : List.copyOf(models);
    }

    /** The configured base URL, or the provider's public endpoint when none is configured. */
    public String effectiveBaseUrl() {
        if (baseUrl != null && !baseUrl.isBlank()) {
            return baseUrl;
        }
        if (type == ProviderType.BEDROCK) {
            return region == null || region.isBlank() ? null : "https://bedrock-runtime." + region + ".amazonaws.com";
        }
        return type == null ? null : type.defaultBaseUrl();
    }

    public Timeouts effectiveTimeouts() {
        return timeouts == null ? Timeouts.DEFAULTS : timeouts.orElse(Timeouts.DEFAULTS);
    }
}
