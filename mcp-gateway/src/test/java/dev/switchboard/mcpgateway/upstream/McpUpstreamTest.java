package dev.switchboard.mcpgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.config.McpServer;
import dev.switchboard.model.secret.Secret;
import org.junit.jupiter.api.Test;

/** An upstream made ready to call: where its credential comes from, and that it never shows it. */
class McpUpstreamTest {

    private static final String SECRET = "very-secret-value";

    @Test
    void aDatabricksServicePrincipalUsesTheWorkspaceOfTheServersUrlOrTheOneGiven() {
        McpUpstream derived = McpUpstream.of(new McpServer("genie",
                "https://adb-1.2.azuredatabricks.net/api/2.0/mcp/genie/01ef", null,
                McpServer.McpAuth.databricksServicePrincipal("sp", Secret.fromEnv("SP"), null)), SECRET, null);
        assertEquals("https://adb-1.2.azuredatabricks.net/oidc/v1/token", derived.tokenUrl());
        assertTrue(derived.oauth());
        assertEquals("Authorization", derived.credentialHeader());
        McpUpstream given = McpUpstream.of(new McpServer("genie", "https://proxy.example.com/api/2.0/mcp/sql", null,
                McpServer.McpAuth.databricksServicePrincipal("sp", Secret.fromEnv("SP"),
                        "https://ws.cloud.databricks.com/")), SECRET, null);
        assertEquals("https://ws.cloud.databricks.com/oidc/v1/token", given.tokenUrl());
    }

    @Test
    void theSameClientSharesItsTokensAcrossConfigsAndARotatedSecretDoesNot() {
        McpServer server = new McpServer("s", "https://mcp.example.com/mcp", null, McpServer.McpAuth
                .oauthClientCredentials("https://idp.example.com/token", "c", Secret.fromEnv("S"), "read", null));
        assertEquals(McpUpstream.of(server, SECRET, null).oauthKey(), McpUpstream.of(server, SECRET, null).oauthKey());
        assertNotEquals(McpUpstream.of(server, SECRET, null).oauthKey(),
                McpUpstream.of(server, SECRET + "-rotated", null).oauthKey());
        assertFalse(McpUpstream.of(server, SECRET, null).oauthKey().toString().contains(SECRET));
    }

    @Test
    void noCredentialEverShows() {
        for (McpServer server : new McpServer[] {
                new McpServer("a", "https://mcp.example.com/mcp", null, McpServer.McpAuth.bearer(Secret.clear(SECRET))),
                new McpServer("b", "https://mcp.example.com/sse", null, McpServer.Transport.SSE,
                        McpServer.McpAuth.oauthClientCredentials("https://idp/token", "c", Secret.clear(SECRET), null,
                                null))}) {
            McpUpstream up = McpUpstream.of(server, SECRET, null);
            assertFalse(up.toString().contains(SECRET), up.toString());
            assertFalse(server.toString().contains(SECRET), server.toString());
            assertNull(up.credentialError());
        }
    }

    @Test
    void aMissingSecretMarksTheUpstream() {
        McpUpstream up = McpUpstream.of(new McpServer("a", "https://mcp.example.com/mcp", null,
                McpServer.McpAuth.bearer(Secret.fromEnv("UNSET"))), null, "environment variable UNSET is not set");
        assertEquals("environment variable UNSET is not set", up.credentialError());
    }
}
