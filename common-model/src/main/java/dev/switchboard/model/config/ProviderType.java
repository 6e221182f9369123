package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The kind of upstream a provider account talks to; decides the adapter and the auth it accepts. */
public enum ProviderType {
    @JsonProperty("openai") OPENAI("https://api.openai.com/v1"),
    @JsonProperty("openai-compatible") OPENAI_COMPATIBLE(null),
    @JsonProperty("anthropic") ANTHROPIC("https://api.anthropic.com"),
    @JsonProperty("databricks") DATABRICKS(null),
    /** Azure OpenAI: the resource's URL ({@code https://<resource>.openai.azure.com}) is always given. */
    @JsonProperty("azure-openai") AZURE_OPENAI(null),
    /** The Gemini API (Google AI Studio keys). */
    @JsonProperty("gemini") GEMINI("https://generativelanguage.googleapis.com/v1beta"),
    /** Vertex AI: the URL names the project and location ({@code .../v1/projects/<p>/locations/<l>}). */
    @JsonProperty("vertex-ai") VERTEX_AI(null),
    /** AWS Bedrock Runtime; its endpoint follows from the account's {@code region} (see {@link ProviderAccount}). */
    @JsonProperty("bedrock") BEDROCK(null);

    private final String defaultBaseUrl;

    ProviderType(String defaultBaseUrl) {
        this.defaultBaseUrl = defaultBaseUrl;
    }

    /** The public endpoint, for the providers that have one; null where the user must give the URL. */
    public String defaultBaseUrl() {
        return defaultBaseUrl;
    }
}
