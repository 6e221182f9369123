package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.model.secret.Secret;

/**
 * How the gateway authenticates to a provider. Which fields apply depends on {@link #type()}: {@code api_key} for
 * {@code api-key}, {@code token} for {@code databricks-pat}, {@code client_id} + {@code client_secret} for
 * {@code databricks-service-principal}; {@code none} for upstreams that need nothing (local servers).
 */
public record ProviderAuth(Type type, Secret apiKey, Secret token, String clientId, Secret clientSecret) {

    public enum Type {
        @JsonProperty("none") NONE,
        @JsonProperty("api-key") API_KEY,
        @JsonProperty("databricks-pat") DATABRICKS_PAT,
        @JsonProperty("databricks-service-principal") DATABRICKS_SERVICE_PRINCIPAL
    }

    public static ProviderAuth none() {
        return new ProviderAuth(Type.NONE, null, null, null, null);
    }

    public static ProviderAuth apiKey(Secret key) {
        return new ProviderAuth(Type.API_KEY, key, null, null, null);
    }
}
