package dev.switchboard.gateway.routing.it;

import static dev.switchboard.gateway.routing.it.RoutingIt.PRIMARY;
import static dev.switchboard.gateway.routing.it.RoutingIt.SECONDARY;
import static dev.switchboard.gateway.routing.it.RoutingIt.chosen;
import static dev.switchboard.gateway.routing.it.RoutingIt.counts;
import static dev.switchboard.gateway.routing.it.RoutingIt.entry;
import static dev.switchboard.gateway.routing.it.RoutingIt.explain;
import static dev.switchboard.gateway.routing.it.RoutingIt.served;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.routing.RoutingStats;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.telemetry.RowQueue;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Latency-based routing and the SLA cutoff, with the time-per-output-token samples fed to the gateway's
 * {@link RoutingStats} directly (real requests add their own, near-zero, samples to the target that served them):
 * explain shows the choice and the real requests follow it.
 */
@QuarkusTest
@TestProfile(RoutingItProfile.class)
class LatencyRoutingTest {

    @Inject
    RoutingStats stats;

    @Inject
    RowQueue<RequestLog> logs;

    @BeforeEach
    void isolate() {
        RoutingIt.reset(stats, logs);
    }

    private void samples(String target, int n, double timePerOutputTokenMs) {
        long now = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            stats.of(target).record(now, 200, timePerOutputTokenMs);
        }
    }

    @Test
    void theFasterTargetIsChosenOnceSamplesExist() {
        samples(PRIMARY, 5, 40.0);
        samples(SECONDARY, 5, 10.0);

        JsonNode explanation = explain("fastest", Map.of());
        assertEquals("latency-based-routing", explanation.get("strategy").asText());
        assertEquals(SECONDARY, chosen(explanation), explanation.toString());
        assertEquals(5, entry(explanation, SECONDARY).get("latency_samples").asInt());
        assertEquals(10.0, entry(explanation, SECONDARY).get("avg_time_per_output_token_ms").asDouble(), 1e-9);
        assertEquals(40.0, entry(explanation, PRIMARY).get("avg_time_per_output_token_ms").asDouble(), 1e-9);
        assertTrue(explanation.get("reason").asText().contains("lowest time per output token"), explanation.toString());
        assertEquals(List.of(0, 0, 0), counts(), "explain calls no provider");

        for (int i = 0; i < 5; i++) {
            assertEquals(SECONDARY, served("fastest"));
        }
        assertEquals(List.of(0, 5, 0), counts());
    }

    @Test
    void aTargetWithTooFewSamplesCountsAsFastest() {
        samples(PRIMARY, 5, 10.0);
        samples(SECONDARY, 2, 40.0); // min_samples: 3

        JsonNode explanation = explain("fastest", Map.of());
        assertEquals(SECONDARY, chosen(explanation), explanation.toString());
        assertTrue(explanation.get("reason").asText().contains("fewer than 3 samples"), explanation.toString());
        assertEquals(SECONDARY, served("fastest"));
        assertEquals(List.of(0, 1, 0), counts());
    }

    @Test
    void targetsWithinTheEqualBandShareTheLoad() {
        samples(PRIMARY, 5, 10.0);
        samples(SECONDARY, 5, 11.5); // within 1.2 x 10

        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            JsonNode explanation = explain("fastest", Map.of());
            assertTrue(explanation.get("reason").asText().contains("2 within 1.20x"), explanation.toString());
            chosen.add(chosen(explanation));
        }
        assertEquals(Set.of(PRIMARY, SECONDARY), chosen);

        samples(SECONDARY, 5, 30.0); // now an average of 20.75: outside the band
        for (int i = 0; i < 10; i++) {
            assertEquals(PRIMARY, chosen(explain("fastest", Map.of())));
        }
        assertEquals(List.of(0, 0, 0), counts());
    }

    @Test
    void aTargetOverTheSlaCutoffIsUnhealthyAndSkipped() {
        samples(PRIMARY, 3, 80.0); // sla_cutoff: 50 ms per output token

        JsonNode explanation = explain("sla", Map.of());
        assertEquals(SECONDARY, chosen(explanation), explanation.toString());
        JsonNode p = entry(explanation, PRIMARY);
        assertFalse(p.get("healthy").asBoolean(), explanation.toString());
        assertEquals(0, p.get("recent_failures").asInt());
        assertTrue(p.get("note").asText().contains("SLA cutoff"), explanation.toString());

        assertEquals(SECONDARY, served("sla"));
        assertEquals(List.of(0, 1, 0), counts());

        // back under the cutoff (an average of 48.4 ms), it is the first choice again
        samples(PRIMARY, 2, 1.0);
        assertEquals(PRIMARY, chosen(explain("sla", Map.of())));
        assertEquals(PRIMARY, served("sla"));
    }
}
