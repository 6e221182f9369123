package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpHttp.assertRpcError;
import static dev.switchboard.mcpgateway.support.McpHttp.headers;
import static dev.switchboard.mcpgateway.support.McpHttp.request;
import static dev.switchboard.mcpgateway.support.McpTestResource.ALICE_KEY;
import static dev.switchboard.mcpgateway.support.McpTestResource.BOB_KEY;
import static dev.switchboard.mcpgateway.support.McpTestResource.CAROL_KEY;
import static dev.switchboard.mcpgateway.support.McpTestResource.CI_KEY;
import static dev.switchboard.mcpgateway.support.SdkClients.client;
import static dev.switchboard.mcpgateway.support.SdkClients.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.support.FakeMcpServer;
import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.McpTestResource;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The virtual server {@code combo} = alpha/echo, beta/echo, alpha/sample, alpha/progress, beta/whoami,
 * alpha/change_tools, alpha/wipe: aggregation, the naming rule, routing, ACLs, relayed notifications and requests.
 */
@QuarkusTest
class VirtualServerTest {

    @TestHTTPResource("/")
    URL root;

    McpHttp mcp;

    @BeforeEach
    void setUp() {
        mcp = new McpHttp(root);
    }

    private List<String> tools(String token) {
        String session = mcp.initialize("combo", token);
        JsonNode list = mcp.post("combo", headers(token, session), request(1, "tools/list", null)).message();
        List<String> names = new ArrayList<>();
        list.path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    @Test
    void initializeIsAnsweredByTheGatewayWithToolsOnly() {
        McpHttp.Reply init = mcp.post("combo", headers(CI_KEY, null), request(1, "initialize",
                "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}"));
        JsonNode result = init.json().path("result");
        assertEquals("2025-06-18", result.path("protocolVersion").asText());
        assertEquals("switchboard/combo", result.path("serverInfo").path("name").asText());
        assertTrue(result.path("capabilities").path("tools").path("listChanged").asBoolean());
        assertEquals("alpha and beta together", result.path("instructions").asText());
    }

    @Test
    void toolsOfSeveralServersAreListedUnderUniqueNames() {
        assertEquals(List.of("alpha__echo", "progress", "sample", "change_tools", "interrupt", "wipe", "beta__echo",
                "whoami"), tools(ALICE_KEY));
    }

    @Test
    void eachCallerSeesOnlyWhatTheirPoliciesAllow() {
        assertEquals(List.of("alpha__echo", "beta__echo"), tools(CI_KEY));
        assertEquals(List.of("alpha__echo"), tools(BOB_KEY));
        assertRpcError(mcp.post("combo", headers(CAROL_KEY, null), request(1, "initialize",
                "{\"protocolVersion\":\"2025-11-25\"}")), 403, -32600, "'combo'");
    }

    @Test
    void eachCallIsRoutedToItsUpstreamUnderTheUpstreamsOwnName() {
        McpTestResource.alpha.clear();
        McpTestResource.beta.clear();
        String session = mcp.initialize("combo", CI_KEY);
        McpHttp.Reply beta = mcp.call("combo", CI_KEY, session, "beta__echo", "{\"message\":\"b\"}");
        assertEquals("beta: b", beta.json().path("result").path("content").get(0).path("text").asText());
        assertEquals(7, beta.json().path("id").asInt());
        McpHttp.Reply alpha = mcp.call("combo", CI_KEY, session, "alpha__echo", "{\"message\":\"a\"}");
        assertEquals("alpha: a", alpha.json().path("result").path("content").get(0).path("text").asText());
        assertEquals(List.of("echo"), McpTestResource.alpha.calledTools());
        assertEquals(List.of("echo"), McpTestResource.beta.calledTools());
    }

    @Test
    void anUnlistedOrUnpermittedToolIsRefusedWithoutReachingAnUpstream() {
        McpTestResource.alpha.clear();
        McpTestResource.beta.clear();
        String session = mcp.initialize("combo", CI_KEY);
        assertRpcError(mcp.call("combo", CI_KEY, session, "echo", "{}"), 200, -32602, "Unknown tool: 'echo'");
        assertRpcError(mcp.call("combo", CI_KEY, session, "whoami", "{}"), 200, -32602, "Unknown tool: 'whoami'");
        assertRpcError(mcp.call("combo", CI_KEY, session, "fail", "{}"), 200, -32602, "Unknown tool: 'fail'");
        assertEquals(List.of(), McpTestResource.alpha.calledTools());
        assertEquals(List.of(), McpTestResource.beta.calledTools());
    }

    @Test
    void otherMethodsThanToolsAreNotFoundOnAVirtualServer() {
        String session = mcp.initialize("combo", CI_KEY);
        assertRpcError(mcp.post("combo", headers(CI_KEY, session), request(2, "resources/list", null)), 200, -32601,
                "resources/list");
        McpHttp.Reply ping = mcp.post("combo", headers(CI_KEY, session), request(3, "ping", null));
        assertTrue(ping.json().path("result").isObject(), ping.body());
    }

    @Test
    void progressIsRelayedWithEventIdsOfTheVirtualServer() {
        String session = mcp.initialize("combo", ALICE_KEY);
        McpHttp.Reply reply = mcp.post("combo", headers(ALICE_KEY, session), request(4, "tools/call",
                "{\"name\":\"progress\",\"arguments\":{},\"_meta\":{\"progressToken\":\"p\"}}"));
        assertTrue(reply.isSse(), reply.body());
        List<McpHttp.Event> events = reply.events();
        assertEquals(3, events.size(), reply.body());
        assertEquals("", events.get(0).data(), "the priming event, so that the client can resume from the start");
        assertEquals(1500L, events.get(0).retry());
        assertEquals("notifications/progress", events.get(1).json().path("method").asText(), reply.body());
        assertEquals("alpha: done", reply.message().path("result").path("content").get(0).path("text").asText());
        for (McpHttp.Event e : events) {
            Map<String, String> position = position(e.id());
            assertEquals(List.of("alpha"), List.copyOf(position.keySet()), e.id());
            assertTrue(position.get("alpha").startsWith("alpha-ev-"), "the upstream's own id inside: " + position);
        }
    }

    /** The upstream event ids a virtual server's event id carries (see VirtualEventIds). */
    private static Map<String, String> position(String eventId) {
        String[] parts = eventId.split("\\.");
        Map<String, String> ids = new java.util.LinkedHashMap<>();
        for (int i = 1; i + 1 < parts.length; i += 2) {
            ids.put(new String(java.util.Base64.getUrlDecoder().decode(parts[i])),
                    new String(java.util.Base64.getUrlDecoder().decode(parts[i + 1])));
        }
        return ids;
    }

    private Map<String, String> streamHeaders(String session) {
        var h = headers(ALICE_KEY, session);
        h.put("accept", "text/event-stream");
        h.remove("content-type");
        return h;
    }

    /** Reads events from the stream until one of them carries {@code method}; returns the id of the last event read. */
    private static String readUntil(Iterator<String> lines, String... methods) {
        List<String> wanted = new ArrayList<>(List.of(methods));
        String lastId = null;
        while (!wanted.isEmpty() && lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("id: ")) {
                lastId = line.substring(4);
            }
            wanted.removeIf(m -> line.startsWith("data: ") && line.contains("\"" + m + "\""));
        }
        assertEquals(List.of(), wanted, "the stream ended before these came");
        return lastId;
    }

