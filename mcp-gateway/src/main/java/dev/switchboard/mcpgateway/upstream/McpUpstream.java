package dev.switchboard.mcpgateway.upstream;

import dev.switchboard.model.config.McpServer;
import java.net.URI;

/**
 * An upstream MCP server made ready to call: its URL taken apart and its credential resolved into the one header the
 * gateway presents. The credential never leaves this object but into that header; {@link #toString} omits it.
 */
public final class McpUpstream {

    private final String name;
    private final boolean ssl;
    private final String host;
    private final int port;
    private final String authority;
    private final String pathAndQuery;
    private final String credentialHeader;
    private final String credentialValue;
    private final String credentialError;

    private McpUpstream(String name, URI uri, String credentialHeader, String credentialValue, String credentialError) {
        this.name = name;
        this.ssl = "https".equalsIgnoreCase(uri.getScheme());
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : (ssl ? 443 : 80);
        this.authority = uri.getPort() > 0 ? host + ":" + uri.getPort() : host;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        this.pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        this.credentialHeader = credentialHeader;
        this.credentialValue = credentialValue;
        this.credentialError = credentialError;
    }

    /**
     * @param credential the resolved secret of {@code server.auth()}, or null for {@code none}
     * @param credentialError why the secret could not be resolved, or null
     */
    public static McpUpstream of(McpServer server, String credential, String credentialError) {
        String header = switch (server.auth().type()) {
            case NONE -> null;
            case BEARER -> "Authorization";
            case HEADER -> server.auth().header();
        };
        String value = header == null || credential == null ? null
                : server.auth().type() == McpServer.McpAuth.Type.BEARER ? "Bearer " + credential : credential;
        return new McpUpstream(server.name(), URI.create(server.url()), header, value, credentialError);
    }

    public String name() {
        return name;
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

    String credentialValue() {
        return credentialValue;
    }

    /** Why the configured credential is missing (an unset environment variable, no master key), or null. */
    public String credentialError() {
        return credentialError;
    }

    @Override
    public String toString() {
        return "McpUpstream[" + name + " " + (ssl ? "https://" : "http://") + authority + pathAndQuery + "]";
    }
}
