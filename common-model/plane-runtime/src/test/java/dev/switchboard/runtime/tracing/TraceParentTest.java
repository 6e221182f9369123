package dev.switchboard.runtime.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TraceParentTest {

    private static final String HEADER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aValidHeaderGivesItsIdsBack() {
        TraceParent.Parsed p = TraceParent.parse(HEADER);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", TraceParent.traceId(p.traceHigh(), p.traceLow()));
        assertEquals("00f067aa0ba902b7", TraceParent.spanId(p.spanId()));
        assertEquals(1, p.flags());
        assertEquals(HEADER, TraceParent.format(p.traceHigh(), p.traceLow(), p.spanId(), p.flags()));
    }

    @Test
    void idsWithTheHighBitSetSurviveTheRoundTrip() {
        String header = "00-ffffffffffffffff8000000000000001-fedcba9876543210-00";
        TraceParent.Parsed p = TraceParent.parse(header);
        assertEquals(header, TraceParent.format(p.traceHigh(), p.traceLow(), p.spanId(), p.flags()));
    }

    @Test
    void aLaterVersionIsReadByItsFirstFourFields() {
        assertNotEquals(null, TraceParent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later"));
    }

    @Test
    void aMalformedHeaderStartsANewTrace() {
        assertNull(TraceParent.parse(null));
        assertNull(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"), "too short");
        assertNull(TraceParent.parse("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"), "upper case");
        assertNull(TraceParent.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), "zero trace id");
        assertNull(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"), "zero span id");
        assertNull(TraceParent.parse("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), "version ff");
        assertNull(TraceParent.parse(HEADER + "-x"), "version 00 with more fields");
        assertNull(TraceParent.parse("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), "separator");
    }

    @Test
    void newIdsAreNeverZero() {
        for (int i = 0; i < 1000; i++) {
            assertNotEquals(0, TraceParent.newId());
        }
    }
}
