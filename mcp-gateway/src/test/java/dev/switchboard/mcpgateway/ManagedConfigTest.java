package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpTestResource.ALICE_KEY;
import static dev.switchboard.mcpgateway.support.McpTestResource.BOB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.support.McpHttp;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Claude Code's managed-mcp.json and managed-settings.json, generated for the caller, in the seed's shapes. */
@QuarkusTest
class ManagedConfigTest {

    @TestHTTPResource("/")
    URL root;

    McpHttp mcp;

    @BeforeEach
    void setUp() {
        mcp = new McpHttp(root);
    }

    private McpHttp.Reply get(String file, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(mcp.base() + "/mcp/v1/claude-code/" + file));
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        return mcp.send(b.build());
    }

    @Test
    void managedMcpJsonNamesTheServersTheCallerMayUse() {
        JsonNode bob = get("managed-mcp.json", BOB_KEY).json();
        List<String> names = new ArrayList<>();
        bob.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("alpha", "combo"), names);
        assertEquals("http", bob.path("alpha").path("type").asText());
        assertEquals(mcp.url("alpha"), bob.path("alpha").path("url").asText());
        assertEquals(mcp.url("combo"), bob.path("combo").path("url").asText());

        List<String> alices = new ArrayList<>();
        get("managed-mcp.json", ALICE_KEY).json().fieldNames().forEachRemaining(alices::add);
        assertEquals(List.of("alpha", "beta", "down", "everything", "combo"), alices);
    }

    @Test
    void managedSettingsJsonAllowsExactlyThoseServersAndNoMarketplace() {
        JsonNode settings = get("managed-settings.json", BOB_KEY).json();
        assertEquals(2, settings.path("allowedMcpServers").size());
        assertEquals(mcp.base() + "/mcp/v1/alpha/*", settings.path("allowedMcpServers").get(0).path("serverUrl").asText());
        assertTrue(settings.path("strictKnownMarketplaces").isArray());
        assertEquals(0, settings.path("strictKnownMarketplaces").size());
    }

    @Test
    void theyNeedACaller() {
        McpHttp.Reply reply = get("managed-mcp.json", null);
        assertEquals(401, reply.status());
        assertTrue(reply.header("www-authenticate").contains("resource_metadata="));
    }
}
