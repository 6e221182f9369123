package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpTestResource.ALICE_KEY;
import static dev.switchboard.mcpgateway.support.McpTestResource.BOB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.McpTestResource;
import dev.switchboard.mcpgateway.support.NodePeers;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The MCP Inspector CLI from npm, a second real client, through the gateway with an API key and with a JWT. */
@QuarkusTest
class InspectorCliTest {

    @TestHTTPResource("/")
    URL root;

    String base;

    @BeforeEach
    void needsNode() {
        Assumptions.assumeTrue(NodePeers.available(), NodePeers.unavailableReason());
        base = root.toString().replace("localhost", "127.0.0.1");
    }

    private JsonNode inspect(String server, String token, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--header");
        all.add("Authorization: Bearer " + token);
        NodePeers.Result r = NodePeers.inspector(new McpHttp(base).url(server), all);
        assertEquals(0, r.exit(), r.output());
        String out = r.output();
        return McpHttp.parse(out.substring(out.indexOf('{')));
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    @Test
    void theInspectorListsAndCallsToolsWithAnApiKey() {
        assertEquals(List.of("echo", "whoami"), names(inspect("alpha", BOB_KEY, "--method", "tools/list")));
        JsonNode call = inspect("alpha", BOB_KEY, "--method", "tools/call", "--tool-name", "echo",
                "--tool-arg", "message=inspector");
        assertEquals("alpha: inspector", call.path("content").get(0).path("text").asText());
    }

    @Test
    void theInspectorCallsTheReferenceServerWithAJwt() {
        Assumptions.assumeTrue(McpTestResource.everything.isPresent(), NodePeers.unavailableReason());
        String jwt = McpTestResource.aliceJwt();
        List<String> tools = names(inspect("everything", jwt, "--method", "tools/list"));
        assertTrue(tools.contains("get-sum"), tools.toString());
        JsonNode call = inspect("everything", jwt, "--method", "tools/call", "--tool-name", "get-sum",
                "--tool-arg", "a=2", "b=3");
        assertTrue(call.path("content").get(0).path("text").asText().contains("5"), call.toString());
    }

    @Test
    void theInspectorSeesTheVirtualServer() {
        JsonNode call = inspect("combo", ALICE_KEY, "--method", "tools/call", "--tool-name", "beta__echo",
                "--tool-arg", "message=v");
        assertEquals("beta: v", call.path("content").get(0).path("text").asText());
    }
}
