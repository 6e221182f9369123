package dev.switchboard.model.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonRowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String text(byte[] row) {
        return new String(row, StandardCharsets.UTF_8);
    }

    @Test
    void rowsGoOneAfterAnotherIntoOneBufferAndAnEventIdIsWrittenWithoutAStringOfIt() throws Exception {
        JsonRow rows = new JsonRow(16);
        rows.begin().string("a", "x").number("n", 3L).string("event_id", "gw-1", 41).finish();
        rows.append('\n');
        int second = rows.size();
        rows.begin().string("event_id", "in\"st\\ance\u00e9\n\u65e5", Long.MAX_VALUE).finish();
        String text = new String(rows.array(), 0, rows.size(), StandardCharsets.UTF_8);
        assertEquals("{\"a\":\"x\",\"n\":3,\"event_id\":\"gw-1-41\"}", text.substring(0, second - 1));
        assertEquals("in\"st\\ance\u00e9\n\u65e5-" + Long.MAX_VALUE,
                JSON.readTree(text.substring(second)).get("event_id").asText());
        // a row that is not to be sent after all is taken back
        rows.truncate(second);
        assertEquals(second, rows.size());
        assertEquals("{\"b\":1}", text(rows.begin().number("b", 1L).end()));
    }

    @Test
    void timesAreWrittenPerSecondInUtc() {
        assertEquals("2026-01-02 03:04:05", JsonRow.dateTime(Instant.parse("2026-01-02T03:04:05.001Z")));
        assertEquals("2026-01-02 03:04:05", JsonRow.dateTime(Instant.parse("2026-01-02T03:04:05.999Z")));
        assertEquals("2026-01-02 03:04:06", JsonRow.dateTime(Instant.parse("2026-01-02T03:04:06Z")));
        assertEquals("2026-01-02 03:04:05", JsonRow.dateTime(Instant.parse("2026-01-02T03:04:05.5Z")));
        assertEquals("1969-12-31 23:59:59", JsonRow.dateTime(Instant.parse("1969-12-31T23:59:59.5Z")));
    }

    @Test
    void aNestedThingIsWrittenAsTheSameTextAsTextMakes() throws Exception {
        JsonRow.Writer nested = json -> {
            json.writeStartArray();
            json.writeStartObject();
            json.writeStringField("target", "acme/\"quoted\" \u00e9\u65e5\n");
            json.writeNumberField("latency_ms", 4.25);
            json.writeNullField("reason");
            json.writeEndObject();
            json.writeEndArray();
        };
        JsonNode row = JSON.readTree(JsonRow.start().string("a", "x").nested("attempts", nested).number("n", 1L).end());
        assertEquals(JsonRow.text(nested), row.path("attempts").asText());
        assertEquals("acme/\"quoted\" \u00e9\u65e5\n", JSON.readTree(row.path("attempts").asText()).get(0)
                .path("target").asText());
        assertEquals(1, row.path("n").asInt(), "the row goes on after the nested text");
    }

    @Test
    void rowsWrittenOneAfterAnotherOnAThreadKeepTheirOwnBytes() throws Exception {
        // a thread's rows share its buffers: the bytes of one must not change when the next is written
        byte[] first = JsonRow.start().string("id", "first").nested("n", j -> j.writeString("one")).end();
        byte[] second = JsonRow.start().string("id", "second, and longer than the first").end();
        assertEquals("{\"id\":\"first\",\"n\":\"\\\"one\\\"\"}", text(first));
        assertEquals("{\"id\":\"second, and longer than the first\"}", text(second));
    }

    @Test
    void aRowStartedWhileAnotherIsWrittenHasBuffersOfItsOwn() throws Exception {
        JsonRow outer = JsonRow.start().string("a", "1");
        byte[] inner = JsonRow.start().string("b", "2").end();
        assertEquals("{\"a\":\"1\",\"c\":\"3\"}", text(outer.string("c", "3").end()));
        assertEquals("{\"b\":\"2\"}", text(inner));
        // a row left half-written (its encoder failed) does not spoil the thread's next one
        JsonRow.start().string("left", "half-written");
        assertEquals("{\"d\":4}", text(JsonRow.start().number("d", 4L).end()));
    }

    @Test
    void fractionsReadBackAsTheSameDouble() throws Exception {
        double[] values = {0.1 + 0.2, 12.5, 1e-7, 123456789.123, 4.9e-324, 0.002, 1234.5678901234};
        JsonRow row = JsonRow.start();
        for (int i = 0; i < values.length; i++) {
            row.number("v" + i, values[i]);
        }
        JsonNode parsed = JSON.readTree(row.number("nan", Double.NaN).end());
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], parsed.path("v" + i).doubleValue(), 0.0, "v" + i);
        }
        assertTrue(parsed.path("nan").isNull(), "not a number: null, the column's default");
    }
}
