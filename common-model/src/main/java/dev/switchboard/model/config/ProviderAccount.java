package dev.switchboard.model.config;

import java.util.List;

/**
 * One account at one provider, with the models it serves. {@code apiVersion} is Azure OpenAI's {@code api-version}
 * for its deployment paths (null elsewhere, and for Azure's {@code /openai/v1} API). {@code region} is the AWS region
 * of a Bedrock account ({@code us-east-1}): it names the public endpoint and the SigV4 signing region.
 */
public record ProviderAccount(String name, ProviderType type, String baseUrl, ProviderAuth auth, Timeouts timeouts,
                              List<Model> models, String apiVersion, String region) {

    public ProviderAccount {
        auth = auth == null ? ProviderAuth.none() : auth;
        models = models == null ? List.of() : List.copyOf(models);
    }

    public ProviderAccount(String name, ProviderType type, String baseUrl, ProviderAuth auth, Timeouts timeouts,
                           List<Model> models) {
        this(name, type, baseUrl, auth, timeouts, models, null, null);
    }

    /** This account with other models. */
    public ProviderAccount withModels(List<Model> otherModels) {
        return new ProviderAccount(name, type, baseUrl, auth, timeouts, otherModels, apiVersion, region);
    }

    /** This account with other auth (its secrets sealed or resolved). */
    public ProviderAccount withAuth(ProviderAuth otherAuth) {
        return new ProviderAccount(name, type, baseUrl, otherAuth, timeouts, models, apiVersion, region);
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