    @Test
    void aMergedStreamIsResumedAtEachUpstreamFromWhereItStood() throws Exception {
        String session = mcp.initialize("combo", ALICE_KEY);
        int alphaStreams = McpTestResource.alpha.openStreams();
        int betaStreams = McpTestResource.beta.openStreams();
        HttpResponse<Stream<String>> first = mcp.openStream("combo", streamHeaders(session));
        assertEquals(200, first.statusCode());
        StreamableHttpProxyTest.waitForStreams(McpTestResource.alpha, alphaStreams + 1);
        StreamableHttpProxyTest.waitForStreams(McpTestResource.beta, betaStreams + 1);
        McpTestResource.alpha.pushToAllStreams(FakeMcpServer.notificationOf("notifications/resources/list_changed"));
        McpTestResource.beta.pushToAllStreams(FakeMcpServer.notificationOf("notifications/prompts/list_changed"));
        Iterator<String> lines = first.body().iterator();
        String lastId = CompletableFuture.supplyAsync(() -> readUntil(lines,
                "notifications/resources/list_changed", "notifications/prompts/list_changed")).get(10, TimeUnit.SECONDS);
        first.body().close();
        Map<String, String> stood = position(lastId);
        assertEquals(java.util.Set.of("alpha", "beta"), stood.keySet(), lastId);

        // while the client is away, alpha has more to say
        McpTestResource.alpha.pushToAllStreams(FakeMcpServer.notificationOf("notifications/tools/list_changed"));
        McpTestResource.alpha.clear();
        McpTestResource.beta.clear();
        var again = streamHeaders(session);
        again.put("last-event-id", lastId);
        HttpResponse<Stream<String>> resumed = mcp.openStream("combo", again);
        assertEquals(200, resumed.statusCode());
        Iterator<String> more = resumed.body().iterator();
        String replayedId = CompletableFuture.supplyAsync(() -> readUntil(more, "notifications/tools/list_changed"))
                .get(10, TimeUnit.SECONDS);
        resumed.body().close();
        assertEquals(stood.get("beta"), position(replayedId).get("beta"), "beta's position is kept");
        assertEquals(stood.get("alpha"), lastEventIdSentTo(McpTestResource.alpha));
        assertEquals(stood.get("beta"), lastEventIdSentTo(McpTestResource.beta));
    }

