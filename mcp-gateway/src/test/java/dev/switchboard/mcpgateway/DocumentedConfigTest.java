package dev.switchboard.mcpgateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.access.ToolAccess;
import dev.switchboard.model.access.VirtualToolNames;
import dev.switchboard.model.codec.ConfigCodec;
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

    @Test
    void everyYamlExampleIsAValidConfig() {
        List<String> blocks = DocExamples.yamlBlocks("mcp-gateway.md");
        assertEquals(3, blocks.size());
        blocks.forEach(DocumentedConfigTest::load);
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
        ToolAccess access = ToolAccess.of(load(DocExamples.yamlBlocks("mcp-gateway.md").get(1)).config());
        var alice = access.grant(SubjectRef.user("alice"), List.of(), "github");
        assertTrue(alice.allows("get_issue"));
        assertFalse(alice.allows("create_issue"));
        var bob = access.grant(SubjectRef.user("bob"), List.of(), "github");
        assertTrue(bob.allows("create_issue") && bob.requiresApproval("create_issue"));
        assertFalse(bob.allows("delete_repository"));
        assertFalse(access.grant(SubjectRef.user("bob"), List.of(), "sql").usable());
    }

    @Test
    void theVirtualServerExampleHasTheNamesTheTextGives() {
        var config = load(DocExamples.yamlBlocks("mcp-gateway.md").get(2)).config();
        assertEquals(List.of("query_space", "vector__search", "web__search", "fetch"),
                List.copyOf(VirtualToolNames.of(config.virtualMcpServers().get(0)).all().keySet()));
    }
}
