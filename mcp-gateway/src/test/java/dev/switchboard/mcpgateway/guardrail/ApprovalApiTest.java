package dev.switchboard.mcpgateway.guardrail;

import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.BOB_KEY;
import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.CARD;
import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.DAVE_KEY;
import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.ERIN_KEY;
import static dev.switchboard.mcpgateway.support.SdkClients.client;
import static dev.switchboard.mcpgateway.support.SdkClients.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.mcpgateway.support.McpHttp;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls of tools in {@code require_approval} wait for an approver, who decides through the approval API: erin's
 * {@code wipe} waits for the team {@code approvers} (dave); bob approves nothing.
 */
class ApprovalApiTest {

    static GovernedFixture world;
    static ApprovalClient api;
    static McpSyncClient erin;

    @BeforeAll
    static void start() {
        world = new GovernedFixture(Duration.ofMinutes(1));
        api = new ApprovalClient(world.gateway.baseUrl());
        erin = client(world.gateway.baseUrl(), "gamma", ERIN_KEY);
        erin.initialize();
    }

    @AfterAll
    static void stop() {
        erin.close();
        world.close();
    }

    @BeforeEach
    void clear() {
        world.gamma.clear();
        world.gateway.drainAudit(0);
    }

    private static CompletableFuture<McpSchema.CallToolResult> callInBackground(String tool, Map<String, Object> args) {
        return CompletableFuture.supplyAsync(() -> erin.callTool(new McpSchema.CallToolRequest(tool, args)));
    }

    @Test
    void anApprovedCallRunsAndTheAuditRecordNamesTheApprover() throws Exception {
        CompletableFuture<McpSchema.CallToolResult> call = callInBackground("wipe", Map.of("message", "table t1"));
        JsonNode pending = api.awaitPending(DAVE_KEY, "wipe");
        assertEquals(List.of(), world.gamma.calledTools(), "the call must wait");
        assertEquals("user:erin", pending.path("subject").asText());
        assertEquals("api_key:erin-key", pending.path("credential").asText());
        assertEquals("gamma", pending.path("server").asText());
        assertEquals("api", pending.path("channel").asText());
        assertEquals("table t1", pending.path("arguments").path("message").asText());
        Instant created = Instant.parse(pending.path("created_at").asText());
        assertEquals(Duration.ofMinutes(1), Duration.between(created, Instant.parse(pending.path("expires_at").asText())));

        McpHttp.Reply decided = api.approve(DAVE_KEY, pending.path("id").asText(), "{\"reason\": \"planned maintenance\"}");
        assertEquals(200, decided.status(), decided.body());
        assertEquals("approved", decided.json().path("decision").asText());
        assertEquals("user:dave", decided.json().path("decided_by").asText());

        McpSchema.CallToolResult result = call.get(10, TimeUnit.SECONDS);
        assertEquals("gamma/wipe: table t1", text(result));
        assertEquals(List.of("wipe"), world.gamma.calledTools());
        ToolCallRecord record = world.gateway.drainAudit(1).get(0);
        assertEquals("ok", record.outcome());
        ToolCallRecord.Approval approval = record.approval();
        assertEquals(pending.path("id").asText(), approval.id());
        assertEquals(List.of("api", "approved", "user:dave", "planned maintenance"),
                List.of(approval.channel(), approval.decision(), approval.decidedBy(), approval.reason()));
        assertNotNull(approval.decidedAt());
        assertEquals(0, api.list(DAVE_KEY).json().path("approvals").size(), "a decided call is no longer pending");
    }

    @Test
    void aDeniedCallNeverRunsAndTheCallerLearnsWhoDeniedIt() throws Exception {
        CompletableFuture<McpSchema.CallToolResult> call = callInBackground("wipe", Map.of("message", "everything"));
        String id = api.awaitPending(DAVE_KEY, "wipe").path("id").asText();
        McpHttp.Reply decided = api.deny(DAVE_KEY, id, "{\"reason\": \"not during business hours\"}");
        assertEquals(200, decided.status(), decided.body());
        assertEquals("denied", decided.json().path("decision").asText());

        McpSchema.CallToolResult result = call.get(10, TimeUnit.SECONDS);
        assertTrue(result.isError());
        assertEquals("The call of 'wipe' was denied by user:dave (approval " + id + "): not during business hours. "
                + "The tool did not run.", text(result));
        assertEquals(Map.of("reason", "approval_denied", "approval", id, "decided_by", "user:dave"),
                result.meta().get("dev.switchboard/refusal"));
        assertEquals(List.of(), world.gamma.calledTools());
        ToolCallRecord record = world.gateway.drainAudit(1).get(0);
        assertEquals("denied", record.outcome());
        assertEquals("user:dave", record.approval().decidedBy());
        assertEquals("denied", record.approval().decision());
    }

