package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.model.secret.Secret;

/**
 * How the gateway authenticates to a provider. Which fields apply depends on {@link #type()}: {@code api_key} for
 * {@code api-key}, {@code token} for {@code databricks-pat}, {@code client_id} + {@code client_secret} for
 * {@code databricks-service-principal}; {@code client_id} + {@code client_secret} + {@code tenant_id} (or
 * {@code token_url}) for {@code azure-entra-id}; {@code service_account_key} (a Google service-account JSON key), with
 * an optional {@code token_url}, for {@code google-service-account}; {@code none} for upstreams that need nothing
 * (local servers). AWS (Bedrock): {@code access_key_id} + {@code secret_access_key} (+ {@code session_token}) for
 * {@code aws-access-key}; nothing for {@code aws-environment} (the {@code AWS_*} variables of the gateway's process);
 * {@code role_arn}, {@code web_identity_token_file}, {@code role_session_name} for {@code aws-web-identity}, each
 * defaulting to what IRSA puts in the environment.
 */
public record ProviderAuth(Type type, Secret apiKey, Secret token, String clientId, Secret clientSecret,
                           String tenantId, String tokenUrl, Secret serviceAccountKey,
                           Secret accessKeyId, Secret secretAccessKey, Secret sessionToken, String roleArn,
                           String webIdentityTokenFile, String roleSessionName) {

    public enum Type {
        @JsonProperty("none") NONE,
        @JsonProperty("api-key") API_KEY,
        @JsonProperty("databricks-pat") DATABRICKS_PAT,
        @JsonProperty("databricks-service-principal") DATABRICKS_SERVICE_PRINCIPAL,
        @JsonProperty("azure-entra-id") AZURE_ENTRA_ID,
        @JsonProperty("google-service-account") GOOGLE_SERVICE_ACCOUNT,
        @JsonProperty("aws-access-key") AWS_ACCESS_KEY,
        @JsonProperty("aws-environment") AWS_ENVIRONMENT,
        @JsonProperty("aws-web-identity") AWS_WEB_IDENTITY;

        /** The AWS credential sources, which only a Bedrock account takes. */
        public boolean aws() {
            return this == AWS_ACCESS_KEY || this == AWS_ENVIRONMENT || this == AWS_WEB_IDENTITY;
        }
    }

    public ProviderAuth(Type type, Secret apiKey, Secret token, String clientId, Secret clientSecret) {
        this(type, apiKey, token, clientId, clientSecret, null, null, null);
    }

    public ProviderAuth(Type type, Secret apiKey, Secret token, String clientId, Secret clientSecret,
                        String tenantId, String tokenUrl, Secret serviceAccountKey) {
        this(type, apiKey, token, clientId, clientSecret, tenantId, tokenUrl, serviceAccountKey,
                null, null, null, null, null, null);
    }

    /** Microsoft Entra ID's client-credentials token endpoint of {@code tenant_id}, unless {@code token_url} is given. */
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
