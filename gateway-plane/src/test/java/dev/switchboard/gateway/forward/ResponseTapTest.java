package dev.switchboard.gateway.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.gateway.telemetry.Usage;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The tap reads the usage of the bytes that went by, however they were cut into chunks. */
class ResponseTapTest {

    private static final String EVENT = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n";
    private static final String USAGE = "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":21,"
            + "\"completion_tokens\":8}}\n\ndata: [DONE]\n\n";
    private static final String ANSWER = "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":"
            + "{\"content\":\"hello\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}";

    private static ResponseTap fed(boolean stream, byte[] bytes, int... cuts) {
        ResponseTap tap = new ResponseTap(stream, null);
        int from = 0;
        for (int cut : cuts) {
            tap.onChunk(Buffer.buffer(Arrays.copyOfRange(bytes, from, cut)), 1);
            from = cut;
        }
        tap.onChunk(Buffer.buffer(Arrays.copyOfRange(bytes, from, bytes.length)), 1);
        return tap;
    }

    /** What the whole stream's last 8 KB say. */
    private static Usage tailUsage(byte[] stream) {
        int from = Math.max(0, stream.length - 8 * 1024);
        return Usage.ofSseTail(Arrays.copyOfRange(stream, from, stream.length), stream.length - from);
    }

    @Test
    void aStreamsUsageIsReadFromItsLastEightKilobytesWhereverTheChunksEnd() {
        byte[] stream = (EVENT.repeat(200) + USAGE).getBytes(StandardCharsets.UTF_8);
        Usage expected = new Usage(21, 8, "c", null, null);
        assertEquals(expected, tailUsage(stream));
        assertEquals(expected, fed(true, stream).usage(), "one chunk, longer than the tail");
        assertEquals(expected, fed(true, stream, 100, stream.length - 30).usage(), "the usage event cut in two");
        int[] everyEvent = new int[stream.length / EVENT.length()];
        for (int i = 0; i < everyEvent.length; i++) {
            everyEvent[i] = (i + 1) * EVENT.length() - 7;
        }
        assertEquals(expected, fed(true, stream, everyEvent).usage(), "a chunk per event");
        ResponseTap tap = fed(true, stream, everyEvent);
        assertEquals(stream.length, tap.bytes);
    }

    @Test
    void aUsageBeforeTheLastEightKilobytesIsNotRead() {
        byte[] stream = (USAGE + EVENT.repeat(200)).getBytes(StandardCharsets.UTF_8);
        assertEquals(Usage.UNKNOWN, tailUsage(stream));
        assertEquals(Usage.UNKNOWN, fed(true, stream, 10, 50, 4000).usage());
        // cut right where the tail starts: the usage event's last bytes stay out of it
        int start = stream.length - 8 * 1024;
        assertEquals(Usage.UNKNOWN, fed(true, stream, start - 1, start, start + 1).usage());
    }

    @Test
    void aWholeAnswerIsReadInOnePieceOrInMany() {
        byte[] answer = ANSWER.getBytes(StandardCharsets.UTF_8);
        Usage expected = new Usage(3, 4, "c", "m", "stop");
        assertEquals(expected, fed(false, answer).usage());
        assertEquals(expected, fed(false, answer, 1, 2, 50, answer.length - 1).usage());
        // a chunk that is a slice of a larger buffer is read from its own bytes only
        Buffer larger = Buffer.buffer("xx" + ANSWER + "yy");
        ResponseTap tap = new ResponseTap(false, null);
        tap.onChunk(larger.slice(2, 2 + answer.length), 1);
        assertEquals(expected, tap.usage());
    }

    @Test
    void aWholeAnswerOverTheCapIsReadAsItPasses() {
        String padding = "{\"pad\":\"" + "x".repeat(300 * 1024) + "\",";
        byte[] answer = (padding + ANSWER.substring(1)).getBytes(StandardCharsets.UTF_8);
        Usage usage = fed(false, answer, 1000, 200_000).usage();
        assertEquals(3, usage.promptTokens());
        assertEquals(4, usage.completionTokens());
        assertEquals("c", usage.responseId());
    }
}
