package dev.switchboard.mcpgateway.support;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.function.Consumer;

/** Clients of the official MCP Java SDK pointed at the gateway, with a bearer token. */
public final class SdkClients {

    private SdkClients() {
    }

    public static McpSyncClient client(String base, String server, String token) {
        return client(base, server, token, spec -> { });
    }

    /** {@code customize} may add sampling or elicitation handlers before the client is built. */
    public static McpSyncClient client(String base, String server, String token,
                                       Consumer<McpClient.SyncSpec> customize) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder(base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                .endpoint("/mcp/v1/" + server + "/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                .build();
        McpClient.SyncSpec spec = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(15))
                .clientInfo(new McpSchema.Implementation("switchboard-test", "1.0.0"));
        customize.accept(spec);
        return spec.build();
    }

    public static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }
}
