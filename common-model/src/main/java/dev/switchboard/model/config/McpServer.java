package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.model.secret.Secret;

/** An upstream MCP server reached over Streamable HTTP at {@code url}, with the credential the gateway presents. */
public record McpServer(String name, String url, String description, McpAuth auth) {

    public McpServer {
        auth = auth == null ? new McpAuth(McpAuth.Type.NONE, null, null) : auth;
    }

    /** {@code bearer}: {@code Authorization: Bearer <token>}; {@code header}: {@code <header>: <token>}. */
    public record McpAuth(Type type, String header, Secret token) {
        public enum Type {
            @JsonProperty("none") NONE,
            @JsonProperty("bearer") BEARER,
            @JsonProperty("header") HEADER
        }
    }
}