    private static String lastEventIdSentTo(FakeMcpServer server) {
        return server.received().stream().filter(r -> r.httpMethod().equals("GET"))
                .map(r -> r.headers().get("last-event-id")).findFirst().orElse(null);
    }

    @Test
    void anInterruptedToolCallIsResumedAtItsUpstream() {
        String session = mcp.initialize("combo", ALICE_KEY);
        McpHttp.Reply cut = mcp.post("combo", headers(ALICE_KEY, session), request(7, "tools/call",
                "{\"name\":\"interrupt\",\"arguments\":{},\"_meta\":{\"progressToken\":\"p\"}}"));
        assertTrue(cut.isSse(), cut.body());
        List<McpHttp.Event> events = cut.events();
        assertEquals(2, events.size(), "priming event and progress, then the upstream closed: " + cut.body());
        assertEquals(100L, events.get(0).retry());
        String last = events.get(1).id();
        McpTestResource.alpha.clear();
        var h = streamHeaders(session);
        h.put("last-event-id", last);
        McpHttp.Reply resumed = mcp.get("combo", h);
        assertEquals(200, resumed.status(), resumed.body());
        JsonNode answer = resumed.message();
        assertEquals(7, answer.path("id").asInt(), resumed.body());
        assertEquals("alpha: resumed", answer.path("result").path("content").get(0).path("text").asText());
        assertEquals(position(last).get("alpha"), lastEventIdSentTo(McpTestResource.alpha));
        assertEquals(List.of("alpha"), List.copyOf(position(resumed.events().get(0).id()).keySet()));
    }

    @Test
    void aLastEventIdThatNamesNoVirtualEventIsRefused() {
        String session = mcp.initialize("combo", ALICE_KEY);
        var h = streamHeaders(session);
        h.put("last-event-id", "alpha-ev-3");
        assertRpcError(mcp.get("combo", h), 400, -32600, "Last-Event-ID names no event of this virtual server");
        h.put("last-event-id", "r." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("down".getBytes())
                + ".eA");
        assertRpcError(mcp.get("combo", h), 400, -32600, "Last-Event-ID names no event of this virtual server");
    }

    @Test
    void toolsListChangedOfAnUpstreamReachesTheClientOnTheGetStream() throws Exception {
        String session = mcp.initialize("combo", ALICE_KEY);
        var h = headers(ALICE_KEY, session);
        h.put("accept", "text/event-stream");
        h.remove("content-type");
        int before = McpTestResource.alpha.openStreams();
        HttpResponse<Stream<String>> stream = mcp.openStream("combo", h);
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
        StreamableHttpProxyTest.waitForStreams(McpTestResource.alpha, before + 1);
        assertEquals(200, mcp.call("combo", ALICE_KEY, session, "change_tools", "{}").status());
        assertTrue(notified.get(10, TimeUnit.SECONDS).contains("notifications/tools/list_changed"));
        stream.body().close();
    }

    @Test
    void samplingThroughAVirtualServerFindsItsWayBackToTheRightUpstream() {
        try (McpSyncClient c = client(root.toString(), "combo", ALICE_KEY, spec -> spec
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().build())
                .sampling(request -> McpSchema.CreateMessageResult.builder()
                        .role(McpSchema.Role.ASSISTANT)
                        .content(new McpSchema.TextContent("from the client"))
                        .model("test-model")
                        .build()))) {
            c.initialize();
            assertEquals("sampled: from the client",
                    text(c.callTool(new McpSchema.CallToolRequest("sample", Map.of("prompt", "p")))));
            assertEquals("beta: sdk", text(c.callTool(new McpSchema.CallToolRequest("beta__echo", Map.of("message", "sdk")))));
        }
    }
}
