package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.model.secret.Secret;

/**
 * An upstream MCP server at {@code url}, reached over the {@code transport} it speaks, with the credential the gateway
 * presents ({@code auth}). {@code logPayloads} and {@code logPayloadsMaxBytes} (null: not set) put the arguments and
 * results of its tool calls on the calls' spans ({@link Payloads}).
 */
public record McpServer(String name, String url, String description, Transport transport, McpAuth auth,
                        Boolean logPayloads, Integer logPayloadsMaxBytes) {

    /**
     * {@code streamable_http} (default): MCP Streamable HTTP, {@code url} is the MCP endpoint. {@code sse}: the older
     * HTTP+SSE transport of protocol revision 2024-11-05, {@code url} is the SSE endpoint whose first {@code endpoint}
     * event names where messages are posted.
     */
    public enum Transport {
        @JsonProperty("streamable_http") STREAMABLE_HTTP,
        @JsonProperty("sse") SSE
    }

    public McpServer {
        transport = transport == null ? Transport.STREAMABLE_HTTP : transport;
        auth = auth == null ? McpAuth.none() : auth;
    }

    /** A server whose payloads are not on spans. */
    public McpServer(String name, String url, String description, Transport transport, McpAuth auth) {
        this(name, url, description, transport, auth, null, null);
    }

    /** A Streamable HTTP server. */
    public McpServer(String name, String url, String description, McpAuth auth) {
        this(name, url, description, Transport.STREAMABLE_HTTP, auth);
    }

    /** This server with {@code next} as its credential, everything else kept. */
    public McpServer withAuth(McpAuth next) {
        return new McpServer(name, url, description, transport, next, logPayloads, logPayloadsMaxBytes);
    }

    /** The cap in bytes of each payload put on a tool call's span, 0 when they are not put there. */
    public int payloadCap() {
        return Payloads.cap(logPayloads, logPayloadsMaxBytes);
    }

    /**
     * How the gateway authenticates to the server. Which fields apply depends on {@link #type()}:
     * <ul>
     *   <li>{@code bearer}: {@code token}, sent as {@code Authorization: Bearer <token>} (also a Databricks personal
     *       access token);</li>
     *   <li>{@code header}: {@code header} and {@code token}, sent as {@code <header>: <token>};</li>
     *   <li>{@code oauth-client-credentials}: {@code token_url}, {@code client_id}, {@code client_secret}, optional
     *       {@code scope}, {@code audience} and {@code token_endpoint_auth_method}; the access token is sent as a
     *       bearer token;</li>
     *   <li>{@code databricks-service-principal}: {@code client_id} and {@code client_secret} of the service principal,
     *       optional {@code workspace_url} (default: the scheme and host of the server's {@code url}); OAuth client
     *       credentials at {@code <workspace>/oidc/v1/token} with scope {@code all-apis}.</li>
     * </ul>
     */
    public record McpAuth(Type type, String header, Secret token, String tokenUrl, String clientId, Secret clientSecret,
                          String scope, String audience, TokenEndpointAuthMethod tokenEndpointAuthMethod,
                          String workspaceUrl) {

        public enum Type {
            @JsonProperty("none") NONE,
            @JsonProperty("bearer") BEARER,
            @JsonProperty("header") HEADER,
            @JsonProperty("oauth-client-credentials") OAUTH_CLIENT_CREDENTIALS,
            @JsonProperty("databricks-service-principal") DATABRICKS_SERVICE_PRINCIPAL;

            /** Whether the gateway gets its access token from a token endpoint (and may need a fresh one). */
            public boolean oauth() {
                return this == OAUTH_CLIENT_CREDENTIALS || this == DATABRICKS_SERVICE_PRINCIPAL;
            }
        }

        /** How the client authenticates at the token endpoint (RFC 6749 section 2.3.1; names of RFC 7591). */
        public enum TokenEndpointAuthMethod {
            /** HTTP Basic with the client id and secret (the default; every server must support it). */
            @JsonProperty("client_secret_basic") CLIENT_SECRET_BASIC,
            /** {@code client_id} and {@code client_secret} in the form body. */
            @JsonProperty("client_secret_post") CLIENT_SECRET_POST
        }

        /** A static credential: {@code none}, {@code bearer} or {@code header}. */
        public McpAuth(Type type, String header, Secret token) {
            this(type, header, token, null, null, null, null, null, null, null);
        }

        public static McpAuth none() {
            return new McpAuth(Type.NONE, null, null);
        }

        public static McpAuth bearer(Secret token) {
            return new McpAuth(Type.BEARER, null, token);
        }

        public static McpAuth oauthClientCredentials(String tokenUrl, String clientId, Secret clientSecret,
                                                     String scope, String audience) {
            return new McpAuth(Type.OAUTH_CLIENT_CREDENTIALS, null, null, tokenUrl, clientId, clientSecret, scope,
                    audience, null, null);
        }

        public static McpAuth databricksServicePrincipal(String clientId, Secret clientSecret, String workspaceUrl) {
            return new McpAuth(Type.DATABRICKS_SERVICE_PRINCIPAL, null, null, null, clientId, clientSecret, null, null,
                    null, workspaceUrl);
        }

        /**
         * The one secret this type uses, to be resolved where the credential is used: {@code token} for {@code bearer}
         * and {@code header}, {@code client_secret} for the OAuth types, null for {@code none}.
         */
        @JsonIgnore
        public Secret secret() {
            if (type == null) {
                return null;
            }
            return switch (type) {
                case NONE -> null;
                case BEARER, HEADER -> token;
                case OAUTH_CLIENT_CREDENTIALS, DATABRICKS_SERVICE_PRINCIPAL -> clientSecret;
            };
        }

        /** This credential with its two secret fields replaced (sealing, masking), everything else kept. */
        public McpAuth withSecrets(Secret nextToken, Secret nextClientSecret) {
            return new McpAuth(type, header, nextToken, tokenUrl, clientId, nextClientSecret, scope, audience,
                    tokenEndpointAuthMethod, workspaceUrl);
        }
    }
}
