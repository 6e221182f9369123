package dev.switchboard.mcpgateway.http;

import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.runtime.McpSettings;
import java.net.URI;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Protection against DNS rebinding, as the transport spec requires: the {@code Host} must name this gateway (a
 * loopback name, the public URL's host, or a configured host), and an {@code Origin}, when a browser sends one, must be
 * one of those hosts or a configured origin. Anything else is a 403 before the request is looked at.
 */
public final class HostGuard {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final boolean anyHost;
    private final Set<String> hosts = new HashSet<>();
    private final boolean anyOrigin;
    private final Set<String> origins = new HashSet<>();

    public HostGuard(McpSettings settings) {
        hosts.addAll(LOOPBACK);
        settings.publicUrl().map(u -> URI.create(u).getHost()).map(h -> h.toLowerCase(Locale.ROOT)).ifPresent(hosts::add);
        boolean any = false;
        for (String h : settings.allowedHosts()) {
            if (h.equals("*")) {
                any = true;
            } else {
                hosts.add(hostName(h));
            }
        }
        anyHost = any;
        any = false;
        for (String o : settings.allowedOrigins()) {
            if (o.equals("*")) {
                any = true;
            } else {
                origins.add(stripSlash(o.toLowerCase(Locale.ROOT)));
            }
        }
        anyOrigin = any;
    }

    /** Throws a 403 {@link McpError} unless {@code host} and {@code origin} (may be null) are allowed. */
    public void check(String host, String origin) {
        if (!anyHost && (host == null || !hosts.contains(hostName(host)))) {
            throw McpError.forbiddenHost(host == null ? "" : host);
        }
        if (origin == null || anyOrigin) {
            return;
        }
        String o = stripSlash(origin.toLowerCase(Locale.ROOT));
        if (origins.contains(o)) {
            return;
        }
        try {
            URI uri = URI.create(o);
            String originHost = uri.getHost();
            if (originHost != null && (uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    && hosts.contains(hostName(originHost))) {
                return;
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            // "null" and other opaque origins are refused below
        }
        throw McpError.forbiddenOrigin(origin);
    }

    /** The host of a Host header value, without its port, lower-case; IPv6 literals keep their brackets. */
    static String hostName(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(0, end + 1) : h;
        }
        int colon = h.lastIndexOf(':');
        return colon >= 0 && h.indexOf(':') == colon ? h.substring(0, colon) : h;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
