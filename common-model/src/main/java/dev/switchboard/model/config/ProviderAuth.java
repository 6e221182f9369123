package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.model.secret.Secret;

/**
 * How the gateway authenticates to a provider. Which fields apply depends on {@link #type()}: {@code api_key} for
 * {@code api-key}, {@code token} for {@code databricks-pat}, {@code client_id} + {@code client_secret} for
 * {@code databricks-service-principal}; {@code none} for upstreams that need nothing (local servers). AWS (Bedrock):
 * {@code access_key_id} + {@code secret_access_key} (+ {@code session_token}) for {@code aws-access-key}; nothing for
 * {@code aws-environment} (the {@code AWS_*} variables of the gateway's process); {@code role_arn},
 * {@code web_identity_token_file}, {@code role_session_name} for {@code aws-web-identity}, each defaulting to what IRSA
 * puts in the environment.
 */
public record ProviderAuth(Type type, Secret apiKey, Secret token, String clientId, Secret clientSecret,
                           Secret accessKeyId, Secret secretAccessKey, Secret sessionToken, String roleArn,
                           String webIdentityTokenFile, String roleSessionName) {

    public enum Type {
        @JsonProperty("none") NONE,
        @JsonProperty("api-key") API_KEY,
        @JsonProperty("databricks-pat") DATABRICKS_PAT,
        @JsonProperty("databricks-service-principal") DATABRICKS_SERVICE_PRINCIPAL,
        @JsonProperty("aws-access-key") AWS_ACCESS_KEY,
        @JsonProperty("aws-environment") AWS_ENVIRONMENT,
        @JsonProperty("aws-web-identity") AWS_WEB_IDENTITY;

        /** The AWS credential sources, which only a Bedrock account takes. */
        public boolean aws() {
            return this == AWS_ACCESS_KEY || this == AWS_ENVIRONMENT || this == AWS_WEB_IDENTITY;
        }
    }

    public ProviderAuth(Type type, Secret apiKey, Secret token, String clientId, Secret clientSecret) {
        this(type, apiKey, token, clientId, clientSecret, null, null, null, null, null, null);
    }

    public static ProviderAuth none() {
        return new ProviderAuth(Type.NONE, null, null, null, null);
    }

    public static ProviderAuth apiKey(Secret key) {
        return new ProviderAuth(Type.API_KEY, key, null, null, null);
    }

    /** Static AWS keys; {@code sessionToken} may be null (long-term keys). */
    public static ProviderAuth awsAccessKey(Secret accessKeyId, Secret secretAccessKey, Secret sessionToken) {
        return new ProviderAuth(Type.AWS_ACCESS_KEY, null, null, null, null, accessKeyId, secretAccessKey, sessionToken,
                null, null, null);
    }
}
