package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpHttp.assertRpcError;
import static dev.switchboard.mcpgateway.support.McpHttp.headers;
import static dev.switchboard.mcpgateway.support.McpHttp.request;
import static dev.switchboard.mcpgateway.support.McpTestResource.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.support.FakeMcpServer;
import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.McpTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Streamable HTTP reverse proxy for one upstream, on the wire: what passes through and how it is relayed. */
@QuarkusTest
class StreamableHttpProxyTest {

    @TestHTTPResource("/")
    URL root;

    McpHttp mcp;
    FakeMcpServer alpha;

    @BeforeEach
    void setUp() {
        mcp = new McpHttp(root);
        alpha = McpTestResource.alpha;
        alpha.sseResponses(false);
    }

    @Test
    void initializeOpensAGatewaySessionThatHidesTheUpstreamOne() {
        McpHttp.Reply init = mcp.post("alpha", headers(ALICE_KEY, null), request(1, "initialize",
                "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}"));
        assertEquals(200, init.status(), init.body());
        assertEquals("2025-06-18", init.json().path("result").path("protocolVersion").asText());
        assertEquals("fake-mcp-alpha", init.json().path("result").path("serverInfo").path("name").asText());
        String session = init.header("mcp-session-id");
        assertTrue(session.matches("[A-Za-z0-9_-]{40,}"), session);
        alpha.clear();
        assertEquals(200, mcp.post("alpha", headers(ALICE_KEY, session), request(2, "ping", null)).status());
        String upstreamSession = alpha.received().get(0).headers().get("mcp-session-id");
        assertNotNull(upstreamSession);
        assertFalse(session.contains(upstreamSession), "the upstream's own session id must not be handed out");
    }

    @Test
    void aToolCallPassesThroughWithItsIdAndTheUpstreamsSessionAndVersion() {
        String session = mcp.initialize("alpha", ALICE_KEY);
        alpha.clear();
        McpHttp.Reply reply = mcp.post("alpha", headers(ALICE_KEY, session),
                request("req-\u00e9", "tools/call", "{\"name\":\"echo\",\"arguments\":{\"message\":\"hi\"}}"));
        assertEquals(200, reply.status(), reply.body());
        assertEquals("application/json", reply.header("content-type"));
        assertEquals("req-\u00e9", reply.json().get("id").asText());
        assertEquals("alpha: hi", reply.json().path("result").path("content").get(0).path("text").asText());
        FakeMcpServer.Received got = alpha.received().get(0);
        assertEquals("2025-11-25", got.headers().get("mcp-protocol-version"));
        assertTrue(got.headers().get("mcp-session-id").matches("[0-9a-f-]{36}"), got.headers().toString());
    }

    @Test
    void anSseAnswerIsRelayedEventByEventWithIdsRetryAndPrimingEvent() {
        String session = mcp.initialize("alpha", ALICE_KEY);
        McpHttp.Reply reply = mcp.post("alpha", headers(ALICE_KEY, session), request(3, "tools/call",
                "{\"name\":\"progress\",\"arguments\":{},\"_meta\":{\"progressToken\":\"tok-1\"}}"));
        assertEquals(200, reply.status(), reply.body());
        assertTrue(reply.isSse(), reply.headers().toString());
        List<McpHttp.Event> events = reply.events();
        assertEquals(3, events.size(), reply.body());
        assertTrue(events.get(0).id().startsWith("alpha-ev-"), "priming event keeps its id");
        assertEquals("", events.get(0).data());
        assertEquals(1500L, events.get(0).retry());
        assertEquals("notifications/progress", events.get(1).json().path("method").asText());
        assertEquals("tok-1", events.get(1).json().path("params").path("progressToken").asText());
        assertTrue(events.get(1).id().startsWith("alpha-ev-"));
        assertEquals(3, events.get(2).json().path("id").asInt());
        assertEquals("alpha: done", events.get(2).json().path("result").path("content").get(0).path("text").asText());
        assertTrue(events.get(2).id().startsWith("alpha-ev-"));
    }

    @Test
    void plainRequestsOtherThanToolsArePassedThrough() {
        String session = mcp.initialize("alpha", ALICE_KEY);
        McpHttp.Reply ping = mcp.post("alpha", headers(ALICE_KEY, session), request(9, "ping", null));
        assertEquals(200, ping.status(), ping.body());
        assertEquals(9, ping.json().path("id").asInt());
        assertTrue(ping.json().path("result").isObject());
        McpHttp.Reply unknownUpstream = mcp.post("alpha", headers(ALICE_KEY, session), request(10, "prompts/list", null));
        assertRpcError(unknownUpstream, 200, -32601, "prompts/list");
    }

