package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpHttp.assertRpcError;
import static dev.switchboard.mcpgateway.support.McpHttp.headers;
import static dev.switchboard.mcpgateway.support.McpHttp.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.mcpgateway.support.FakeMcpServer;
import dev.switchboard.mcpgateway.support.FakeTokenEndpoint;
import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.SecondGateway;
import dev.switchboard.model.config.ApiKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Outbound OAuth: the gateway gets access tokens with client credentials (a generic OAuth server, and a Databricks
 * workspace's {@code /oidc/v1/token} for a service principal), caches them, renews them before they lapse, fetches one
 * token for any number of concurrent requests, renews a token the upstream refuses, and never shows a secret. The token
 * endpoints and MCP servers are real HTTP servers; each test runs a gateway of its own, so that its token cache starts
 * empty.
 */
class OutboundOAuthTest {

    private static final String KEY = "sk-sb-oauth-test-0000000000";
    private static final String CLIENT_SECRET = "idp-client-secret-DO-NOT-LEAK";
    private static final String SP_SECRET = "dbx-sp-secret-DO-NOT-LEAK";
    private static final byte[] SESSION_KEY = "oauth-test-session-key-32-bytes!".getBytes();

    private static FakeTokenEndpoint idp;
    private static FakeMcpServer secured;
    private static FakeTokenEndpoint workspaceTokens;
    private static FakeMcpServer genie;

    private SecondGateway gateway;
    private McpHttp mcp;
    private final List<LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void startServers() {
        idp = FakeTokenEndpoint.start().client("switchboard-gateway", CLIENT_SECRET);
        secured = FakeMcpServer.start("secured");
        secured.requireBearer(idp::valid);
        workspaceTokens = FakeTokenEndpoint.mounted().client("sp-0001", SP_SECRET);
        genie = FakeMcpServer.start("genie", "/api/2.0/mcp/genie/01ef0000000000000000000000000000");
        genie.mount("/oidc/v1/token", workspaceTokens.handler());
        genie.requireBearer(workspaceTokens::valid);
    }

    @AfterAll
    static void stopServers() {
        secured.close();
        genie.close();
        idp.close();
    }

    @BeforeEach
    void startGateway() {
        idp.lifetime(Duration.ofHours(1));
        idp.delay(Duration.ZERO);
        idp.failWith(0);
        gateway = new SecondGateway(SESSION_KEY, config());
        mcp = new McpHttp(gateway.baseUrl());
        Logger.getLogger("dev.switchboard").addHandler(capture);
        Logger.getLogger("dev.switchboard").setLevel(Level.ALL);
    }

    @AfterEach
    void stopGateway() {
        Logger.getLogger("dev.switchboard").removeHandler(capture);
        gateway.close();
    }

    private static String config() {
        return """
                users: [{name: alice}]
                api_keys:
                  - {name: alice-key, subject: user:alice, key_hash: %s}
                mcp_servers:
                  - name: secured
                    url: %s
                    auth:
                      type: oauth-client-credentials
                      token_url: %s
                      client_id: switchboard-gateway
                      client_secret: %s
                      scope: mcp.read mcp.call
                      audience: https://mcp.example.com
                  - name: secured-post
                    url: %s
                    auth:
                      type: oauth-client-credentials
                      token_url: %s
                      client_id: switchboard-gateway
                      client_secret: %s
                      token_endpoint_auth_method: client_secret_post
                  - name: wrong-secret
                    url: %s
                    auth:
                      type: oauth-client-credentials
                      token_url: %s
                      client_id: switchboard-gateway
                      client_secret: %s-but-wrong
                  - name: idp-down
                    url: %s
                    auth:
                      type: oauth-client-credentials
                      token_url: http://127.0.0.1:1/oauth/token
                      client_id: switchboard-gateway
                      client_secret: %s
                  - name: genie
                    url: %s
                    auth:
                      type: databricks-service-principal
                      client_id: sp-0001
                      client_secret: %s
                tool_policies:
                  - {name: all-secured, subjects: [user:alice], server: secured}
                  - {name: all-secured-post, subjects: [user:alice], server: secured-post}
                  - {name: all-wrong, subjects: [user:alice], server: wrong-secret}
                  - {name: all-down, subjects: [user:alice], server: idp-down}
                  - {name: all-genie, subjects: [user:alice], server: genie}
                """.formatted(ApiKey.hashOf(KEY), secured.url(), idp.url(), CLIENT_SECRET, secured.url(), idp.url(),
                CLIENT_SECRET, secured.url(), idp.url(), CLIENT_SECRET, secured.url(), CLIENT_SECRET, genie.url(),
                SP_SECRET);
    }

    private static String text(McpHttp.Reply reply) {
        return reply.message().path("result").path("content").path(0).path("text").asText(reply.body());
    }

    /** The bearer tokens the upstream received since it was cleared. */
    private static Set<String> tokensSeenBy(FakeMcpServer server) {
        Set<String> tokens = ConcurrentHashMap.newKeySet();
        server.received().forEach(r -> tokens.add(r.headers().getOrDefault("authorization", "")));
        return tokens;
    }

    @Test
    void fiftyConcurrentSessionsMakeOneTokenRequest() throws Exception {
        int before = idp.calls();
        idp.delay(Duration.ofMillis(300)); // every session needs the token while the one request is under way
        secured.clear();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<String>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                calls.add(pool.submit(() -> {
                    String session = mcp.initialize("secured", KEY);
                    return text(mcp.call("secured", KEY, session, "echo", "{\"message\":\"call " + n + "\"}"));
                }));
            }
            for (int i = 0; i < 50; i++) {
                assertEquals("secured: call " + i, calls.get(i).get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, idp.calls() - before, "one token request for 50 concurrent sessions");
        Set<String> tokens = tokensSeenBy(secured);
        assertEquals(1, tokens.size(), tokens.toString());
        assertTrue(tokens.iterator().next().startsWith("Bearer tok-"));
        FakeTokenEndpoint.TokenRequest sent = idp.requests().get(idp.requests().size() - 1);
        assertEquals(Map.of("grant_type", "client_credentials", "scope", "mcp.read mcp.call",
                "audience", "https://mcp.example.com"), sent.form());
        assertEquals("basic", sent.clientAuth());
        assertEquals("switchboard-gateway", sent.clientId());
    }

    @Test
    void theClientSecretCanGoInTheFormBody() {
        String session = mcp.initialize("secured-post", KEY);
        assertEquals("secured: posted", text(mcp.call("secured-post", KEY, session, "echo", "{\"message\":\"posted\"}")));
        FakeTokenEndpoint.TokenRequest sent = idp.requests().get(idp.requests().size() - 1);
        assertEquals("post", sent.clientAuth());
        assertEquals(CLIENT_SECRET, sent.form().get("client_secret"));
    }

    @Test
    void anUpstream401WithAStaleTokenIsRenewedOnceAndTheCallSucceeds() {
        String session = mcp.initialize("secured", KEY);
        int calls = idp.calls();
        int refusals = secured.unauthorized();
        idp.revokeAll(); // the cached token is now refused, long before it expires
        McpHttp.Reply reply = mcp.call("secured", KEY, session, "echo", "{\"message\":\"after revocation\"}");
        assertEquals("secured: after revocation", text(reply));
        assertEquals(1, idp.calls() - calls, "one new token");
        assertEquals(1, secured.unauthorized() - refusals, "one refused try");
        assertEquals("secured: again", text(mcp.call("secured", KEY, session, "echo", "{\"message\":\"again\"}")));
        assertEquals(1, idp.calls() - calls, "the new token is cached");
    }

    @Test
    void aShortLivedTokenIsRenewedBeforeItLapses() throws Exception {
        idp.lifetime(Duration.ofSeconds(2)); // renewed after one second, half-way through its life
        int calls = idp.calls();
        int refusals = secured.unauthorized();
        String session = mcp.initialize("secured", KEY);
        for (int i = 0; i < 3; i++) {
            assertEquals("secured: " + i, text(mcp.call("secured", KEY, session, "echo", "{\"message\":\"" + i + "\"}")));
            Thread.sleep(1_100);
        }
        assertEquals(3, idp.calls() - calls, "a new token each time the last one was half-way through its life");
        assertEquals(0, secured.unauthorized() - refusals, "the upstream never saw a lapsed token");
    }

    @Test
    void aTokenEndpointThatRefusesIsAJsonRpcErrorWithoutAnySecret() {
        McpHttp.Reply reply = mcp.post("wrong-secret", headers(KEY, null), request(1, "initialize",
                "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}"));
        assertRpcError(reply, 200, -32000, "The MCP server 'wrong-secret' failed: the gateway could not get an access "
                + "token for it: the token endpoint answered HTTP 401 (invalid_client)");
        assertFalse(reply.body().contains(CLIENT_SECRET), reply.body());
        assertEquals(1, reply.message().path("id").asInt());

        String session = mcp.initialize("secured", KEY);
        idp.failWith(503);
        idp.revokeAll(); // the upstream refuses the cached token, and no new one can be had
        McpHttp.Reply failed = mcp.call("secured", KEY, session, "echo", "{}");
        assertRpcError(failed, 200, -32000, "the token endpoint answered HTTP 503 (temporarily_unavailable)");
        assertEquals(7, failed.message().path("id").asInt());
    }

    @Test
    void anUnreachableTokenEndpointIsAJsonRpcErrorToo() {
        McpHttp.Reply reply = mcp.post("idp-down", headers(KEY, null), request(1, "initialize",
                "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}"));
        assertRpcError(reply, 200, -32000, "could not get an access token for it: the token endpoint cannot be reached");
    }

    @Test
    void noSecretOrTokenIsEverLogged() {
        String session = mcp.initialize("secured", KEY);
        mcp.call("secured", KEY, session, "echo", "{}");
        mcp.post("wrong-secret", headers(KEY, null), request(1, "initialize", "{\"protocolVersion\":\"2025-11-25\"}"));
        String databricks = mcp.initialize("genie", KEY);
        mcp.call("genie", KEY, databricks, "echo", "{}");
        assertFalse(logged.isEmpty(), "the gateway logs token requests");
        Set<String> tokens = tokensSeenBy(secured);
        tokens.addAll(tokensSeenBy(genie));
        for (LogRecord record : logged) {
            String line = new java.util.logging.SimpleFormatter().formatMessage(record)
                    + (record.getThrown() == null ? "" : record.getThrown().toString());
            assertFalse(line.contains(CLIENT_SECRET) || line.contains(SP_SECRET), line);
            for (String token : tokens) {
                assertFalse(!token.isEmpty() && line.contains(token.replace("Bearer ", "")), line);
            }
        }
    }

    @Test
    void aDatabricksServicePrincipalGetsItsTokenFromTheWorkspaceOfTheServersUrl() {
        int before = workspaceTokens.calls();
        genie.clear();
        String session = mcp.initialize("genie", KEY);
        assertEquals("genie: space", text(mcp.call("genie", KEY, session, "echo", "{\"message\":\"space\"}")));
        assertEquals(1, workspaceTokens.calls() - before);
        FakeTokenEndpoint.TokenRequest sent = workspaceTokens.requests().get(workspaceTokens.requests().size() - 1);
        assertEquals(Map.of("grant_type", "client_credentials", "scope", "all-apis"), sent.form());
        assertEquals("basic", sent.clientAuth());
        assertEquals("sp-0001", sent.clientId());
        Set<String> tokens = tokensSeenBy(genie);
        assertEquals(1, tokens.size(), tokens.toString());
        assertTrue(workspaceTokens.valid(tokens.iterator().next().substring("Bearer ".length())));
    }
}
