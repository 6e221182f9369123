package dev.switchboard.mcpgateway.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's own settings (not the config snapshot): limits, timeouts, the public URL and the hosts and origins
 * it answers. Read once at start from {@code switchboard.*} properties; see docs/mcp-gateway.md for each.
 *
 * @param publicUrl       the gateway's external base URL ({@code https://mcp-gateway.example.com}); without it, URLs
 *                        the gateway hands out are built from the request's (validated) Host
 * @param allowedHosts    Host header values accepted besides loopback names and the public URL's host; {@code *} = any
 * @param allowedOrigins  browser origins accepted besides those of allowed hosts; {@code *} = any
 */
public record McpSettings(
        Optional<String> publicUrl,
        List<String> allowedHosts,
        List<String> allowedOrigins,
        long maxBodySize,
        Duration sessionTtl,
        int connectTimeoutMs,
        long upstreamTimeoutMs,
        int maxConnectionsPerHost) {

    public McpSettings {
        publicUrl = publicUrl.map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        allowedHosts = List.copyOf(allowedHosts);
        allowedOrigins = List.copyOf(allowedOrigins);
    }
}
