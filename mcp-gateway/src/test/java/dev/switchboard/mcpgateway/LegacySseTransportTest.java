package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpHttp.assertRpcError;
import static dev.switchboard.mcpgateway.support.McpHttp.headers;
import static dev.switchboard.mcpgateway.support.McpHttp.request;
import static dev.switchboard.mcpgateway.support.SdkClients.client;
import static dev.switchboard.mcpgateway.support.SdkClients.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.support.FakeLegacySseServer;
import dev.switchboard.mcpgateway.support.FakeMcpServer;
import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.NodePeers;
import dev.switchboard.mcpgateway.support.SecondGateway;
import dev.switchboard.model.config.ApiKey;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upstreams that speak only the old HTTP+SSE transport (revision 2024-11-05, {@code transport: sse}) behind the
 * gateway, which speaks Streamable HTTP to its clients: a fake of our own that checks every message's credential, and
 * the reference server {@code server-everything} in its {@code sse} mode, driven by the official Java SDK.
 */
class LegacySseTransportTest {

    private static final String KEY = "sk-sb-legacy-test-000000000";
    private static final String UPSTREAM_TOKEN = "legacy-upstream-token";
    private static final byte[] SESSION_KEY = "legacy-test-session-key-32bytes!".getBytes();

    private static FakeLegacySseServer legacy;
    private static FakeMcpServer modern;
    private static Optional<NodePeers.Everything> everything = Optional.empty();
    private static SecondGateway gateway;
    private static McpHttp mcp;

    @BeforeAll
    static void start() {
        legacy = FakeLegacySseServer.start(UPSTREAM_TOKEN);
        modern = FakeMcpServer.start("modern");
        everything = NodePeers.startEverything("sse");
        gateway = new SecondGateway(SESSION_KEY, config());
        mcp = new McpHttp(gateway.baseUrl());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        everything.ifPresent(NodePeers.Everything::close);
        legacy.close();
        modern.close();
    }

    private static String config() {
        return """
                users: [{name: alice}]
                api_keys:
                  - {name: alice-key, subject: user:alice, key_hash: %s}
                mcp_servers:
                  - name: legacy
                    url: %s
                    transport: sse
                    auth: {type: bearer, token: %s}
                  - name: modern
                    url: %s
                  - name: everything-sse
                    url: %s
                    transport: sse
                virtual_mcp_servers:
                  - name: mixed
                    tools: [legacy/echo, modern/echo, legacy/progress]
                tool_policies:
                  - {name: legacy, subjects: [user:alice], server: legacy}
                  - {name: modern, subjects: [user:alice], server: modern}
                  - {name: everything, subjects: [user:alice], server: everything-sse, deny: [get-env]}
                """.formatted(ApiKey.hashOf(KEY), legacy.url(), UPSTREAM_TOKEN, modern.url(),
                everything.map(NodePeers.Everything::url).orElse("http://127.0.0.1:1/sse"));
    }

    private static String textOf(McpHttp.Reply reply) {
        return reply.message().path("result").path("content").path(0).path("text").asText(reply.body());
    }

    @Test
    void aLegacyServerIsServedAsStreamableHttp() {
        legacy.clear();
        McpHttp.Reply init = mcp.post("legacy", headers(KEY, null), request(1, "initialize",
                "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}"));
        assertEquals(200, init.status(), init.body());
        assertEquals("application/json", init.header("content-type"));
        assertEquals("2025-03-26", init.json().path("result").path("protocolVersion").asText(),
                "revision 2024-11-05 is presented as the oldest Streamable HTTP revision");
        assertEquals("fake-legacy", init.json().path("result").path("serverInfo").path("name").asText());
        assertEquals(1, init.json().path("id").asInt());
        String session = init.header("mcp-session-id");
        assertEquals(202, mcp.post("legacy", headers(KEY, session),
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").status());

        JsonNode list = mcp.post("legacy", headers(KEY, session), request("list-1", "tools/list", null)).json();
        assertEquals("list-1", list.path("id").asText());
        assertEquals(4, list.path("result").path("tools").size());
        McpHttp.Reply echo = mcp.call("legacy", KEY, session, "echo", "{\"message\":\"hi\"}");
        assertEquals("legacy: hi", textOf(echo));
        assertEquals(7, echo.json().path("id").asInt(), "the client's id, not the gateway's");

        List<FakeLegacySseServer.Received> got = legacy.received();
        assertEquals(1, got.stream().filter(r -> r.httpMethod().equals("GET")).count(), "one stream per session");
        assertTrue(got.stream().allMatch(r -> ("Bearer " + UPSTREAM_TOKEN).equals(r.headers().get("authorization"))),
                "every request carries the configured credential");
        assertTrue(got.stream().filter(r -> r.httpMethod().equals("POST"))
                .allMatch(r -> r.path().startsWith("/messages?session_id=")), got.toString());
        assertTrue(got.stream().filter(r -> r.body() != null && r.body().has("id"))
                .allMatch(r -> r.body().get("id").asText().startsWith("switchboard-")),
                "ids of the gateway's own on the shared stream");
    }

    @Test
    void progressOnTheSharedStreamGoesToTheRequestItBelongsTo() {
        String session = mcp.initialize("legacy", KEY);
        McpHttp.Reply reply = mcp.post("legacy", headers(KEY, session), request(5, "tools/call",
                "{\"name\":\"progress\",\"arguments\":{},\"_meta\":{\"progressToken\":\"tok-9\"}}"));
        assertTrue(reply.isSse(), reply.body());
        List<McpHttp.Event> events = reply.events();
        assertEquals(2, events.size(), reply.body());
        assertEquals("notifications/progress", events.get(0).json().path("method").asText());
        assertEquals("tok-9", events.get(0).json().path("params").path("progressToken").asText());
        assertEquals(5, events.get(1).json().path("id").asInt());
        assertEquals("legacy: done", events.get(1).json().path("result").path("content").get(0).path("text").asText());
    }

    @Test
    void aNotificationOfTheServerReachesTheClientsGetStream() throws Exception {
        String session = mcp.initialize("legacy", KEY);
        var h = headers(KEY, session);
        h.put("accept", "text/event-stream");
        h.remove("content-type");
        HttpResponse<Stream<String>> stream = mcp.openStream("legacy", h);
        assertEquals(200, stream.statusCode());
        CompletableFuture<String> notified = CompletableFuture.supplyAsync(() -> {
            Iterator<String> lines = stream.body().iterator();
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.contains("list_changed")) {
                    return line;
                }
            }
            return null;
        });
        assertEquals("announced", textOf(mcp.call("legacy", KEY, session, "announce", "{}")));
        assertTrue(notified.get(10, TimeUnit.SECONDS).contains("notifications/tools/list_changed"));
        stream.body().close();
    }

