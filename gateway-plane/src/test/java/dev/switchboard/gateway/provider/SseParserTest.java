package dev.switchboard.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private static List<String> parse(List<byte[]> chunks) {
        List<String> events = new ArrayList<>();
        SseParser parser = new SseParser((event, data) -> events.add(event + "|" + data));
        chunks.forEach(c -> parser.feed(Buffer.buffer(c)));
        parser.finish();
        return events;
    }

    @Test
    void multiByteCharactersSplitAcrossChunksSurvive() {
        byte[] all = "event: d\ndata: h\u00e9 \u2713 \ud83d\ude00\n\n".getBytes(StandardCharsets.UTF_8);
        List<byte[]> oneByteEach = new ArrayList<>();
        for (byte b : all) {
            oneByteEach.add(new byte[] {b});
        }
        assertEquals(List.of("d|h\u00e9 \u2713 \ud83d\ude00"), parse(oneByteEach));
    }

    @Test
    void crlfAndMultiLineDataAndCommentsFollowTheSpec() {
        byte[] all = ": comment\r\nevent: x\r\ndata: a\r\ndata: b\r\n\r\ndata: last".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("x|a\nb", "null|last"), parse(List.of(all)));
    }
}
