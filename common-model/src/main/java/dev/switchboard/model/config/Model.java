package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A model served by a provider account. {@code id} is the upstream's own name for it (for Databricks, the serving
 * endpoint name); callers address it as {@code <provider-account>/<id>}.
 */
public record Model(String id, Kind type, Price price, Timeouts timeouts) {

    public enum Kind {
        @JsonProperty("chat") CHAT,
        @JsonProperty("embedding") EMBEDDING
    }

    public Model {
        type = type == null ? Kind.CHAT : type;
        price = price == null ? Price.FREE : price;
    }

    public static Model chat(String id) {
        return new Model(id, Kind.CHAT, null, null);
    }
}
