package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpTestResource.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.McpTestResource;
import dev.switchboard.mcpgateway.support.SecondGateway;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OAuth discovery as an MCP client (Claude Code) walks it, with a plain HTTP client: the protected resource metadata
 * names the identity provider, and every other OAuth path a client may try on the gateway's origin answers JSON, never
 * an HTML 404. A gateway without an identity provider says in its 401 to send an API key.
 */
@QuarkusTest
class OAuthDiscoveryTest {

    /** The paths the MCP TypeScript SDK (Claude Code's) tries on the MCP server's origin when it finds no other. */
    private static final List<String> ORIGIN_PATHS = List.of("/.well-known/oauth-authorization-server",
            "/.well-known/oauth-authorization-server/mcp/v1/alpha/mcp", "/.well-known/openid-configuration",
            "/.well-known/openid-configuration/mcp/v1/alpha/mcp", "/mcp/v1/alpha/mcp/.well-known/openid-configuration",
            "/.well-known/oauth-protected-resource/no/such/path", "/register", "/authorize", "/token");

    @TestHTTPResource("/")
    URL root;

    McpHttp mcp;

    @BeforeEach
    void setUp() {
        mcp = new McpHttp(root);
    }

    private static McpHttp.Reply get(McpHttp mcp, String path) {
        return mcp.send(HttpRequest.newBuilder(URI.create(mcp.base() + path)).GET().build());
    }

    @Test
    void protectedResourceMetadataNamesTheIdentityProviderAsAuthorizationServer() {
        McpHttp.Reply reply = get(mcp, "/.well-known/oauth-protected-resource/mcp/v1/alpha/mcp");

        assertEquals(200, reply.status());
        assertEquals(mcp.url("alpha"), reply.json().path("resource").asText());
        assertEquals(List.of(McpTestResource.idp.issuer()), texts(reply.json().path("authorization_servers")));
        assertEquals(List.of("header"), texts(reply.json().path("bearer_methods_supported")));
    }

    @Test
    void everyOtherOAuthPathOnTheOriginAnswersJsonNamingTheIdentityProvider() {
        for (String path : ORIGIN_PATHS) {
            McpHttp.Reply reply = get(mcp, path);

            assertEquals(404, reply.status(), path);
            assertTrue(reply.header("content-type").startsWith("application/json"), path);
            JsonNode doc = reply.json();
            assertEquals("not_found", doc.path("error").asText(), path);
            assertEquals(List.of(McpTestResource.idp.issuer()), texts(doc.path("authorization_servers")), path);
            assertEquals(mcp.base() + "/.well-known/oauth-protected-resource", doc.path("resource_metadata").asText());
        }
    }

    @Test
    void registrationAndTokenPostsAnswerJsonToo() {
        for (String path : List.of("/register", "/token")) {
            McpHttp.Reply reply = mcp.send(HttpRequest.newBuilder(URI.create(mcp.base() + path))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"redirect_uris\":[\"http://localhost:1/cb\"]}",
                            StandardCharsets.UTF_8)).build());

            assertEquals(404, reply.status(), path);
            assertTrue(reply.header("content-type").startsWith("application/json"), path);
        }
    }

    @Test
    void withoutAnIdentityProviderThe401SaysToSendAnApiKeyAndPointsNowhere() {
        String config = McpTestResource.config().replaceFirst("(?s)identity_providers:.*?users:", "users:");
        try (SecondGateway second = new SecondGateway(new byte[32], config)) {
            McpHttp other = new McpHttp(second.baseUrl());

            McpHttp.Reply refused = other.post("alpha", McpHttp.headers(null, null),
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");

            assertEquals(401, refused.status());
            String challenge = refused.header("www-authenticate");
            assertFalse(challenge.contains("resource_metadata"), challenge);
            assertTrue(challenge.contains("Authorization: Bearer <key>"), challenge);
            JsonNode discovery = get(other, "/.well-known/oauth-authorization-server").json();
            assertEquals(0, discovery.path("authorization_servers").size());
            assertTrue(discovery.path("error_description").asText().contains("API key"));
        }
    }

    @Test
    void managedMcpJsonCarriesTheKeyAsAnEnvironmentReferenceWhenAsked() {
        McpHttp.Reply reply = mcp.send(HttpRequest.newBuilder(URI.create(mcp.base()
                        + "/mcp/v1/claude-code/managed-mcp.json?auth=api-key&key_env=SB_KEY"))
                .header("authorization", "Bearer " + ALICE_KEY).GET().build());

        assertEquals(200, reply.status());
        JsonNode alpha = reply.json().path("alpha");
        assertEquals("Bearer ${SB_KEY}", alpha.path("headers").path("Authorization").asText());
        assertFalse(reply.body().contains(ALICE_KEY));
    }

    @Test
    void managedMcpJsonIsUrlOnlyWhenAnIdentityProviderSignsUsersIn() {
        McpHttp.Reply reply = mcp.send(HttpRequest.newBuilder(URI.create(mcp.base() + "/mcp/v1/claude-code/managed-mcp.json"))
                .header("authorization", "Bearer " + ALICE_KEY).GET().build());

        assertFalse(reply.json().path("alpha").has("headers"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
