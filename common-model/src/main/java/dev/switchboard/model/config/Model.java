package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A model served by a provider account. {@code id} is the upstream's own name for it (for Databricks, the serving
 * endpoint name); callers address it as {@code <provider-account>/<id>}. {@code logPayloads} and
 * {@code logPayloadsMaxBytes} (null: not set) turn on payload logging for requests that name it ({@link Payloads}).
 * {@code deployment} is the Azure OpenAI deployment that serves it (null: the deployment is named like the model).
 */
public record Model(String id, Kind type, Price price, Timeouts timeouts, Boolean logPayloads,
                    Integer logPayloadsMaxBytes, String deployment) {

    public enum Kind {
        @JsonProperty("chat") CHAT,
        @JsonProperty("embedding") EMBEDDING
    }

    public Model {
        type = type == null ? Kind.CHAT : type;
        price = price == null ? Price.FREE : price;
    }

    public Model(String id, Kind type, Price price, Timeouts timeouts, Boolean logPayloads,
                 Integer logPayloadsMaxBytes) {
        this(id, type, price, timeouts, logPayloads, logPayloadsMaxBytes, null);
    }

    /** The Azure OpenAI deployment that serves this model. */
    public String effectiveDeployment() {
        return deployment == null ? id : deployment;
    }

    /** The payload cap in bytes for requests that name this model, 0 when its payloads are not logged. */
    public int payloadCap() {
        return Payloads.cap(logPayloads, logPayloadsMaxBytes);
    }

    public static Model chat(String id) {
        return new Model(id, Kind.CHAT, null, null, null, null);
    }
}
