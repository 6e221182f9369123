package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpHttp.assertRpcError;
import static dev.switchboard.mcpgateway.support.McpHttp.headers;
import static dev.switchboard.mcpgateway.support.McpHttp.request;
import static dev.switchboard.mcpgateway.support.McpTestResource.ALICE_KEY;
import static dev.switchboard.mcpgateway.support.McpTestResource.ALPHA_TOKEN;
import static dev.switchboard.mcpgateway.support.McpTestResource.AUDIENCE;
import static dev.switchboard.mcpgateway.support.McpTestResource.BETA_TOKEN;
import static dev.switchboard.mcpgateway.support.McpTestResource.BOB_KEY;
import static dev.switchboard.mcpgateway.support.McpTestResource.CAROL_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.support.FakeMcpServer;
import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.McpTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Inbound auth (API keys, JWTs, RFC 9728 discovery) and outbound credentials (the gateway's own, never the caller's). */
@QuarkusTest
class AuthTest {

    @TestHTTPResource("/")
    URL root;

    McpHttp mcp;

    @BeforeEach
    void setUp() {
        mcp = new McpHttp(root);
    }

    private static final String INIT = "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}";

    @Test
    void withoutATokenItIs401PointingAtTheProtectedResourceMetadata() {
        McpHttp.Reply reply = mcp.post("alpha", headers(null, null), request(1, "initialize", INIT));
        assertRpcError(reply, 401, -32600, "Unauthorized");
        String challenge = reply.header("www-authenticate");
        String metadata = mcp.base() + "/.well-known/oauth-protected-resource/mcp/v1/alpha/mcp";
        assertTrue(challenge.startsWith("Bearer "), challenge);
        assertTrue(challenge.contains("resource_metadata=\"" + metadata + "\""), challenge);
        assertFalse(challenge.contains("error="), "no error code when no token was sent: " + challenge);

        McpHttp.Reply doc = mcp.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(metadata)).build());
        assertEquals(200, doc.status(), doc.body());
        assertEquals(mcp.url("alpha"), doc.json().path("resource").asText());
        assertEquals(McpTestResource.idp.issuer(), doc.json().path("authorization_servers").get(0).asText());
        assertEquals("header", doc.json().path("bearer_methods_supported").get(0).asText());
    }

    @Test
    void aWrongKeyOrAnExpiredTokenIs401WithTheChallengeToo() {
        McpHttp.Reply wrong = mcp.post("alpha", headers("sk-wrong", null), request(1, "initialize", INIT));
        assertRpcError(wrong, 401, -32600, "Incorrect API key");
        assertTrue(wrong.header("www-authenticate").startsWith("Bearer error=\"invalid_token\", resource_metadata="),
                wrong.header("www-authenticate"));
        String expired = McpTestResource.idp.expiredToken("alice@example.com", List.of(), AUDIENCE);
        assertRpcError(mcp.post("alpha", headers(expired, null), request(1, "initialize", INIT)), 401, -32600,
                "expired");
        String wrongAudience = McpTestResource.idp.tokenFor("alice@example.com", List.of(), "someone-else");
        assertRpcError(mcp.post("alpha", headers(wrongAudience, null), request(1, "initialize", INIT)), 401, -32600,
                "audience");
    }

    @Test
    void aJwtOfTheConfiguredIdpWorksLikeAnApiKey() {
        String jwt = McpTestResource.aliceJwt();
        String session = mcp.initialize("alpha", jwt);
        McpHttp.Reply reply = mcp.call("alpha", jwt, session, "echo", "{\"message\":\"jwt\"}");
        assertEquals("alpha: jwt", reply.json().path("result").path("content").get(0).path("text").asText());
    }

    @Test
    void teamsClaimedByTheTokenGrantTheirTools() {
        String jwt = McpTestResource.idp.tokenFor("dave@example.com", List.of("analysts"), AUDIENCE);
        String session = mcp.initialize("beta", jwt);
        assertEquals(200, mcp.call("beta", jwt, session, "echo", "{\"message\":\"x\"}").status());
    }

    @Test
    void aCallerWithNoPolicyOnTheServerIs403() {
        assertRpcError(mcp.post("alpha", headers(CAROL_KEY, null), request(1, "initialize", INIT)), 403, -32600,
                "you may not use the MCP server 'alpha'");
        assertRpcError(mcp.post("beta", headers(BOB_KEY, null), request(1, "initialize", INIT)), 403, -32600,
                "'beta'");
    }

    @Test
    void aSessionPresentedByAnotherCallerDoesNotExistForThem() {
        String alices = mcp.initialize("alpha", ALICE_KEY);
        assertRpcError(mcp.post("alpha", headers(BOB_KEY, alices), request(1, "tools/list", null)), 404, -32001,
                "Session not found");
    }

    @Test
    void theGatewayPresentsItsOwnBearerTokenAndNeverTheCallers() {
        for (String token : List.of(ALICE_KEY, McpTestResource.aliceJwt())) {
            String session = mcp.initialize("alpha", token);
            McpHttp.Reply reply = mcp.call("alpha", token, session, "whoami", "{}");
            JsonNode seen = McpHttp.parse(reply.json().path("result").path("content").get(0).path("text").asText());
            assertEquals("Bearer " + ALPHA_TOKEN, seen.path("authorization").asText());
            assertFalse(reply.body().contains(token), "the caller's token reached the upstream");
            for (FakeMcpServer.Received r : McpTestResource.alpha.received()) {
                assertFalse(r.headers().toString().contains(token), "the caller's token reached the upstream");
            }
        }
    }

    @Test
    void aHeaderCredentialIsSentUnderItsOwnName() {
        String session = mcp.initialize("combo", ALICE_KEY);
        McpHttp.Reply reply = mcp.call("combo", ALICE_KEY, session, "whoami", "{}");
        JsonNode seen = McpHttp.parse(reply.json().path("result").path("content").get(0).path("text").asText());
        assertEquals(BETA_TOKEN, seen.path("x-api-key").asText());
        assertFalse(seen.has("authorization"), seen.toString());
    }
}
