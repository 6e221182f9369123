package dev.switchboard.gateway.guardrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseFramesTest {

    @Test
    void anEventCutByAChunkBoundaryIsHeldUntilItsBlankLine() {
        SseFrames frames = new SseFrames();

        assertEquals(List.of(), frames.feed(Buffer.buffer("data: {\"a\":")));
        List<SseFrames.Frame> out = frames.feed(Buffer.buffer("1}\n\ndata: [DO"));

        assertEquals(1, out.size());
        assertEquals("{\"a\":1}", out.get(0).data());
        assertNull(out.get(0).event());
        assertEquals("data: {\"a\":1}\n\n", out.get(0).raw().toString());
        List<SseFrames.Frame> rest = frames.feed(Buffer.buffer("NE]\n\n"));
        assertEquals("[DONE]", rest.get(0).data());
    }

    @Test
    void eventNamesAndCrLfLinesAreRead() {
        List<SseFrames.Frame> out = new SseFrames().feed(Buffer.buffer(
                "event: content_block_delta\r\ndata: {\"x\":1}\r\n\r\nevent: ping\ndata: {}\n\n"));

        assertEquals(2, out.size());
        assertEquals("content_block_delta", out.get(0).event());
        assertEquals("{\"x\":1}", out.get(0).data());
        assertEquals("ping", out.get(1).event());
    }

    @Test
    void anEventLeftWithoutItsBlankLineComesOutAtTheEnd() {
        SseFrames frames = new SseFrames();
        frames.feed(Buffer.buffer("data: tail"));

        assertEquals("tail", frames.finish().get(0).data());
        assertEquals(List.of(), frames.finish());
    }
}
