package dev.switchboard.mcpgateway.upstream;

import dev.switchboard.model.config.McpServer;
import dev.switchboard.model.oauth.ClientCredentials;
import dev.switchboard.model.oauth.DatabricksOAuth;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An upstream MCP server made ready to call: its URL taken apart, its transport, and its credential resolved: either a
 * static header, or the OAuth client whose access tokens {@link UpstreamCredentials} fetches and caches. The credential
 * never leaves this object but into a request header or a token request; {@link #toString} omits it.
 */
public final class McpUpstream {

    /**
     * Identifies one OAuth client for the token cache, across config reloads: the same client at the same token
     * endpoint shares its tokens. The secret is only in the form of its digest, which tells a rotated secret apart.
     */
    record OAuthClientKey(String tokenUrl, String clientId, String scope, String audience,
                          ClientCredentials.ClientAuth clientAuth, String secretDigest) {
    }

    private final String name;
    private final McpServer.Transport transport;
    private final URI uri;
    private final boolean ssl;
    private final String host;
    private final int port;
    private final String authority;
    private final String pathAndQuery;
    private final String credentialHeader;
    private final String credentialValue;
    private final String tokenUrl;
    private final ClientCredentials clientCredentials;
    private final OAuthClientKey oauthKey;
    private final String credentialError;

    private McpUpstream(String name, McpServer.Transport transport, URI uri, String credentialHeader,
                        String credentialValue, String tokenUrl, ClientCredentials clientCredentials,
                        OAuthClientKey oauthKey, String credentialError) {
        this.name = name;
        this.transport = transport;
        this.uri = uri;
        this.ssl = "https".equalsIgnoreCase(uri.getScheme());
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : (ssl ? 443 : 80);
        this.authority = uri.getPort() > 0 ? host + ":" + uri.getPort() : host;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        this.pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        this.credentialHeader = credentialHeader;
        this.credentialValue = credentialValue;
        this.tokenUrl = tokenUrl;
        this.clientCredentials = clientCredentials;
        this.oauthKey = oauthKey;
        this.credentialError = credentialError;
    }

    /**
     * @param credential      the resolved {@link McpServer.McpAuth#secret()} of {@code server.auth()} (a token, or the
     *                        client secret of the OAuth types), or null for {@code none}
     * @param credentialError why the secret could not be resolved, or null
     */
    public static McpUpstream of(McpServer server, String credential, String credentialError) {
        URI uri = URI.create(server.url());
        McpServer.McpAuth auth = server.auth();
        String error = credentialError;
        if (error == null && credential == null && auth.type() != McpServer.McpAuth.Type.NONE) {
            error = "its credential is not configured";
        }
        return switch (auth.type()) {
            case NONE -> new McpUpstream(server.name(), server.transport(), uri, null, null, null, null, null, null);
            case BEARER -> new McpUpstream(server.name(), server.transport(), uri, "Authorization",
                    credential == null ? null : "Bearer " + credential, null, null, null, error);
            case HEADER -> new McpUpstream(server.name(), server.transport(), uri, auth.header(), credential, null, null,
                    null, error);
            case OAUTH_CLIENT_CREDENTIALS -> {
                ClientCredentials.ClientAuth method =
                        auth.tokenEndpointAuthMethod() == McpServer.McpAuth.TokenEndpointAuthMethod.CLIENT_SECRET_POST
                                ? ClientCredentials.ClientAuth.POST : ClientCredentials.ClientAuth.BASIC;
                yield oauth(server, uri, auth.tokenUrl(), credential == null ? null
                        : new ClientCredentials(auth.clientId(), credential, auth.scope(), auth.audience(), method),
                        credential, error);
            }
            case DATABRICKS_SERVICE_PRINCIPAL -> {
                String workspace = auth.workspaceUrl() != null ? auth.workspaceUrl()
                        : DatabricksOAuth.workspaceOf(server.url());
                yield oauth(server, uri, DatabricksOAuth.tokenUrl(workspace),
                        credential == null ? null : DatabricksOAuth.credentials(auth.clientId(), credential), credential,
                        error);
            }
        };
    }

    private static McpUpstream oauth(McpServer server, URI uri, String tokenUrl, ClientCredentials client,
                                     String secret, String error) {
        OAuthClientKey key = client == null ? null : new OAuthClientKey(tokenUrl, client.clientId(), client.scope(),
                client.audience(), client.clientAuth(), digest(secret));
        return new McpUpstream(server.name(), server.transport(), uri, "Authorization", null, tokenUrl, client, key,
                error);
    }

    private static String digest(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String name() {
        return name;
    }

    public McpServer.Transport transport() {
        return transport;
    }

    /** The configured URL: the MCP endpoint, or for the old HTTP+SSE transport the SSE endpoint. */
    public URI uri() {
        return uri;
    }

    public boolean ssl() {
        return ssl;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String authority() {
        return authority;
    }

    public String pathAndQuery() {
        return pathAndQuery;
    }

    /** The header carrying the gateway's credential for this server, or null when it takes none. */
    public String credentialHeader() {
        return credentialHeader;
    }

    /** The static credential's header value; null for none and for OAuth, whose value is a fetched token. */
    String credentialValue() {
        return credentialValue;
    }

    /** Whether the credential is an access token from a token endpoint (which may be renewed on a 401). */
    public boolean oauth() {
        return tokenUrl != null;
    }

    /** The token endpoint of an OAuth credential. */
    public String tokenUrl() {
        return tokenUrl;
    }

    ClientCredentials clientCredentials() {
        return clientCredentials;
    }

    OAuthClientKey oauthKey() {
        return oauthKey;
    }

    /** Why the configured credential is missing (an unset environment variable, no master key), or null. */
    public String credentialError() {
        return credentialError;
    }

    @Override
    public String toString() {
        return "McpUpstream[" + name + " " + (ssl ? "https://" : "http://") + authority + pathAndQuery
                + (transport == McpServer.Transport.SSE ? " (sse)" : "") + "]";
    }
}
