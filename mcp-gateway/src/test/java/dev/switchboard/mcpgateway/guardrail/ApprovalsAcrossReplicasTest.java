package dev.switchboard.mcpgateway.guardrail;

import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.BOB_KEY;
import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.DAVE_KEY;
import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.ERIN_KEY;
import static dev.switchboard.mcpgateway.support.SdkClients.client;
import static dev.switchboard.mcpgateway.support.SdkClients.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.teststack.PrivateNats;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Two replicas of the gateway, A and B, sharing their approvals over a private NATS of this test (stopped in one
 * test): erin's call of {@code wipe} waits on A; dave lists and decides it on B, and the call resumes on A.
 */
@EnabledIf(value = "dev.switchboard.teststack.PrivateNats#installed",
        disabledReason = "/usr/sbin/nats-server is not installed: this test stops a NATS of its own")
class ApprovalsAcrossReplicasTest {

    private PrivateNats nats;
    private GovernedFixture a;
    private GovernedFixture b;

    private void start(Duration timeout) {
        nats = new PrivateNats().start();
        String bucket = "approvals-" + UUID.randomUUID().toString().substring(0, 8);
        a = new GovernedFixture(timeout);
        b = new GovernedFixture(timeout);
        a.gateway.shareApprovals(nats.url(), bucket, "test.approvals", "replica-a");
        b.gateway.shareApprovals(nats.url(), bucket, "test.approvals", "replica-b.pod");
        await(() -> a.gateway.approvalsShared() && b.gateway.approvalsShared(), "both replicas reach NATS");
    }

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    private static CompletableFuture<McpSchema.CallToolResult> wipeThrough(McpSyncClient erin, String message) {
        return CompletableFuture.supplyAsync(() -> erin.callTool(new McpSchema.CallToolRequest("wipe",
                Map.of("message", message))));
    }

    @Test
    void aCallWaitingOnADecidedOnBResumesOnA() throws Exception {
        start(Duration.ofMinutes(1));
        try (McpSyncClient erin = client(a.gateway.baseUrl(), "gamma", ERIN_KEY)) {
            erin.initialize();
            CompletableFuture<McpSchema.CallToolResult> call = wipeThrough(erin, "table t1");
            ApprovalClient onB = new ApprovalClient(b.gateway.baseUrl());
            JsonNode pending = onB.awaitPending(DAVE_KEY, "wipe");
            assertEquals("user:erin", pending.path("subject").asText());
            assertEquals("table t1", pending.path("arguments").path("message").asText());
            assertEquals("connected", onB.list(DAVE_KEY).json().path("cluster").asText());
            String id = pending.path("id").asText();
            assertEquals(32, id.length(), "128 random bits, as on one replica");

            McpHttp.Reply decided = onB.approve(DAVE_KEY, id, "{\"reason\": \"planned\"}");
            assertEquals(200, decided.status(), decided.body());
            assertEquals("approved", decided.json().path("decision").asText());
            assertEquals("user:dave", decided.json().path("decided_by").asText());

            assertEquals("gamma/wipe: table t1", text(call.get(10, TimeUnit.SECONDS)));
            assertEquals(List.of("wipe"), a.gamma.calledTools());
            assertEquals(List.of(), b.gamma.calledTools());
            ToolCallRecord record = a.gateway.drainAudit(1).get(0);
            assertEquals("ok", record.outcome());
            assertEquals(List.of("approved", "user:dave", "planned"), List.of(record.approval().decision(),
                    record.approval().decidedBy(), record.approval().reason()));

            McpHttp.Reply lateOnA = new ApprovalClient(a.gateway.baseUrl()).deny(DAVE_KEY, id, null);
            assertEquals(409, lateOnA.status(), lateOnA.body());
            assertEquals("approved", lateOnA.json().path("decision").asText());
            McpHttp.Reply lateOnB = onB.deny(DAVE_KEY, id, null);
            assertEquals(409, lateOnB.status(), lateOnB.body());
            assertTrue(lateOnB.json().path("detail").asText().contains("was approved by user:dave"), lateOnB.body());
            assertEquals(0, onB.list(DAVE_KEY).json().path("approvals").size(), "a decided call is no longer pending");
        }
    }

