package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpHttp.assertRpcError;
import static dev.switchboard.mcpgateway.support.McpHttp.headers;
import static dev.switchboard.mcpgateway.support.McpHttp.request;
import static dev.switchboard.mcpgateway.support.McpTestResource.ALICE_KEY;
import static dev.switchboard.mcpgateway.support.McpTestResource.CI_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.McpTestResource;
import dev.switchboard.mcpgateway.support.SecondGateway;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A gateway session lives in its id: any replica with the same key continues it; a changed or foreign id is a 404. */
@QuarkusTest
class SessionSurvivalTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void aSessionStartedOnOneInstanceIsContinuedOnASecond() {
        McpHttp first = new McpHttp(root);
        String session = first.initialize("alpha", ALICE_KEY);
        try (SecondGateway replica = new SecondGateway(McpTestResource.SESSION_KEY)) {
            McpHttp second = new McpHttp(replica.baseUrl());
            McpHttp.Reply reply = second.call("alpha", ALICE_KEY, session, "echo", "{\"message\":\"on the second\"}");
            assertEquals(200, reply.status(), reply.body());
            assertEquals("alpha: on the second",
                    reply.json().path("result").path("content").get(0).path("text").asText());
        }
    }

    @Test
    void aVirtualSessionIsContinuedOnASecondInstanceToo() {
        McpHttp first = new McpHttp(root);
        String session = first.initialize("combo", CI_KEY);
        try (SecondGateway replica = new SecondGateway(McpTestResource.SESSION_KEY)) {
            McpHttp second = new McpHttp(replica.baseUrl());
            McpHttp.Reply reply = second.call("combo", CI_KEY, session, "beta__echo", "{\"message\":\"moved\"}");
            assertEquals("beta: moved", reply.json().path("result").path("content").get(0).path("text").asText(),
                    reply.body());
        }
    }

    @Test
    void anInstanceWithAnotherKeyDoesNotKnowTheSession() {
        String session = new McpHttp(root).initialize("alpha", ALICE_KEY);
        try (SecondGateway stranger = new SecondGateway(new byte[32])) {
            McpHttp.Reply reply = new McpHttp(stranger.baseUrl()).post("alpha", headers(ALICE_KEY, session),
                    request(1, "tools/list", null));
            assertRpcError(reply, 404, -32001, "Session not found");
        }
    }

    @Test
    void aTamperedSessionIdIs404NeverACrash() {
        McpHttp mcp = new McpHttp(root);
        String session = mcp.initialize("alpha", ALICE_KEY);
        byte[] raw = Base64.getUrlDecoder().decode(session);
        for (int position : new int[] {0, 5, raw.length / 2, raw.length - 1}) {
            byte[] changed = raw.clone();
            changed[position] ^= 0x01;
            String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(changed);
            assertRpcError(mcp.post("alpha", headers(ALICE_KEY, tampered), request(1, "tools/list", null)), 404,
                    -32001, "Session not found");
        }
        String truncated = session.substring(0, session.length() - 4);
        assertRpcError(mcp.post("alpha", headers(ALICE_KEY, truncated), request(1, "tools/list", null)), 404, -32001,
                "Session not found");
    }

    @Test
    void theSessionIdRevealsNothingOfWhatItCarries() {
        String session = new McpHttp(root).initialize("alpha", ALICE_KEY);
        String decoded = new String(Base64.getUrlDecoder().decode(session), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(decoded.contains("alice"), decoded);
        assertFalse(decoded.contains("alpha"), decoded);
    }
}
