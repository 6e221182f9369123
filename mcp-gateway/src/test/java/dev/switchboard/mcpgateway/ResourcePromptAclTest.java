package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpHttp.assertRpcError;
import static dev.switchboard.mcpgateway.support.McpHttp.headers;
import static dev.switchboard.mcpgateway.support.McpHttp.request;
import static dev.switchboard.mcpgateway.support.McpTestResource.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.McpTestResource;
import dev.switchboard.mcpgateway.support.NodePeers;
import dev.switchboard.mcpgateway.support.SdkClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resources and prompts of the reference server {@code server-everything} follow alice's policy as tools do: the static
 * documents but architecture.md and the dynamic text resources; the prompts simple-prompt and args-prompt. Lists are
 * filtered; a read, get or completion of anything else is refused with the answer an unknown one gets.
 */
@QuarkusTest
class ResourcePromptAclTest {

    @TestHTTPResource("/")
    URL root;

    McpHttp mcp;
    String session;

    @BeforeEach
    void setUp() {
        org.junit.jupiter.api.Assumptions.assumeTrue(McpTestResource.everything.isPresent(), NodePeers.unavailableReason());
        mcp = new McpHttp(root);
        session = mcp.initialize("everything", ALICE_KEY);
    }

    private JsonNode rpc(String method, String params) {
        return mcp.post("everything", headers(ALICE_KEY, session), request(3, method, params)).message();
    }

    private static List<String> field(JsonNode reply, String list, String key) {
        List<String> values = new ArrayList<>();
        reply.path("result").path(list).forEach(item -> values.add(item.path(key).asText()));
        return values;
    }

    @Test
    void resourcesListShowsOnlyThePermittedResources() {
        List<String> uris = field(rpc("resources/list", null), "resources", "uri");
        assertTrue(uris.contains("demo://resource/static/document/features.md"), uris.toString());
        assertFalse(uris.contains("demo://resource/static/document/architecture.md"), "denied");
        assertTrue(uris.stream().allMatch(u -> u.startsWith("demo://resource/static/document/")), uris.toString());
    }

    @Test
    void resourceTemplatesAreFilteredByTheirUriTemplate() {
        assertEquals(List.of("demo://resource/dynamic/text/{resourceId}"),
                field(rpc("resources/templates/list", null), "resourceTemplates", "uriTemplate"));
    }

    @Test
    void aPermittedResourceIsRead() {
        JsonNode read = rpc("resources/read", "{\"uri\":\"demo://resource/static/document/features.md\"}");
        assertEquals("demo://resource/static/document/features.md",
                read.path("result").path("contents").get(0).path("uri").asText(), read.toString());
        JsonNode dynamic = rpc("resources/read", "{\"uri\":\"demo://resource/dynamic/text/7\"}");
        assertTrue(dynamic.path("result").path("contents").get(0).path("text").asText().contains("7"), dynamic.toString());
    }

    @Test
    void aForbiddenResourceIsRefusedAsIfUnknown() {
        McpHttp.Reply denied = mcp.post("everything", headers(ALICE_KEY, session), request(4, "resources/read",
                "{\"uri\":\"demo://resource/static/document/architecture.md\"}"));
        JsonNode error = assertRpcError(denied, 200, -32602,
                "Unknown resource: 'demo://resource/static/document/architecture.md' is not available to you on 'everything'");
        assertEquals("resource_not_permitted", error.path("error").path("data").path("reason").asText());
        assertEquals(4, error.path("id").asInt());
        assertRpcError(mcp.post("everything", headers(ALICE_KEY, session), request(5, "resources/read",
                "{\"uri\":\"demo://resource/dynamic/blob/1\"}")), 200, -32602, "Unknown resource: 'demo://resource/dynamic/blob/1'");
        assertRpcError(mcp.post("everything", headers(ALICE_KEY, session), request(6, "resources/subscribe",
                "{\"uri\":\"demo://resource/dynamic/blob/1\"}")), 200, -32602, "Unknown resource");
        assertRpcError(mcp.post("everything", headers(ALICE_KEY, session), request(7, "resources/read", "{}")),
                200, -32602, "resources/read needs params.uri");
    }

    @Test
    void promptsListShowsOnlyThePermittedPrompts() {
        assertEquals(List.of("simple-prompt", "args-prompt"), field(rpc("prompts/list", null), "prompts", "name"));
    }

    @Test
    void aForbiddenPromptIsRefusedAndAPermittedOneServed() {
        JsonNode simple = rpc("prompts/get", "{\"name\":\"simple-prompt\"}");
        assertTrue(simple.path("result").path("messages").isArray(), simple.toString());
        JsonNode error = assertRpcError(mcp.post("everything", headers(ALICE_KEY, session), request(8, "prompts/get",
                "{\"name\":\"resource-prompt\",\"arguments\":{\"resourceType\":\"Text\",\"resourceId\":\"1\"}}")),
                200, -32602, "Unknown prompt: 'resource-prompt' is not available to you on 'everything'");
        assertEquals("prompt_not_permitted", error.path("error").path("data").path("reason").asText());
        assertRpcError(mcp.post("everything", headers(ALICE_KEY, session), request(9, "prompts/get",
                "{\"name\":\"completable-prompt\"}")), 200, -32602, "Unknown prompt: 'completable-prompt'");
    }

    @Test
    void completionsOfAForbiddenPromptOrTemplateAreRefused() {
        assertRpcError(mcp.post("everything", headers(ALICE_KEY, session), request(10, "completion/complete",
                "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"completable-prompt\"},"
                        + "\"argument\":{\"name\":\"department\",\"value\":\"E\"}}")),
                200, -32602, "Unknown prompt: 'completable-prompt'");
        assertRpcError(mcp.post("everything", headers(ALICE_KEY, session), request(11, "completion/complete",
                "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"demo://resource/dynamic/blob/{resourceId}\"},"
                        + "\"argument\":{\"name\":\"resourceId\",\"value\":\"1\"}}")),
                200, -32602, "Unknown resource: 'demo://resource/dynamic/blob/{resourceId}'");
        JsonNode allowed = rpc("completion/complete",
                "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"demo://resource/dynamic/text/{resourceId}\"},"
                        + "\"argument\":{\"name\":\"resourceId\",\"value\":\"1\"}}");
        assertTrue(allowed.path("result").path("completion").path("values").isArray(), allowed.toString());
    }

    @Test
    void theSdkSeesTheSameFilteredServer() {
        try (McpSyncClient c = SdkClients.client(root.toString().replace("localhost", "127.0.0.1"), "everything",
                ALICE_KEY)) {
            c.initialize();
            assertEquals(List.of("simple-prompt", "args-prompt"),
                    c.listPrompts().prompts().stream().map(McpSchema.Prompt::name).toList());
            assertFalse(c.listResources().resources().stream()
                    .anyMatch(r -> r.uri().endsWith("architecture.md")));
            assertThrows(io.modelcontextprotocol.spec.McpError.class, () -> c.getPrompt(
                    new McpSchema.GetPromptRequest("resource-prompt", Map.of("resourceType", "Text", "resourceId", "1"))));
        }
    }
}
