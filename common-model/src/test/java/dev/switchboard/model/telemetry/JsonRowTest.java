package dev.switchboard.model.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    void theLastFieldIsAppendedToARowAsJson() throws Exception {
        byte[] row = JsonRow.start().string("a", "x").number("n", 3L).end();
        assertEquals("{\"a\":\"x\",\"n\":3,\"event_id\":\"i-1\"}", text(JsonRow.withLastField(row, "event_id", "i-1")));
        assertEquals("{\"event_id\":\"i-2\"}", text(JsonRow.withLastField(JsonRow.start().end(), "event_id", "i-2")));

        String odd = "in\"st\\ance\u00e9\n\u65e5-7";
        JsonNode parsed = JSON.readTree(JsonRow.withLastField(row, "col\"umn", odd));
        assertEquals(odd, parsed.get("col\"umn").asText());
        assertEquals("x", parsed.get("a").asText());
        assertEquals(3, parsed.size());
    }

    @Test
    void onlyAnObjectTakesAField() {
        assertThrows(IllegalArgumentException.class, () -> JsonRow.withLastField("[]".getBytes(), "a", "b"));
        assertThrows(IllegalArgumentException.class, () -> JsonRow.withLastField("{".getBytes(), "a", "b"));
    }

    @Test
    void timesAreWrittenPerSecondInUtc() {
        assertEquals("2026-01-02 03:04:05", JsonRow.dateTime(Instant.parse("2026-01-02T03:04:05.001Z")));
        assertEquals("2026-01-02 03:04:05", JsonRow.dateTime(Instant.parse("2026-01-02T03:04:05.999Z")));
        assertEquals("2026-01-02 03:04:06", JsonRow.dateTime(Instant.parse("2026-01-02T03:04:06Z")));
        assertEquals("2026-01-02 03:04:05", JsonRow.dateTime(Instant.parse("2026-01-02T03:04:05.5Z")));
        assertEquals("1969-12-31 23:59:59", JsonRow.dateTime(Instant.parse("1969-12-31T23:59:59.5Z")));
    }
}
