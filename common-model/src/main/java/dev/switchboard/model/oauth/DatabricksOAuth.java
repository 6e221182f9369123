package dev.switchboard.model.oauth;

import java.net.URI;

/**
 * OAuth of Databricks service principals (machine-to-machine): client credentials with HTTP Basic at the workspace's
 * {@code /oidc/v1/token}, scope {@code all-apis}. A personal access token needs none of this: it is a bearer token.
 */
public final class DatabricksOAuth {

    public static final String TOKEN_PATH = "/oidc/v1/token";
    public static final String SCOPE = "all-apis";

    private DatabricksOAuth() {
    }

    public static ClientCredentials credentials(String clientId, String clientSecret) {
        return new ClientCredentials(clientId, clientSecret, SCOPE, null, ClientCredentials.ClientAuth.BASIC);
    }

    /** {@code <workspace>/oidc/v1/token}. */
    public static String tokenUrl(String workspaceUrl) {
        String base = workspaceUrl.endsWith("/") ? workspaceUrl.substring(0, workspaceUrl.length() - 1) : workspaceUrl;
        return base + TOKEN_PATH;
    }

    /**
     * The workspace a URL of it belongs to: its scheme and authority
     * ({@code https://adb-1.2.azuredatabricks.net/api/2.0/mcp/sql} is {@code https://adb-1.2.azuredatabricks.net}).
     */
    public static String workspaceOf(String url) {
        URI uri = URI.create(url);
        if (uri.getScheme() == null || uri.getRawAuthority() == null) {
            throw new IllegalArgumentException("not an absolute URL: " + url);
        }
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