    @Test
    void samplingOverTheSharedStreamReachesTheClientAndItsAnswerGoesBack() {
        try (McpSyncClient c = client(gateway.baseUrl(), "legacy", KEY, spec -> spec
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().build())
                .sampling(request -> McpSchema.CreateMessageResult.builder()
                        .role(McpSchema.Role.ASSISTANT)
                        .content(new McpSchema.TextContent("from the sdk"))
                        .model("test-model")
                        .build()))) {
            c.initialize();
            assertEquals("sampled: from the sdk",
                    text(c.callTool(new McpSchema.CallToolRequest("sample", Map.of("prompt", "p")))));
        }
    }

    @Test
    void aSessionWhoseUpstreamStreamEndedIsA404SoTheClientStartsOver() {
        String session = mcp.initialize("legacy", KEY);
        legacy.dropStreams();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        McpHttp.Reply reply;
        do {
            reply = mcp.call("legacy", KEY, session, "echo", "{}");
        } while (reply.status() != 404 && System.nanoTime() < deadline);
        assertRpcError(reply, 404, -32001, "Session not found");
        String fresh = mcp.initialize("legacy", KEY);
        assertEquals("legacy: again", textOf(mcp.call("legacy", KEY, fresh, "echo", "{\"message\":\"again\"}")));
    }

    @Test
    void deleteEndsTheLegacySession() {
        String session = mcp.initialize("legacy", KEY);
        assertEquals(200, mcp.delete("legacy", headers(KEY, session)).status());
        assertRpcError(mcp.call("legacy", KEY, session, "echo", "{}"), 404, -32001, "Session not found");
    }

    @Test
    void aLegacySessionLivesOnlyInTheReplicaThatHoldsItsStream() {
        String session = mcp.initialize("legacy", KEY);
        try (SecondGateway replica = new SecondGateway(SESSION_KEY, config())) {
            McpHttp.Reply elsewhere = new McpHttp(replica.baseUrl()).call("legacy", KEY, session, "echo", "{}");
            assertRpcError(elsewhere, 404, -32001, "Session not found");
        }
        assertEquals("legacy: still here", textOf(mcp.call("legacy", KEY, session, "echo",
                "{\"message\":\"still here\"}")));
    }

    @Test
    void aVirtualServerMixesLegacyAndStreamableServers() {
        String session = mcp.initialize("mixed", KEY);
        List<String> names = new ArrayList<>();
        mcp.post("mixed", headers(KEY, session), request(1, "tools/list", null)).message().path("result").path("tools")
                .forEach(t -> names.add(t.path("name").asText()));
        assertEquals(List.of("legacy__echo", "progress", "modern__echo"), names);
        assertEquals("legacy: v", textOf(mcp.call("mixed", KEY, session, "legacy__echo", "{\"message\":\"v\"}")));
        assertEquals("modern: v", textOf(mcp.call("mixed", KEY, session, "modern__echo", "{\"message\":\"v\"}")));
    }

    @Test
    void theReferenceServerInSseModeWorksThroughTheGatewayWithTheSdk() {
        Assumptions.assumeTrue(everything.isPresent(), NodePeers.unavailableReason());
        try (McpSyncClient c = client(gateway.baseUrl(), "everything-sse", KEY, spec -> spec
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().build())
                .sampling(request -> McpSchema.CreateMessageResult.builder()
                        .role(McpSchema.Role.ASSISTANT)
                        .content(new McpSchema.TextContent("sampled over the old transport"))
                        .model("test-model")
                        .build()))) {
            c.initialize();
            List<String> tools = c.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertTrue(tools.contains("echo") && tools.contains("get-sum"), tools.toString());
            assertFalse(tools.contains("get-env"), "the policy applies as for any server");
            assertTrue(text(c.callTool(new McpSchema.CallToolRequest("get-sum", Map.of("a", 2, "b", 3)))).contains("5"));
            assertEquals("Echo: hi", text(c.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "hi")))));
            McpSchema.CallToolResult sampled = c.callTool(new McpSchema.CallToolRequest("trigger-sampling-request",
                    Map.of("prompt", "hello", "maxTokens", 20)));
            assertTrue(text(sampled).contains("sampled over the old transport"), text(sampled));
            McpSchema.ReadResourceResult doc = c.readResource(
                    new McpSchema.ReadResourceRequest("demo://resource/static/document/architecture.md"));
            assertFalse(doc.contents().isEmpty());
            assertTrue(c.listPrompts().prompts().stream().anyMatch(p -> p.name().equals("simple-prompt")));
        }
    }
}
