package dev.switchboard.mcpgateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The event ids of a virtual server's streams carry where each upstream's stream stood, and nothing gets lost. */
class VirtualEventIdsTest {

    @Test
    void aMergedStreamsIdCarriesTheLastIdOfEveryUpstream() {
        VirtualEventIds.Tracker t = new VirtualEventIds.Tracker(VirtualEventIds.Kind.MERGED, Map.of());
        t.advance("alpha", "a-1");
        t.advance("beta", "b-7");
        String id = t.advance("alpha", "a-2");
        VirtualEventIds.Position p = VirtualEventIds.decode(id).orElseThrow();
        assertEquals(VirtualEventIds.Kind.MERGED, p.kind());
        assertEquals(Map.of("alpha", "a-2", "beta", "b-7"), p.lastIds());
    }

    @Test
    void aRequestStreamsIdNamesItsOneUpstream() {
        VirtualEventIds.Tracker t = new VirtualEventIds.Tracker(VirtualEventIds.Kind.REQUEST, Map.of());
        t.advance("alpha", "1");
        VirtualEventIds.Position p = VirtualEventIds.decode(t.advance("alpha", "2")).orElseThrow();
        assertEquals(VirtualEventIds.Kind.REQUEST, p.kind());
        assertEquals(Map.of("alpha", "2"), p.lastIds());
    }

    @Test
    void aResumedStreamContinuesFromWhereItStood() {
        Map<String, String> from = new LinkedHashMap<>();
        from.put("alpha", "a-9");
        from.put("beta", "b-3");
        VirtualEventIds.Tracker t = new VirtualEventIds.Tracker(VirtualEventIds.Kind.MERGED, from);
        assertEquals(Map.of("alpha", "a-9", "beta", "b-4"),
                VirtualEventIds.decode(t.advance("beta", "b-4")).orElseThrow().lastIds());
    }

    @Test
    void anyIdRoundTripsAndTheEncodedFormIsSafeForSseAndHeaders() {
        String odd = "line\u00e9:with.dots/and spaces";
        String id = VirtualEventIds.encode(VirtualEventIds.Kind.MERGED, Map.of("srv.1", odd));
        assertTrue(id.matches("[A-Za-z0-9_.-]+"), id);
        assertEquals(Map.of("srv.1", odd), VirtualEventIds.decode(id).orElseThrow().lastIds());
    }

    @Test
    void eventsWithoutIdsGetNoneAndForeignIdsDecodeToNothing() {
        VirtualEventIds.Tracker t = new VirtualEventIds.Tracker(VirtualEventIds.Kind.MERGED, Map.of());
        assertNull(t.advance("alpha", null));
        assertNull(t.advance("alpha", ""));
        for (String foreign : new String[] {"alpha-ev-3", "r", "r.YQ", "r.YQ.Yg.Yw.ZA", "m.YQ", "m..Yg", "m.!!.Yg", ""}) {
            assertTrue(VirtualEventIds.decode(foreign).isEmpty(), foreign);
        }
    }
}