    @Test
    void aNonApproverGets403AndTheCallStaysPending() throws Exception {
        CompletableFuture<McpSchema.CallToolResult> call = callInBackground("wipe", Map.of("message", "x"));
        String id = api.awaitPending(DAVE_KEY, "wipe").path("id").asText();
        McpHttp.Reply list = api.list(BOB_KEY);
        assertEquals(403, list.status(), list.body());
        assertEquals("application/problem+json", list.header("content-type"));
        assertEquals("forbidden", list.json().path("title").asText());
        assertEquals(403, api.approve(BOB_KEY, id, null).status());
        McpHttp.Reply own = api.approve(ERIN_KEY, id, null);
        assertEquals(403, own.status(), "the caller may not approve their own call");
        assertEquals(401, api.list(null).status());
        assertEquals(401, api.approve("sk-sb-not-a-key-00000000000", id, null).status());
        assertEquals(404, api.approve(DAVE_KEY, "no-such-approval", null).status());
        assertEquals(400, api.approve(DAVE_KEY, id, "not json").status());
        assertFalse(call.isDone());
        assertEquals(200, api.deny(DAVE_KEY, id, null).status());
        assertTrue(call.get(10, TimeUnit.SECONDS).isError());
        McpHttp.Reply again = api.approve(DAVE_KEY, id, null);
        assertEquals(409, again.status(), "a call is decided once");
        assertEquals("denied", again.json().path("decision").asText(), again.body());
        assertEquals("user:dave", again.json().path("decided_by").asText(), again.body());
        assertTrue(again.json().path("detail").asText().contains("was denied by user:dave"), again.body());
    }

    @Test
    void theApproverSeesTheArgumentsAsThePreToolRedactionLeftThem() throws Exception {
        CompletableFuture<McpSchema.CallToolResult> call = callInBackground("wipe", Map.of("message", "card " + CARD));
        JsonNode pending = api.awaitPending(DAVE_KEY, "wipe");
        String shown = pending.path("arguments").path("message").asText();
        assertFalse(shown.contains(CARD), shown);
        assertTrue(shown.startsWith("card ") && shown.contains("*"), shown);
        api.deny(DAVE_KEY, pending.path("id").asText(), null);
        call.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aToolNobodyCanApproveIsRefusedAtOnce() {
        McpSchema.CallToolResult result = erin.callTool(new McpSchema.CallToolRequest("orphan", Map.of()));
        assertTrue(result.isError());
        assertTrue(text(result).contains("no approver is configured"), text(result));
        assertEquals(List.of(), world.gamma.calledTools());
        assertEquals("denied", world.gateway.drainAudit(1).get(0).outcome());
    }

    @Test
    void withoutNatsACallWaitingOnAnotherReplicaIsNotFoundThere() {
        // no NATS, no cluster: the approval lives with the replica that holds the call; another one answers 404
        try (GovernedFixture other = new GovernedFixture(Duration.ofMinutes(1))) {
            CompletableFuture<McpSchema.CallToolResult> call = callInBackground("wipe", Map.of("message", "x"));
            String id = api.awaitPending(DAVE_KEY, "wipe").path("id").asText();
            McpHttp.Reply elsewhere = new ApprovalClient(other.gateway.baseUrl()).approve(DAVE_KEY, id, null);
            assertEquals(404, elsewhere.status(), elsewhere.body());
            api.deny(DAVE_KEY, id, null);
            call.join();
        }
    }

    @Test
    void aCallNobodyDecidesIsDeniedWhenTheTimeoutPasses() throws Exception {
        try (GovernedFixture quick = new GovernedFixture(Duration.ofMillis(700));
             McpSyncClient c = client(quick.gateway.baseUrl(), "gamma", ERIN_KEY)) {
            c.initialize();
            long start = System.nanoTime();
            McpSchema.CallToolResult result = c.callTool(new McpSchema.CallToolRequest("wipe", Map.of("message", "x")));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(result.isError());
            assertTrue(text(result).startsWith("The call of 'wipe' was not approved within 700 ms (approval "), text(result));
            assertEquals("approval_timeout",
                    ((Map<?, ?>) result.meta().get("dev.switchboard/refusal")).get("reason"));
            assertTrue(waitedMs >= 600, "waited " + waitedMs + " ms");
            assertEquals(List.of(), quick.gamma.calledTools());
            ToolCallRecord record = quick.gateway.drainAudit(1).get(0);
            assertEquals("approval_timeout", record.outcome());
            assertEquals("timeout", record.approval().decision());
            assertEquals(null, record.approval().decidedBy());
        }
    }
}
