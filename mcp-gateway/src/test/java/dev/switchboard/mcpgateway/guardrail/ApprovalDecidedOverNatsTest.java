package dev.switchboard.mcpgateway.guardrail;

import static dev.switchboard.mcpgateway.guardrail.GovernedFixture.ERIN_KEY;
import static dev.switchboard.mcpgateway.support.SdkClients.client;
import static dev.switchboard.mcpgateway.support.SdkClients.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.model.approval.ApprovalWire;
import dev.switchboard.teststack.PrivateNats;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The gateway's side of the approvals contract ({@link ApprovalWire}) as the control plane's console uses it, with no
 * gateway code on the deciding side: an MCP client's call waits; the held call is read from the bucket; a decision sent
 * on the holder's decide subject resumes it, and the audit names the decider.
 */
@EnabledIf(value = "dev.switchboard.teststack.PrivateNats#installed",
        disabledReason = "/usr/sbin/nats-server is not installed: this test runs a NATS of its own")
class ApprovalDecidedOverNatsTest {

    private static final String PREFIX = "test.approvals";

    private PrivateNats nats;
    private GovernedFixture gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    @Test
    void aDecisionSentOnTheDecideSubjectResumesTheWaitingCallAndIsAudited() throws Exception {
        nats = new PrivateNats().start();
        String bucket = "approvals-" + UUID.randomUUID().toString().substring(0, 8);
        gateway = new GovernedFixture(Duration.ofMinutes(1));
        gateway.gateway.shareApprovals(nats.url(), bucket, PREFIX, "replica-a");
        try (McpSyncClient erin = client(gateway.gateway.baseUrl(), "gamma", ERIN_KEY);
             Connection nc = Nats.connect(nats.url())) {
            erin.initialize();
            CompletableFuture<McpSchema.CallToolResult> call = CompletableFuture.supplyAsync(() ->
                    erin.callTool(new McpSchema.CallToolRequest("wipe", Map.of("message", "table t9"))));

            ApprovalWire.Entry held = awaitPending(nc, bucket);
            assertEquals("replica-a", held.holder());
            assertEquals("user:erin", held.subject());
            assertEquals("wipe", held.tool());
            assertEquals("table t9", held.arguments().path("message").asText());
            assertFalse(call.isDone());

            Message answer = nc.request(ApprovalWire.decideSubject(PREFIX, held.holder()), ApprovalWire.encode(
                    new ApprovalWire.DecideRequest(held.id(), "console:admin-token", true, "ticket 4411")),
                    Duration.ofSeconds(10));
            ApprovalWire.DecideReply reply = ApprovalWire.decodeReply(answer.getData());
            assertEquals(ApprovalWire.Result.APPLIED, reply.result());
            assertEquals("console:admin-token", reply.decision().decidedBy());

            assertEquals("gamma/wipe: table t9", text(call.get(10, TimeUnit.SECONDS)));
            ToolCallRecord record = gateway.gateway.drainAudit(1).get(0);
            assertEquals(List.of("ok", "approved", "console:admin-token", "ticket 4411"), List.of(record.outcome(),
                    record.approval().decision(), record.approval().decidedBy(), record.approval().reason()));

            // decided once: a second decision comes back as settled, with how
            ApprovalWire.DecideReply again = ApprovalWire.decodeReply(nc.request(
                    ApprovalWire.decideSubject(PREFIX, held.holder()), ApprovalWire.encode(
                            new ApprovalWire.DecideRequest(held.id(), "console:jwt:other", false, null)),
                    Duration.ofSeconds(10)).getData());
            assertEquals(ApprovalWire.Result.SETTLED, again.result());
            assertEquals("approved", again.decision().decision());
            ApprovalWire.DecideReply unknown = ApprovalWire.decodeReply(nc.request(
                    ApprovalWire.decideSubject(PREFIX, held.holder()), ApprovalWire.encode(
                            new ApprovalWire.DecideRequest("0123456789abcdef", "console:admin-token", true, null)),
                    Duration.ofSeconds(10)).getData());
            assertEquals(ApprovalWire.Result.UNKNOWN, unknown.result());
            assertNull(unknown.decision());
        }
    }

    /** The bucket's first pending entry, as the control plane reads it; waits for the gateway to announce it. */
    private static ApprovalWire.Entry awaitPending(Connection nc, String bucket) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (nc.keyValueManagement().getBucketNames().contains(bucket)) {
                KeyValue kv = nc.keyValue(bucket);
                for (String key : kv.keys()) {
                    Optional<ApprovalWire.Entry> e = Optional.ofNullable(kv.get(key))
                            .map(v -> ApprovalWire.decodeEntry(v.getValue())).filter(ApprovalWire.Entry::pending);
                    if (e.isPresent()) {
                        return e.get();
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no pending approval in " + bucket + " within 20 s");
    }
}
