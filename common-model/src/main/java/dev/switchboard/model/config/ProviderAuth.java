package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.model.secret.Secret;

/**
 * How the gateway authenticates to a provider. Which fields apply depends on {@link #type()}: {@code api_key} for
 * {@code api-key}, {@code token} for {@code databricks-pat}, {@code client_id} + {@code client_secret} for
 * {@code databricks-service-principal}; {@code client_id} + {@code client_secret} + {@code tenant_id} (or
 * {@code token_url}) for {@code azure-entra-id}; {@code service_account_key} (a Google service-account JSON key), with
 * an optional {@code token_url}, for {@code google-service-account}; {@code none} for upstreams that need nothing
 * (local servers).
 */
public record ProviderAuth(Type type, Secret apiKey, Secret token, String clientId, Secret clientSecret,
                           String tenantId, String tokenUrl, Secret serviceAccountKey) {

    public enum Type {
        @JsonProperty("none") NONE,
        @JsonProperty("api-key") API_KEY,
        @JsonProperty("databricks-pat") DATABRICKS_PAT,
        @JsonProperty("databricks-service-principal") DATABRICKS_SERVICE_PRINCIPAL,
        @JsonProperty("azure-entra-id") AZURE_ENTRA_ID,
        @JsonProperty("google-service-account") GOOGLE_SERVICE_ACCOUNT
    }

    public ProviderAuth(Type type, Secret apiKey, Secret token, String clientId, Secret clientSecret) {
        this(type, apiKey, token, clientId, clientSecret, null, null, null);
    }

    /** Microsoft Entra ID's token endpoint of {@code tenant_id}, unless {@code token_url} is given. */
    public String entraTokenUrl() {
        return tokenUrl != null ? tokenUrl : "https://login.microsoftonline.com/" + tenantId + "/oauth2/v2.0/token";
    }

    public static ProviderAuth none() {
        return new ProviderAuth(Type.NONE, null, null, null, null);
    }

    public static ProviderAuth apiKey(Secret key) {
        return new ProviderAuth(Type.API_KEY, key, null, null, null);
    }
}
