package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpHttp.assertRpcError;
import static dev.switchboard.mcpgateway.support.McpHttp.headers;
import static dev.switchboard.mcpgateway.support.McpHttp.request;
import static dev.switchboard.mcpgateway.support.McpTestResource.ALICE_KEY;
import static dev.switchboard.mcpgateway.support.McpTestResource.BOB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.mcpgateway.support.FakeMcpServer;
import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.McpTestResource;
import dev.switchboard.runtime.telemetry.RowQueue;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tool ACLs from tool_policies: what a caller sees and may call, and the audit record of every call. */
@QuarkusTest
class ToolAclTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    RowQueue<ToolCallRecord> audit;

    McpHttp mcp;
    FakeMcpServer alpha;

    @BeforeEach
    void setUp() {
        mcp = new McpHttp(root);
        alpha = McpTestResource.alpha;
        audit.drain(Integer.MAX_VALUE);
    }

    private static List<String> toolNames(JsonNode listReply) {
        List<String> names = new ArrayList<>();
        listReply.path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    @Test
    void toolsListShowsOnlyThePermittedTools() {
        String bobs = mcp.initialize("alpha", BOB_KEY);
        assertEquals(List.of("echo", "whoami"),
                toolNames(mcp.post("alpha", headers(BOB_KEY, bobs), request(1, "tools/list", null)).message()));
        String alices = mcp.initialize("alpha", ALICE_KEY);
        List<String> all = new ArrayList<>(FakeMcpServer.TOOLS);
        all.add("wipe");
        assertEquals(all, toolNames(mcp.post("alpha", headers(ALICE_KEY, alices), request(1, "tools/list", null)).message()));
    }

    @Test
    void toolsListIsFilteredWhenItComesAsAStreamToo() {
        String bobs = mcp.initialize("alpha", BOB_KEY);
        alpha.sseResponses(true);
        try {
            McpHttp.Reply reply = mcp.post("alpha", headers(BOB_KEY, bobs), request(1, "tools/list", null));
            assertTrue(reply.isSse());
            assertEquals(List.of("echo", "whoami"), toolNames(reply.message()));
        } finally {
            alpha.sseResponses(false);
        }
    }

    @Test
    void aRefusedCallGetsAJsonRpcErrorAndNeverReachesTheUpstream() {
        String bobs = mcp.initialize("alpha", BOB_KEY);
        alpha.clear();
        McpHttp.Reply reply = mcp.call("alpha", BOB_KEY, bobs, "progress", "{}");
        JsonNode error = assertRpcError(reply, 200, -32602, "Unknown tool: 'progress' is not available to you on 'alpha'");
        assertEquals("tool_not_permitted", error.path("error").path("data").path("reason").asText());
        McpHttp.Reply unknown = mcp.call("alpha", BOB_KEY, bobs, "no_such_tool", "{}");
        assertRpcError(unknown, 200, -32602, "Unknown tool: 'no_such_tool' is not available to you");
        assertEquals(List.of(), alpha.calledTools());
    }

    @Test
    void aToolThatNeedsAnApprovalNobodyCanGiveIsRefused() {
        String alices = mcp.initialize("alpha", ALICE_KEY);
        alpha.clear();
        JsonNode result = mcp.call("alpha", ALICE_KEY, alices, "wipe", "{}").message().path("result");
        assertTrue(result.path("isError").asBoolean());
        assertTrue(result.path("content").get(0).path("text").asText().contains("needs a person's approval"));
        assertEquals(List.of(), alpha.calledTools());
    }

    @Test
    void everyToolCallLeavesOneAuditRecordWithItsOutcome() {
        String bobs = mcp.initialize("alpha", BOB_KEY);
        String alices = mcp.initialize("alpha", ALICE_KEY);
        mcp.call("alpha", BOB_KEY, bobs, "echo", "{\"message\":\"a\"}");
        mcp.call("alpha", BOB_KEY, bobs, "progress", "{}");
        mcp.call("alpha", ALICE_KEY, alices, "tool_error", "{}");
        mcp.call("alpha", ALICE_KEY, alices, "fail", "{}");
        List<ToolCallRecord> records = audit.drain(100);
        assertEquals(4, records.size(), records.toString());
        ToolCallRecord ok = records.get(0);
        assertEquals("user:bob", ok.subject());
        assertEquals("api_key:bob-key", ok.credential());
        assertEquals("alpha", ok.server());
        assertEquals("echo", ok.tool());
        assertEquals("ok", ok.outcome());
        assertTrue(ok.latencyMicros() > 0);
        assertEquals(List.of("ok", "refused", "tool_error", "upstream_failed"),
                records.stream().map(ToolCallRecord::outcome).toList());
        assertEquals("tool_not_permitted", records.get(1).error());
    }
}
