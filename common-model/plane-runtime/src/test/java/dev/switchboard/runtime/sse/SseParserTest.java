package dev.switchboard.runtime.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private final List<SseEvent> events = new ArrayList<>();
    private final SseParser parser = new SseParser(events::add);

    private void feed(String... chunks) {
        for (String c : chunks) {
            parser.feed(Buffer.buffer(c));
        }
    }

    @Test
    void eventsAreSplitAtBlankLinesWhateverTheLineEndings() {
        feed("id: 1\nevent: message\ndata: {\"a\":1}\n\n", "id: 2\r\ndata: x\r\n\r\n", "data: y\r\r");
        assertEquals(List.of(new SseEvent("1", "message", "{\"a\":1}", null, null),
                new SseEvent("2", null, "x", null, null), new SseEvent(null, null, "y", null, null)), events);
    }

    @Test
    void anEventMaySpanChunksEvenACrlfPair() {
        feed("id: 7\r", "\nda", "ta: he", "llo\r", "\n\r", "\n");
        assertEquals(List.of(new SseEvent("7", null, "hello", null, null)), events);
    }

    @Test
    void aPrimingEventKeepsItsIdRetryAndEmptyData() {
        feed("id: p\nretry: 1500\ndata: \n\n");
        assertEquals(new SseEvent("p", null, "", 1500L, null), events.get(0));
    }

    @Test
    void multiLineDataIsJoinedAndCommentsAreKept() {
        feed(": keep-alive\n\n", "data: a\ndata: b\n\n");
        assertEquals(new SseEvent(null, null, null, null, " keep-alive"), events.get(0));
        assertEquals("a\nb", events.get(1).data());
    }

    @Test
    void anUnfinishedEventAtTheEndIsDropped() {
        feed("data: half");
        parser.end();
        assertEquals(List.of(), events);
    }

    @Test
    void theWireFormRoundTrips() {
        SseEvent e = new SseEvent("9", "message", "l1\nl2", 10L, null);
        feed(e.toBuffer().toString());
        assertEquals(e, events.get(0));
        assertNull(SseEvent.message(null, "x").id());
    }

    @Test
    void multiByteCharactersSplitAcrossChunksSurvive() {
        byte[] all = "event: d\ndata: h\u00e9 \u2713 \ud83d\ude00\n\n".getBytes(StandardCharsets.UTF_8);
        for (byte b : all) {
            parser.feed(new byte[] {b});
        }
        assertEquals(List.of(new SseEvent(null, "d", "h\u00e9 \u2713 \ud83d\ude00", null, null)), events);
    }

    @Test
    void dataEventsSkipCommentsAndFinishHandsOnAnUnfinishedEvent() {
        List<String> data = new ArrayList<>();
        SseParser lenient = SseParser.dataEvents((event, d) -> data.add(event + "|" + d));
        lenient.feed(": comment\r\nevent: x\r\ndata: a\r\ndata: b\r\n\r\ndata: last".getBytes(StandardCharsets.UTF_8));
        lenient.finish();
        assertEquals(List.of("x|a\nb", "null|last"), data);
    }

    @Test
    void anEventOverTheCapEndsTheStream() {
        byte[] big = new byte[SseParser.MAX_EVENT_BYTES + 1];
        java.util.Arrays.fill(big, (byte) 'a');
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> parser.feed(big));
    }
}
