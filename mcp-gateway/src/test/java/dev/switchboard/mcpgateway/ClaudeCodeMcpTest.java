package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpTestResource.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.support.FakeOidcProvider;
import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.NodePeers;
import dev.switchboard.mcpgateway.support.SecondGateway;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real Claude Code CLI (2.1.197) as the MCP client: the entries of the gateway's managed-mcp.json added with
 * {@code claude mcp add-json}, then {@code claude mcp list}, which connects to each. The entry with the key header (an
 * environment reference Claude Code expands) connects; the URL-only entry finds the identity provider through the
 * protected resource metadata and offers sign-in instead of failing, whether that metadata names the identity provider
 * or the gateway as the authorization server in front of it.
 */
@QuarkusTest
class ClaudeCodeMcpTest {

    @TestHTTPResource("/")
    URL root;

    McpHttp mcp;
    Path home;
    Path project;

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue(NodePeers.available(), NodePeers::unavailableReason);
        mcp = new McpHttp(root);
        home = Files.createTempDirectory("claude-code-home");
        project = Files.createTempDirectory("claude-code-project");
    }

    private JsonNode managed(String query) {
        return mcp.send(HttpRequest.newBuilder(URI.create(mcp.base() + "/mcp/v1/claude-code/managed-mcp.json" + query))
                .header("authorization", "Bearer " + ALICE_KEY).GET().build()).json();
    }

    private NodePeers.Result claude(String... args) {
        return NodePeers.claude(project, home, Map.of("SB_KEY", ALICE_KEY), args);
    }

    @Test
    void headerEntryConnectsAndUrlOnlyEntryOffersSignIn() {
        String withKey = managed("?auth=api-key&key_env=SB_KEY").path("alpha").toString();
        String urlOnly = managed("").path("alpha").toString();
        assertEquals(0, claude("mcp", "add-json", "-s", "user", "alpha-key", withKey).exit());
        assertEquals(0, claude("mcp", "add-json", "-s", "user", "alpha-sso", urlOnly).exit());

        NodePeers.Result list = claude("mcp", "list");

        assertEquals(0, list.exit(), list.output());
        String keyLine = line(list.output(), "alpha-key");
        String ssoLine = line(list.output(), "alpha-sso");
        assertTrue(keyLine.contains("Connected"), list.output());
        assertTrue(ssoLine.contains("Needs authentication"), list.output());
        assertFalse(Files.exists(home.resolve(".claude.json")) && read(home.resolve(".claude.json")).contains(ALICE_KEY),
                "the key stays out of Claude Code's config");
    }

    @Test
    void urlOnlyEntryOffersSignInWhenTheGatewayIsTheAuthorizationServer() {
        try (FakeOidcProvider idp = FakeOidcProvider.start();
             SecondGateway gateway = new SecondGateway(new byte[32], SignInTest.config(idp, true))) {
            String url = gateway.baseUrl() + "/mcp/v1/alpha/mcp";
            assertEquals(0, claude("mcp", "add-json", "-s", "user", "alpha-signin",
                    "{\"type\":\"http\",\"url\":\"" + url + "\"}").exit());

            NodePeers.Result list = claude("mcp", "list");

            assertEquals(0, list.exit(), list.output());
            assertTrue(line(list.output(), "alpha-signin").contains("Needs authentication"), list.output());
        }
    }

    private static String line(String output, String name) {
        return output.lines().filter(l -> l.startsWith(name + ":")).findFirst().orElse("(no line for " + name + ")");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
