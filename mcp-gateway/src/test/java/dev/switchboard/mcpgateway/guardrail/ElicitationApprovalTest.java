package dev.switchboard.mcpgateway.guardrail;

import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.DAVE_KEY;
import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.ERIN_KEY;
import static dev.switchboard.mcpgateway.support.SdkClients.client;
import static dev.switchboard.mcpgateway.support.SdkClients.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * erin's {@code ask_wipe} is approved by erin herself in her client ({@code approval: elicitation}): the gateway sends
 * {@code elicitation/create} on the call's stream when her client declared the capability, and falls back to the
 * approval API when it did not.
 */
class ElicitationApprovalTest {

    static GovernedFixture world;

    @BeforeAll
    static void start() {
        world = new GovernedFixture(Duration.ofMinutes(1));
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    @BeforeEach
    void clear() {
        world.gamma.clear();
        world.gateway.drainAudit(0);
    }

    private static McpSyncClient asking(String server, Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> answer) {
        return client(world.gateway.baseUrl(), server, ERIN_KEY, spec -> spec
                .capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(answer));
    }

    @Test
    void acceptingInTheClientRunsTheTool() {
        AtomicReference<McpSchema.ElicitFormRequest> asked = new AtomicReference<>();
        try (McpSyncClient c = asking("gamma", request -> {
            asked.set(request);
            return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("approve", true));
        })) {
            c.initialize();
            McpSchema.CallToolResult result = c.callTool(new McpSchema.CallToolRequest("ask_wipe", Map.of("message", "t9")));
            assertEquals("gamma/ask_wipe: t9", text(result));
        }
        assertNotNull(asked.get(), "the client was never asked");
        assertTrue(asked.get().message().contains("'ask_wipe' on 'gamma'"), asked.get().message());
        assertTrue(asked.get().message().contains("\"message\":\"t9\""), asked.get().message());
        assertEquals("boolean", ((Map<?, ?>) ((Map<?, ?>) asked.get().requestedSchema().get("properties"))
                .get("approve")).get("type"));
        assertEquals(List.of("ask_wipe"), world.gamma.calledTools());
        ToolCallRecord.Approval approval = world.gateway.drainAudit(1).get(0).approval();
        assertEquals(List.of("elicitation", "approved", "user:erin"),
                List.of(approval.channel(), approval.decision(), approval.decidedBy()));
    }

    @Test
    void decliningInTheClientDeniesTheCall() {
        try (McpSyncClient c = asking("gamma",
                request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null))) {
            c.initialize();
            McpSchema.CallToolResult result = c.callTool(new McpSchema.CallToolRequest("ask_wipe", Map.of("message", "t9")));
            assertTrue(result.isError());
            assertTrue(text(result).startsWith("The call of 'ask_wipe' was denied by user:erin (approval "), text(result));
            assertTrue(text(result).contains("declined in the client"), text(result));
        }
        assertEquals(List.of(), world.gamma.calledTools());
        ToolCallRecord record = world.gateway.drainAudit(1).get(0);
        assertEquals("denied", record.outcome());
        assertEquals("declined in the client", record.approval().reason());
    }

    @Test
    void acceptingWithoutApprovingDeniesTheCall() {
        try (McpSyncClient c = asking("gamma",
                request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("approve", false)))) {
            c.initialize();
            assertTrue(c.callTool(new McpSchema.CallToolRequest("ask_wipe", Map.of())).isError());
        }
        assertEquals(List.of(), world.gamma.calledTools());
    }

    @Test
    void theClientIsAskedThroughAVirtualServerToo() {
        try (McpSyncClient c = asking("ops", request ->
                new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("approve", true)))) {
            c.initialize();
            assertEquals("gamma/ask_wipe: v", text(c.callTool(new McpSchema.CallToolRequest("ask_wipe",
                    Map.of("message", "v")))));
        }
        assertEquals(List.of("ask_wipe"), world.gamma.calledTools());
    }

    @Test
    void aClientThatCannotBeAskedWaitsForAnApproverInstead() throws Exception {
        ApprovalClient api = new ApprovalClient(world.gateway.baseUrl());
        try (McpSyncClient c = client(world.gateway.baseUrl(), "gamma", ERIN_KEY)) {
            c.initialize();
            CompletableFuture<McpSchema.CallToolResult> call = CompletableFuture.supplyAsync(
                    () -> c.callTool(new McpSchema.CallToolRequest("ask_wipe", Map.of("message", "fallback"))));
            JsonNode pending = api.awaitPending(DAVE_KEY, "ask_wipe");
            assertEquals("api", pending.path("channel").asText());
            assertEquals(200, api.approve(DAVE_KEY, pending.path("id").asText(), null).status());
            assertEquals("gamma/ask_wipe: fallback", text(call.get(10, TimeUnit.SECONDS)));
        }
    }
}
