package dev.switchboard.workflowbridge.databricks;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;

/**
 * The workspace's base URL, {@code scheme://host[:port]}. A bare host name means https; plain http is accepted only for
 * a loopback host (a local fake), so a token never crosses a network in clear.
 */
public record WorkspaceHost(String url) {

    public static WorkspaceHost parse(String raw) {
        String text = raw.strip();
        if (!text.contains("://")) {
            text = "https://" + text;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + raw);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host name in " + raw);
        }
        String scheme = uri.getScheme().toLowerCase();
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw new IllegalArgumentException("http:// is accepted only for a loopback host; use https://" + uri.getHost());
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("unsupported scheme " + scheme + " in " + raw);
        }
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        return new WorkspaceHost(scheme + "://" + uri.getHost() + port);
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|\\[[0-9a-fA-F:]+]")) {
            return false; // never resolve a name just to decide this
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The workspace's OIDC token endpoint, where token federation exchanges the pod's token. */
    public String defaultTokenEndpoint() {
        return url + "/oidc/v1/token";
    }
}