    @Test
    void whoMayDecideIsTheSameOnTheOtherReplica() throws Exception {
        start(Duration.ofMinutes(1));
        try (McpSyncClient erin = client(a.gateway.baseUrl(), "gamma", ERIN_KEY)) {
            erin.initialize();
            CompletableFuture<McpSchema.CallToolResult> call = wipeThrough(erin, "x");
            ApprovalClient onB = new ApprovalClient(b.gateway.baseUrl());
            String id = onB.awaitPending(DAVE_KEY, "wipe").path("id").asText();
            assertEquals(403, onB.approve(BOB_KEY, id, null).status(), "bob approves nothing");
            assertEquals(403, onB.approve(ERIN_KEY, id, null).status(), "erin may not approve her own call");
            assertEquals(404, onB.approve(DAVE_KEY, "0123456789abcdef0123456789abcdef", null).status());
            assertFalse(call.isDone());
            McpHttp.Reply denied = onB.deny(DAVE_KEY, id, "{\"reason\": \"no\"}");
            assertEquals(200, denied.status(), denied.body());
            McpSchema.CallToolResult result = call.get(10, TimeUnit.SECONDS);
            assertTrue(result.isError());
            assertTrue(text(result).contains("was denied by user:dave"), text(result));
            assertEquals(List.of(), a.gamma.calledTools());
        }
    }

    @Test
    void aDecisionAfterTheTimeoutAnswers409OnEitherReplica() throws Exception {
        start(Duration.ofMillis(800));
        try (McpSyncClient erin = client(a.gateway.baseUrl(), "gamma", ERIN_KEY)) {
            erin.initialize();
            CompletableFuture<McpSchema.CallToolResult> call = wipeThrough(erin, "x");
            ApprovalClient onB = new ApprovalClient(b.gateway.baseUrl());
            String id = onB.awaitPending(DAVE_KEY, "wipe").path("id").asText();
            assertTrue(call.get(10, TimeUnit.SECONDS).isError(), "denied for want of a decision");
            McpHttp.Reply late = onB.approve(DAVE_KEY, id, null);
            assertEquals(409, late.status(), late.body());
            assertEquals("timeout", late.json().path("decision").asText(), late.body());
            assertTrue(late.json().path("detail").asText().contains("timed out"), late.body());
            assertEquals(409, new ApprovalClient(a.gateway.baseUrl()).approve(DAVE_KEY, id, null).status());
        }
    }

    @Test
    void withNatsDownLocalDecisionsKeepWorkingAndOthersAnswer503() throws Exception {
        start(Duration.ofMinutes(1));
        try (McpSyncClient erin = client(a.gateway.baseUrl(), "gamma", ERIN_KEY)) {
            erin.initialize();
            nats.stop();
            await(() -> !a.gateway.approvalsShared() && !b.gateway.approvalsShared(), "both replicas lose NATS");
            CompletableFuture<McpSchema.CallToolResult> call = wipeThrough(erin, "t2");
            ApprovalClient onA = new ApprovalClient(a.gateway.baseUrl());
            JsonNode pending = onA.awaitPending(DAVE_KEY, "wipe");
            assertEquals("unavailable", onA.list(DAVE_KEY).json().path("cluster").asText());
            String id = pending.path("id").asText();

            McpHttp.Reply elsewhere = new ApprovalClient(b.gateway.baseUrl()).approve(DAVE_KEY, id, null);
            assertEquals(503, elsewhere.status(), elsewhere.body());
            assertTrue(elsewhere.json().path("detail").asText().contains("NATS cannot be reached"), elsewhere.body());
            assertFalse(call.isDone());

            McpHttp.Reply local = onA.approve(DAVE_KEY, id, null);
            assertEquals(200, local.status(), local.body());
            assertEquals("gamma/wipe: t2", text(call.get(10, TimeUnit.SECONDS)));
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
