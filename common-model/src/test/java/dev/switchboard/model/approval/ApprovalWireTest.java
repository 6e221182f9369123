package dev.switchboard.model.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApprovalWireTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant AT = Instant.parse("2026-12-07T09:00:00Z");

    @Test
    void anEntryReadsBackAsItWasWrittenPendingAndSettled() throws Exception {
        ApprovalWire.Entry pending = new ApprovalWire.Entry("ab12", "replica-a", "user:erin", "api_key:laptop",
                "/mcp/v1/github/mcp", "github", "delete_branch", JSON.readTree("{\"branch\":\"main\"}"),
                List.of("team:sre"), "api", AT, AT.plusSeconds(300), null);
        assertEquals(pending, ApprovalWire.decodeEntry(ApprovalWire.encode(pending)));
        assertTrue(pending.pending());
        ApprovalWire.Entry settled = new ApprovalWire.Entry("ab12", "replica-a", "user:erin", null, null, "github",
                "delete_branch", null, List.of(), "elicitation", AT, AT.plusSeconds(300),
                new ApprovalWire.Settled("approved", "console:admin-token", AT.plusSeconds(5), "ticket 4411"));
        assertEquals(settled, ApprovalWire.decodeEntry(ApprovalWire.encode(settled)));
        assertFalse(settled.pending());
    }

    @Test
    void theFieldNamesAreTheWireContract() throws Exception {
        ApprovalWire.Entry e = new ApprovalWire.Entry("ab12", "replica-a", "user:erin", "api_key:laptop", "/mcp",
                "github", "merge", JSON.createObjectNode(), List.of("user:bob"), "api", AT, AT.plusSeconds(60),
                new ApprovalWire.Settled("denied", "user:bob", AT, null));
        assertEquals(JSON.readTree("""
                {"id":"ab12","holder":"replica-a","subject":"user:erin","credential":"api_key:laptop","endpoint":"/mcp",
                 "server":"github","tool":"merge","arguments":{},"approvers":["user:bob"],"channel":"api",
                 "created_at":"2026-12-07T09:00:00Z","expires_at":"2026-12-07T09:01:00Z",
                 "settled":{"decision":"denied","decided_by":"user:bob","decided_at":"2026-12-07T09:00:00Z","reason":null}}"""),
                JSON.readTree(ApprovalWire.encode(e)));
        assertEquals(JSON.readTree("{\"id\":\"ab12\",\"by\":\"console:jwt:ada\",\"approve\":true,\"reason\":null}"),
                JSON.readTree(ApprovalWire.encode(new ApprovalWire.DecideRequest("ab12", "console:jwt:ada", true,
                        null))));
        assertEquals(JSON.readTree("{\"result\":\"unknown\"}"), JSON.readTree(ApprovalWire.encode(
                new ApprovalWire.DecideReply(ApprovalWire.Result.UNKNOWN, null))));
    }

    @Test
    void decisionsAndRepliesReadBack() {
        ApprovalWire.DecideRequest r = new ApprovalWire.DecideRequest("ab12", "user:bob", false, "not now");
        assertEquals(r, ApprovalWire.decodeRequest(ApprovalWire.encode(r)));
        ApprovalWire.DecideReply reply = new ApprovalWire.DecideReply(ApprovalWire.Result.SETTLED,
                new ApprovalWire.Settled("timeout", null, AT, null));
        assertEquals(reply, ApprovalWire.decodeReply(ApprovalWire.encode(reply)));
    }

    @Test
    void whatIsNotAnEntryIsRefusedWithTheReason() {
        assertEquals("not JSON", assertThrows(IllegalArgumentException.class,
                () -> ApprovalWire.decodeEntry("{".getBytes(StandardCharsets.UTF_8))).getMessage().substring(0, 8));
        assertEquals("no holder", assertThrows(IllegalArgumentException.class, () -> ApprovalWire.decodeEntry(
                "{\"id\":\"ab\",\"subject\":\"user:a\"}".getBytes(StandardCharsets.UTF_8))).getMessage());
        assertEquals("created_at is not an ISO-8601 instant", assertThrows(IllegalArgumentException.class,
                () -> ApprovalWire.decodeEntry(("{\"id\":\"ab\",\"holder\":\"h\",\"subject\":\"user:a\","
                        + "\"created_at\":\"yesterday\"}").getBytes(StandardCharsets.UTF_8))).getMessage());
    }

    @Test
    void subjectsAndKeys() {
        assertEquals("switchboard.approvals.decide.replica-b_pod",
                ApprovalWire.decideSubject("switchboard.approvals.", ApprovalWire.holderToken("replica-b.pod")));
        assertTrue(ApprovalWire.validKey("0a1B"));
        assertFalse(ApprovalWire.validKey("../x"));
        assertFalse(ApprovalWire.validKey(""));
    }
}
