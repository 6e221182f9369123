package dev.switchboard.mcpgateway.jsonrpc;

import java.util.List;
import java.util.Set;

/** Facts of the MCP protocol the gateway checks against (revisions 2025-03-26 to 2025-11-25). */
public final class McpProtocol {

    public static final String LATEST = "2025-11-25";
    /** What a request without {@code MCP-Protocol-Version} is taken to speak (the spec's rule). */
    public static final String DEFAULT_WITHOUT_HEADER = "2025-03-26";
    /**
     * Newest first. 2024-11-05 is the old HTTP+SSE transport, which this endpoint does not serve (the gateway speaks it
     * only to upstreams that speak nothing newer: {@code upstream.LegacySseTransport}).
     */
    public static final List<String> SUPPORTED = List.of("2025-11-25", "2025-06-18", "2025-03-26");

    public static final String SESSION_HEADER = "Mcp-Session-Id";
    public static final String VERSION_HEADER = "MCP-Protocol-Version";
    public static final String LAST_EVENT_ID = "Last-Event-ID";

    /** The requests a client may send a server; any other method is -32601 without reaching an upstream. */
    public static final Set<String> CLIENT_REQUESTS = Set.of(
            "initialize", "ping",
            "tools/list", "tools/call",
            "resources/list", "resources/templates/list", "resources/read", "resources/subscribe",
            "resources/unsubscribe",
            "prompts/list", "prompts/get",
            "completion/complete", "logging/setLevel",
            "tasks/get", "tasks/result", "tasks/list", "tasks/cancel");

    private McpProtocol() {
    }

    public static boolean supports(String version) {
        return SUPPORTED.contains(version);
    }

    /** The version a server answers to a client that asked for {@code requested}: it, if supported, else the latest. */
    public static String negotiate(String requested) {
        return supports(requested) ? requested : LATEST;
    }
}
