package dev.switchboard.mcpgateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.mcpgateway.upstream.McpUpstream;
import dev.switchboard.model.access.ToolAccess;
import dev.switchboard.model.access.VirtualToolNames;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.McpServer;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.testsupport.DocExamples;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples in docs/mcp-gateway.md are valid configs and mean what the text says. */
class DocumentedConfigTest {

    private static ConfigSnapshot load(String yaml) {
        return ConfigCodec.loadYaml(yaml, 1, Instant.EPOCH);
    }

    /** The first yaml example of docs/mcp-gateway.md that contains {@code marker}. */
    private static SwitchboardConfig example(String marker) {
        return load(DocExamples.yamlBlocks("mcp-gateway.md").stream().filter(b -> b.contains(marker)).findFirst()
                .orElseThrow(() -> new AssertionError("no example with " + marker))).config();
    }

    @Test
    void everyYamlExampleIsAValidConfig() {
        List<String> blocks = DocExamples.yamlBlocks("mcp-gateway.md");
        assertTrue(blocks.size() >= 5, "the examples: " + blocks.size());
        blocks.forEach(DocumentedConfigTest::load);
    }

    @Test
    void theCredentialExamplesAreTheTypesTheTextNames() {
        McpServer jira = example("type: oauth-client-credentials").mcpServers().get(0);
        assertEquals(McpServer.McpAuth.Type.OAUTH_CLIENT_CREDENTIALS, jira.auth().type());
        assertEquals("jira.read jira.write", jira.auth().scope());
        List<McpServer> databricks = example("type: databricks-service-principal").mcpServers();
        assertEquals(List.of(McpServer.McpAuth.Type.DATABRICKS_SERVICE_PRINCIPAL,
                McpServer.McpAuth.Type.DATABRICKS_SERVICE_PRINCIPAL, McpServer.McpAuth.Type.DATABRICKS_SERVICE_PRINCIPAL,
                McpServer.McpAuth.Type.BEARER), databricks.stream().map(s -> s.auth().type()).toList());
        McpUpstream genie = McpUpstream.of(databricks.get(0), "secret", null);
        assertEquals("https://example-workspace.cloud.databricks.com/oidc/v1/token", genie.tokenUrl());
        assertEquals(McpServer.Transport.SSE, example("transport: sse").mcpServers().get(0).transport());
    }

    @Test
    void theQuickStartConfigIsValidAndGrantsAlice() throws IOException {
        String doc = Files.readString(DocExamples.repoRoot().resolve("docs/mcp-gateway.md"));
        int start = doc.indexOf("<<'EOF'\n") + "<<'EOF'\n".length();
        SwitchboardConfig config = load(doc.substring(start, doc.indexOf("\nEOF\n", start) + 1)).config();
        var alice = ToolAccess.of(config).grant(SubjectRef.user("alice"), List.of(), "everything");
        assertTrue(alice.allows("get-sum"));
        assertFalse(alice.allows("get-env"));
    }

    @Test
    void thePolicyExampleMeansWhatTheTextSays() {
        ToolAccess access = ToolAccess.of(example("name: analysts-read"));
        var alice = access.grant(SubjectRef.user("alice"), List.of(), "github");
        assertTrue(alice.allows("get_issue"));
        assertFalse(alice.allows("create_issue"));
        assertTrue(alice.allowsResource("repo://acme/issues/12"));
        assertFalse(alice.allowsResource("repo://acme/payroll/2026.csv"));
        assertTrue(alice.allowsPrompt("summarize_issue"));
        assertFalse(alice.allowsPrompt("draft_release"));
        var bob = access.grant(SubjectRef.user("bob"), List.of(), "github");
        assertTrue(bob.allows("create_issue") && bob.requiresApproval("create_issue"));
        assertFalse(bob.allows("delete_repository"));
        assertFalse(access.grant(SubjectRef.user("bob"), List.of(), "sql").usable());
    }

    @Test
    void theVirtualServerExampleHasTheNamesTheTextGives() {
        var config = example("virtual_mcp_servers:");
        assertEquals(List.of("query_space", "vector__search", "web__search", "fetch"),
                List.copyOf(VirtualToolNames.of(config.virtualMcpServers().get(0)).all().keySet()));
    }
}
