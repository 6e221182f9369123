package dev.switchboard.model.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.switchboard.model.config.Period;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitsWireTest {

    private static final CounterKey KEY = new CounterKey(Family.BUDGET, "ml-monthly", Period.MONTH, "team:ml", null);
    private static final CounterKey WITH_METADATA =
            new CounterKey(Family.RATE_LIMIT, "rpm", Period.MINUTE, "user:alice", "acme|corp");

    @Test
    void countsRoundTripWithEveryField() {
        var counts = new LimitsWire.Counts("gw-1", 42, List.of(new CounterReport(KEY, 1000, 1, 2, 3, 4, 5),
                new CounterReport(WITH_METADATA, 2000, 6, 0, 0, 0, 0)));
        assertEquals(counts, LimitsWire.decodeCounts(LimitsWire.encodeCounts(counts)));
    }

    @Test
    void spendRoundTrips() {
        var spent = List.of(new LimitsWire.Spent(KEY, 1000, "gw-1", 1_500_000));
        assertEquals(spent, LimitsWire.decodeSpend(LimitsWire.encodeSpend(7, spent)));
    }

    @Test
    void anEventCarriesItsIdAndFigures() {
        var c = new ThresholdCrossing(KEY, 80, 1600, 2000, Instant.ofEpochMilli(1000), Instant.ofEpochMilli(9000), null);
        var row = LimitsWire.decodeEvent(LimitsWire.encodeEvent(c, "gw-1", 5000));
        assertEquals(c.id(), row.get("event_id").asText());
        assertEquals(80, row.get("percent").asInt());
        assertEquals("ml-monthly", row.get("budget").asText());
    }

    @Test
    void anEventRowHasTheTablesColumnsInOrder() {
        var c = new ThresholdCrossing(KEY, 50, 1, 2, Instant.ofEpochMilli(1000), Instant.ofEpochMilli(9000),
                "http://127.0.0.1:9/hook");
        var row = LimitsWire.decodeEvent(LimitsWire.encodeEvent(c, "gw-1", 86_400_000L + 5000));
        List<String> fields = new java.util.ArrayList<>();
        row.fieldNames().forEachRemaining(fields::add);
        assertEquals(LimitsWire.EVENT_COLUMNS, fields);
        assertEquals("1970-01-02 00:00:05", row.get("at").asText());
    }

    @Test
    void garbageIsRefusedNotHalfRead() {
        assertThrows(IllegalArgumentException.class, () -> LimitsWire.decodeCounts("[1]".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> LimitsWire.decodeCounts("{\"reports\":[]}".getBytes()));
    }
}
