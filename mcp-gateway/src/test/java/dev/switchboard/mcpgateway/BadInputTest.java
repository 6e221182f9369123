package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpHttp.assertRpcError;
import static dev.switchboard.mcpgateway.support.McpHttp.headers;
import static dev.switchboard.mcpgateway.support.McpHttp.request;
import static dev.switchboard.mcpgateway.support.McpTestResource.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.McpTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every bad input gets the status and JSON-RPC error the spec names, never a 500 or a hanging connection. */
@QuarkusTest
class BadInputTest {

    @TestHTTPResource("/")
    URL root;

    McpHttp mcp;
    String session;

    @BeforeEach
    void setUp() {
        mcp = new McpHttp(root);
        session = mcp.initialize("alpha", ALICE_KEY);
    }

    private McpHttp.Reply post(String body) {
        return mcp.post("alpha", headers(ALICE_KEY, session), body);
    }

    @Test
    void malformedJsonIsAParseError400() {
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1,"), 400, -32700, "Parse error");
        assertRpcError(post(""), 400, -32700, "Parse error");
    }

    @Test
    void aBatchArrayIsAnInvalidRequest400() {
        assertRpcError(post("[" + request(1, "ping", null) + "]"), 400, -32600, "batches are not supported");
    }

    @Test
    void aMessageThatIsNoJsonRpcIsAnInvalidRequest400() {
        assertRpcError(post("{\"id\":1,\"method\":\"ping\"}"), 400, -32600, "\"jsonrpc\" must be \"2.0\"");
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}"), 400, -32600, "\"id\"");
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[1]}"), 400, -32600, "params");
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1}"), 400, -32600, "a message needs");
        assertRpcError(post("42"), 400, -32600, "must be a JSON-RPC object");
    }

    @Test
    void anUnknownMethodIsMethodNotFoundWithoutReachingTheUpstream() {
        McpTestResource.alpha.clear();
        McpHttp.Reply reply = post(request(5, "tools/destroy", "{}"));
        assertEquals(5, assertRpcError(reply, 200, -32601, "Method not found: tools/destroy").path("id").asInt());
        assertTrue(McpTestResource.alpha.received().isEmpty());
    }

    @Test
    void aToolCallWithoutANameIsInvalidParams() {
        assertRpcError(post(request(6, "tools/call", "{\"arguments\":{}}")), 200, -32602, "params.name");
        assertRpcError(post(request(6, "tools/call", null)), 200, -32602, "params.name");
    }

    @Test
    void initializeWithoutAProtocolVersionIsInvalidParams() {
        McpHttp.Reply reply = mcp.post("alpha", headers(ALICE_KEY, null), request(1, "initialize", "{\"capabilities\":{}}"));
        assertRpcError(reply, 200, -32602, "protocolVersion");
    }

    @Test
    void anOversizedBodyIs413() {
        String big = request(1, "tools/call", "{\"name\":\"echo\",\"arguments\":{\"message\":\""
                + "x".repeat((int) McpTestResource.MAX_BODY_SIZE) + "\"}}");
        assertRpcError(post(big), 413, -32600, "larger than " + McpTestResource.MAX_BODY_SIZE);
    }

    @Test
    void aPostThatDoesNotAcceptBothJsonAndSseIs406() {
        Map<String, String> h = headers(ALICE_KEY, session);
        h.put("accept", "application/json");
        assertRpcError(mcp.post("alpha", h, request(1, "ping", null)), 406, -32600, "Not Acceptable");
        h.remove("accept");
        assertRpcError(mcp.post("alpha", h, request(1, "ping", null)), 406, -32600, "Not Acceptable");
        h.put("accept", "application/json;q=0, text/event-stream");
        assertRpcError(mcp.post("alpha", h, request(1, "ping", null)), 406, -32600, "Not Acceptable");
        h.put("accept", "*/*");
        assertEquals(200, mcp.post("alpha", h, request(1, "ping", null)).status());
    }

    @Test
    void aGetThatDoesNotAcceptSseIs406() {
        Map<String, String> h = headers(ALICE_KEY, session);
        h.put("accept", "application/json");
        assertRpcError(mcp.get("alpha", h), 406, -32600, "text/event-stream");
    }

    @Test
    void aBodyThatIsNotJsonIs415() {
        Map<String, String> h = headers(ALICE_KEY, session);
        h.put("content-type", "text/plain");
        assertRpcError(mcp.post("alpha", h, request(1, "ping", null)), 415, -32600, "application/json");
    }

    @Test
    void anUnsupportedProtocolVersionIs400() {
        Map<String, String> h = headers(ALICE_KEY, session);
        h.put("mcp-protocol-version", "2024-11-05");
        assertRpcError(mcp.post("alpha", h, request(1, "ping", null)), 400, -32600,
                "unsupported MCP-Protocol-Version '2024-11-05'");
        h.put("mcp-protocol-version", "2025-03-26");
        assertEquals(200, mcp.post("alpha", h, request(1, "ping", null)).status());
    }

    @Test
    void aRequestWithoutASessionIs400AndAnUnknownOneIs404() {
        assertRpcError(mcp.post("alpha", headers(ALICE_KEY, null), request(1, "tools/list", null)), 400, -32600,
                "Mcp-Session-Id header is required");
        assertRpcError(mcp.post("alpha", headers(ALICE_KEY, "not-a-session"), request(1, "tools/list", null)), 404,
                -32001, "Session not found");
        Map<String, String> get = headers(ALICE_KEY, "bm90IGEgc2Vzc2lvbg");
        get.put("accept", "text/event-stream");
        assertRpcError(mcp.get("alpha", get), 404, -32001, "Session not found");
        assertRpcError(mcp.delete("alpha", headers(ALICE_KEY, "x".repeat(3_000))), 404, -32001, "Session not found");
    }

    @Test
    void aSessionOfAnotherEndpointIsUnknownHere() {
        assertRpcError(mcp.post("beta", headers(ALICE_KEY, session), request(1, "tools/list", null)), 404, -32001,
                "Session not found");
    }

    @Test
    void anUnknownServerIs404() {
        assertRpcError(mcp.post("nope", headers(ALICE_KEY, null), request(1, "ping", null)), 404, -32600,
                "no MCP server or virtual MCP server is named 'nope'");
    }

    @Test
    void anUnsupportedHttpMethodIs405() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(mcp.url("alpha")))
                .method("PUT", HttpRequest.BodyPublishers.ofString("{}"))
                .header("authorization", "Bearer " + ALICE_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode(), r.body());
        assertEquals("GET, POST, DELETE", r.headers().firstValue("allow").orElse(""));
    }

    @Test
    void aForeignHostIs403AgainstDnsRebinding() throws Exception {
        HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(mcp.url("alpha")))
                .POST(HttpRequest.BodyPublishers.ofString(request(1, "ping", null)))
                .header("host", "attacker.example:" + root.getPort());
        headers(ALICE_KEY, session).forEach(b::header);
        HttpResponse<String> r = http1.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("Host 'attacker.example' is not allowed"), r.body());
    }

    @Test
    void aForeignOriginIs403AndAConfiguredOrLocalOneIsServed() {
        Map<String, String> h = headers(ALICE_KEY, session);
        h.put("origin", "https://attacker.example");
        assertRpcError(mcp.post("alpha", h, request(1, "ping", null)), 403, -32600,
                "Origin 'https://attacker.example' is not allowed");
        h.put("origin", "null");
        assertRpcError(mcp.post("alpha", h, request(1, "ping", null)), 403, -32600, "Origin 'null'");
        h.put("origin", "https://console.example.com");
        assertEquals(200, mcp.post("alpha", h, request(1, "ping", null)).status());
        h.put("origin", "http://localhost:6274");
        assertEquals(200, mcp.post("alpha", h, request(1, "ping", null)).status());
    }

    @Test
    void headersOverTheLimitAreAJsonRpcErrorNotABare431() {
        Map<String, String> h = new java.util.HashMap<>(headers(ALICE_KEY, session));
        h.put("x-huge", "s3cr3t-" + "x".repeat(30 * 1024));
        McpHttp.Reply reply = mcp.post("alpha", h, request(1, "ping", null));
        assertRpcError(reply, 431, -32600, "The request headers are ");
        assertTrue(reply.body().contains("over the limit of 20480 bytes"), reply.body());
        assertTrue(!reply.body().contains("s3cr3t"), "never a header's value");
    }

    @Test
    void aRequestLineOverTheLimitIsAJsonRpcErrorNotABare414() {
        McpHttp.Reply reply = mcp.send(HttpRequest.newBuilder(URI.create(mcp.url("alpha") + "?q=" + "a".repeat(5000)))
                .header("authorization", "Bearer " + ALICE_KEY).header("accept", McpHttp.ACCEPT_BOTH)
                .POST(HttpRequest.BodyPublishers.ofString(request(1, "ping", null))).build());
        assertRpcError(reply, 414, -32600, "The request line is ");
    }
}
