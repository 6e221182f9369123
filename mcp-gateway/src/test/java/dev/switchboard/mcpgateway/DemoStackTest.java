package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.SdkClients.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.mcpgateway.support.NodePeers;
import dev.switchboard.mcpgateway.support.SdkClients;
import dev.switchboard.testsupport.DemoServer;
import dev.switchboard.testsupport.DocExamples;
import dev.switchboard.testsupport.ReadmeChecks;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What {@code ./switchboard up} gives a new user on the MCP side: the gateway on the example config
 * ({@code deploy/examples/switchboard.yaml}), the demo MCP server ({@code deploy/DemoMcpServer.java}) run as {@code up}
 * runs it, and the README's MCP curls, the MCP Java SDK and the README's {@code claude mcp add} line against them.
 */
@QuarkusTest
@TestProfile(DemoStackTest.Profile.class)
class DemoStackTest {

    static final String DEMO_KEY = "sk-sb-demo-0123456789abcdef";
    static final String EXAMPLE_URL = "http://127.0.0.1:18091/mcp";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DemoMcp.class));
        }
    }

    /** The demo MCP server, and the example config with its URL moved to the server's port. */
    public static class DemoMcp implements QuarkusTestResourceLifecycleManager {
        static DemoServer server;

        @Override
        public Map<String, String> start() {
            server = DemoServer.start("DemoMcpServer.java");
            try {
                String example = Files.readString(DocExamples.repoRoot().resolve("deploy/examples/switchboard.yaml"));
                assertTrue(example.contains(EXAMPLE_URL), "the example config registers the demo MCP server");
                Path config = Files.createTempFile("switchboard-demo-stack", ".yaml");
                Files.writeString(config, example.replace(EXAMPLE_URL, server.base() + "/mcp"));
                return Map.of(
                        "switchboard.config", config.toString(),
                        "switchboard.mcp.session-key",
                        Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            if (server != null) {
                server.close();
            }
        }
    }

    @TestHTTPResource("/")
    URL root;

    private String base() {
        String r = root.toString().replace("localhost", "127.0.0.1");
        return r.endsWith("/") ? r.substring(0, r.length() - 1) : r;
    }

    @Test
    void theReadmesMcpCurlsAnswerAsTheReadmeSays() {
        ReadmeChecks.Check check = ReadmeChecks.named("mcp");
        String out = check.run(Map.of("http://127.0.0.1:8082", base()));
        assertEquals(List.of(), check.missingFrom(out), out);
        assertTrue(!out.contains("delete-all"), "the example policy hides delete-all: " + out);
    }

    @Test
    void theSdkInitializesListsAndCallsTheDemoTools() {
        try (McpSyncClient c = SdkClients.client(base(), "demo-tools", DEMO_KEY)) {
            McpSchema.InitializeResult init = c.initialize();
            assertEquals("switchboard-demo-mcp", init.serverInfo().name());
            assertEquals(List.of("echo", "add"), c.listTools().tools().stream().map(McpSchema.Tool::name).toList());
            assertEquals("5", text(c.callTool(new McpSchema.CallToolRequest("add", Map.of("a", 2, "b", 3)))));
            assertEquals("hi", text(c.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "hi")))));
            McpSchema.CallToolResult bad = c.callTool(new McpSchema.CallToolRequest("add", Map.of("a", "two")));
            assertTrue(bad.isError(), "a tool's own failure is a result with isError");
        }
    }

    @Test
    void theDeniedToolIsRefusedByTheGateway() {
        try (McpSyncClient c = SdkClients.client(base(), "demo-tools", DEMO_KEY)) {
            c.initialize();
            McpError e = assertThrows(McpError.class,
                    () -> c.callTool(new McpSchema.CallToolRequest("delete-all", Map.of())));
            assertTrue(e.getMessage().contains("is not available to you on 'demo-tools'"), e.getMessage());
        }
    }

    @Test
    void aToolThePolicyAllowsButTheServerLacksGetsTheServersOwnError() {
        // the demo policy denies one tool and allows every other name: the upstream alone knows which exist
        try (McpSyncClient c = SdkClients.client(base(), "demo-tools", DEMO_KEY)) {
            c.initialize();
            McpError e = assertThrows(McpError.class,
                    () -> c.callTool(new McpSchema.CallToolRequest("no-such-tool", Map.of())));
            assertEquals("Unknown tool: no-such-tool", e.getMessage());
        }
    }

    @Test
    void theReadmesClaudeCodeLineConnects() throws IOException {
        Assumptions.assumeTrue(NodePeers.available(), NodePeers::unavailableReason);
        String readme = Files.readString(DocExamples.repoRoot().resolve("README.md"));
        Matcher line = Pattern.compile("^claude (mcp add --transport http .+)$", Pattern.MULTILINE).matcher(readme);
        assertTrue(line.find(), "the README has a claude mcp add line");
        List<String> args = words(line.group(1).replace("http://127.0.0.1:8082", base()));
        Path home = Files.createTempDirectory("claude-code-home");
        Path project = Files.createTempDirectory("claude-code-project");

        NodePeers.Result add = NodePeers.claude(project, home, Map.of(), args.toArray(String[]::new));
        assertEquals(0, add.exit(), add.output());
        NodePeers.Result list = NodePeers.claude(project, home, Map.of(), "mcp", "list");

        assertEquals(0, list.exit(), list.output());
        String demo = list.output().lines().filter(l -> l.startsWith("demo-tools:")).findFirst().orElse(list.output());
        assertTrue(demo.contains("Connected"), list.output());
    }

    /** The README line's words as a shell splits them (double quotes only, which is all it uses). */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return words;
    }
}