    @Test
    void notificationsAndResponsesAreAcceptedWith202() {
        String session = mcp.initialize("alpha", ALICE_KEY);
        McpHttp.Reply n = mcp.post("alpha", headers(ALICE_KEY, session),
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}");
        assertEquals(202, n.status(), n.body());
        assertEquals("", n.body());
    }

    @Test
    void theGetStreamRelaysServerNotifications() throws Exception {
        String session = mcp.initialize("alpha", ALICE_KEY);
        var h = headers(ALICE_KEY, session);
        h.put("accept", "text/event-stream");
        h.remove("content-type");
        HttpResponse<Stream<String>> stream = mcp.openStream("alpha", h);
        assertEquals(200, stream.statusCode());
        assertEquals("text/event-stream", stream.headers().firstValue("content-type").orElse(""));
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
        waitForStreams(alpha, 1);
        McpHttp.Reply changed = mcp.call("alpha", ALICE_KEY, session, "change_tools", "{}");
        assertEquals(200, changed.status(), changed.body());
        String line = notified.get(10, TimeUnit.SECONDS);
        assertTrue(line.contains("notifications/tools/list_changed"), line);
        stream.body().close();
    }

    @Test
    void deleteEndsTheSessionUpstreamSoItIsThen404() {
        String session = mcp.initialize("alpha", ALICE_KEY);
        McpHttp.Reply deleted = mcp.delete("alpha", headers(ALICE_KEY, session));
        assertEquals(200, deleted.status(), deleted.body());
        McpHttp.Reply after = mcp.post("alpha", headers(ALICE_KEY, session), request(1, "tools/list", null));
        assertRpcError(after, 404, -32001, "Session not found");
    }

    @Test
    void anUpstreamThatLostTheSessionMakesTheClientStartOver() {
        String session = mcp.initialize("alpha", ALICE_KEY);
        alpha.forgetSessions();
        McpHttp.Reply after = mcp.post("alpha", headers(ALICE_KEY, session), request(1, "tools/list", null));
        assertRpcError(after, 404, -32001, "Session not found");
    }

    @Test
    void anUpstreamHttpFailureIsAJsonRpcErrorWithTheRequestsId() {
        String session = mcp.initialize("alpha", ALICE_KEY);
        McpHttp.Reply reply = mcp.call("alpha", ALICE_KEY, session, "fail", "{}");
        JsonNode error = assertRpcError(reply, 200, -32000, "The MCP server 'alpha' failed: HTTP 500");
        assertEquals(7, error.path("id").asInt());
        assertFalse(reply.body().contains("exploded"), "the upstream's body is not echoed");
    }

    @Test
    void aStalledUpstreamIsATimeoutErrorWithinTheConfiguredTimeout() {
        String session = mcp.initialize("alpha", ALICE_KEY);
        long start = System.nanoTime();
        McpHttp.Reply reply = mcp.call("alpha", ALICE_KEY, session, "stall", "{}");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertRpcError(reply, 200, -32001, "did not answer within 1500 ms");
        assertTrue(ms < 10_000, "answered after " + ms + " ms");
    }

    @Test
    void anUpstreamThatDropsItsStreamWithoutIdsEndsItWithAnErrorEvent() {
        String session = mcp.initialize("alpha", ALICE_KEY);
        McpHttp.Reply reply = mcp.call("alpha", ALICE_KEY, session, "drop", "{}");
        assertTrue(reply.isSse());
        List<McpHttp.Event> events = reply.events();
        assertEquals("notifications/message", events.get(0).json().path("method").asText());
        JsonNode last = events.get(events.size() - 1).json();
        assertEquals(-32000, last.path("error").path("code").asInt(), reply.body());
        assertEquals(7, last.path("id").asInt());
        assertTrue(last.path("error").path("message").asText().contains("closed the stream before answering"));
    }

    @Test
    void anUnreachableUpstreamFailsInitializeWithAJsonRpcError() {
        McpHttp.Reply reply = mcp.post("down", headers(ALICE_KEY, null), request(1, "initialize",
                "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}"));
        assertRpcError(reply, 200, -32000, "The MCP server 'down' failed: it refused the connection");
        assertNull(reply.header("mcp-session-id"));
    }

    static void waitForStreams(FakeMcpServer server, int atLeast) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.openStreams() < atLeast && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
