package dev.switchboard.mcpgateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.switchboard.mcpgateway.session.SessionCodec;
import java.time.Clock;
import org.junit.jupiter.api.Tag;

/**
 * The headers of an MCP request that the gateway decodes itself: {@code Mcp-Session-Id} (a sealed session),
 * {@code Last-Event-ID} (a virtual server's stream position) and {@code Accept}. Whatever the caller sends, none of
 * them throws: a session id that is not one of ours opens nothing (404, re-initialize), an event id that is not ours
 * resumes nothing. Seeds: {@code CallerHeadersFuzzTestInputs/}.
 */
@Tag("fuzz")
class CallerHeadersFuzzTest {

    private final SessionCodec sessions = new SessionCodec(new byte[32], Clock.systemUTC());

    @FuzzTest(maxDuration = "15s")
    void headers(FuzzedDataProvider data) {
        String sessionId = data.consumeString(9000);
        String lastEventId = data.consumeString(2000);
        String accept = data.consumeRemainingAsString();
        assertTrue(sessions.open(sessionId).isEmpty(), sessionId);
        VirtualEventIds.decode(lastEventId).ifPresent(position -> assertTrue(lastEventId.trim().startsWith("r")
                || lastEventId.trim().startsWith("m")));
        McpPipeline.accepts(accept, "application", "json");
        McpPipeline.accepts(accept, "text", "event-stream");
    }
}
