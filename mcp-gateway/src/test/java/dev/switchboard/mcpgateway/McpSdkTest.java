package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpTestResource.ALICE_KEY;
import static dev.switchboard.mcpgateway.support.McpTestResource.BOB_KEY;
import static dev.switchboard.mcpgateway.support.SdkClients.client;
import static dev.switchboard.mcpgateway.support.SdkClients.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.mcpgateway.support.McpTestResource;
import dev.switchboard.mcpgateway.support.NodePeers;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The gateway as the official MCP Java SDK sees it: initialize, list and call, with an API key and with a JWT. */
@QuarkusTest
class McpSdkTest {

    @TestHTTPResource("/")
    URL root;

    private String base() {
        return root.toString().replace("localhost", "127.0.0.1");
    }

    @Test
    void theSdkInitializesListsAndCallsWithAnApiKey() {
        try (McpSyncClient c = client(base(), "alpha", BOB_KEY)) {
            McpSchema.InitializeResult init = c.initialize();
            assertEquals("fake-mcp-alpha", init.serverInfo().name());
            assertEquals(List.of("echo", "whoami"), c.listTools().tools().stream().map(McpSchema.Tool::name).toList());
            assertEquals("alpha: sdk", text(c.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "sdk")))));
        }
    }

    @Test
    void theSdkWorksWithAJwt() {
        try (McpSyncClient c = client(base(), "beta", McpTestResource.aliceJwt())) {
            c.initialize();
            assertEquals("beta: jwt", text(c.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "jwt")))));
        }
    }

    @Test
    void aRefusedToolIsAnErrorInTheSdk() {
        try (McpSyncClient c = client(base(), "alpha", BOB_KEY)) {
            c.initialize();
            McpError e = assertThrows(McpError.class, () -> c.callTool(new McpSchema.CallToolRequest("progress", Map.of())));
            assertTrue(e.getMessage().contains("not available to you"), e.getMessage());
        }
    }

    @Test
    void samplingRequestedByTheUpstreamIsRelayedToTheClientAndItsAnswerBack() {
        AtomicReference<String> asked = new AtomicReference<>();
        try (McpSyncClient c = client(base(), "alpha", ALICE_KEY, spec -> spec
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().build())
                .sampling(request -> {
                    asked.set(((McpSchema.TextContent) request.messages().get(0).content()).text());
                    return McpSchema.CreateMessageResult.builder()
                            .role(McpSchema.Role.ASSISTANT)
                            .content(new McpSchema.TextContent("forty-two"))
                            .model("test-model")
                            .build();
                }))) {
            c.initialize();
            McpSchema.CallToolResult result = c.callTool(new McpSchema.CallToolRequest("sample",
                    Map.of("prompt", "what is the answer?")));
            assertEquals("what is the answer?", asked.get());
            assertEquals("sampled: forty-two", text(result));
        }
    }

    @Test
    void theReferenceServerWorksThroughTheGateway() {
        Assumptions.assumeTrue(McpTestResource.everything.isPresent(), NodePeers.unavailableReason());
        try (McpSyncClient c = client(base(), "everything", ALICE_KEY)) {
            c.initialize();
            List<String> tools = c.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertTrue(tools.contains("echo") && tools.contains("get-sum"), tools.toString());
            assertFalse(tools.contains("trigger-long-running-operation"), "denied by policy, so hidden");
            assertTrue(text(c.callTool(new McpSchema.CallToolRequest("get-sum", Map.of("a", 2, "b", 3)))).contains("5"));
            assertEquals("Echo: hi", text(c.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "hi")))));
        }
    }

    @Test
    void theReferenceServersSamplingRequestIsRelayedEndToEnd() {
        Assumptions.assumeTrue(McpTestResource.everything.isPresent(), NodePeers.unavailableReason());
        try (McpSyncClient c = client(base(), "everything", ALICE_KEY, spec -> spec
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().build())
                .sampling(request -> McpSchema.CreateMessageResult.builder()
                        .role(McpSchema.Role.ASSISTANT)
                        .content(new McpSchema.TextContent("sampled through switchboard"))
                        .model("test-model")
                        .build()))) {
            c.initialize();
            McpSchema.CallToolResult result = c.callTool(new McpSchema.CallToolRequest("trigger-sampling-request",
                    Map.of("prompt", "hello", "maxTokens", 20)));
            assertTrue(text(result).contains("sampled through switchboard"), text(result));
        }
    }
}
