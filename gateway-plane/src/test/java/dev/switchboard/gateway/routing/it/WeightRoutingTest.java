package dev.switchboard.gateway.routing.it;

import static dev.switchboard.gateway.routing.it.RoutingIt.PRIMARY;
import static dev.switchboard.gateway.routing.it.RoutingIt.SECONDARY;
import static dev.switchboard.gateway.routing.it.RoutingIt.TERTIARY;
import static dev.switchboard.gateway.routing.it.RoutingIt.chosen;
import static dev.switchboard.gateway.routing.it.RoutingIt.counts;
import static dev.switchboard.gateway.routing.it.RoutingIt.entry;
import static dev.switchboard.gateway.routing.it.RoutingIt.explain;
import static dev.switchboard.gateway.routing.it.RoutingIt.primary;
import static dev.switchboard.gateway.routing.it.RoutingIt.secondary;
import static dev.switchboard.gateway.routing.it.RoutingIt.served;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.routing.RoutingStats;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.telemetry.RowQueue;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Weight-based routing over real requests: a 50/50 split comes out roughly even; a sticky session key (a header, or a
 * field of the {@code x-tfy-metadata} JSON header) always lands on the same target, and only the sessions of a
 * target that leaves move; a malformed {@code x-tfy-metadata} (or one with a value that is not a string) is the caller's
 * error.
 */
@QuarkusTest
@TestProfile(RoutingItProfile.class)
class WeightRoutingTest {

    private static final int REQUESTS = 200;

    @Inject
    RoutingStats stats;

    @Inject
    RowQueue<RequestLog> logs;

    @BeforeEach
    void isolate() {
        RoutingIt.reset(stats, logs);
    }

    @Test
    void fiftyFiftySplitsRoughlyEvenly() {
        Map<String, Integer> byHeader = new LinkedHashMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            byHeader.merge(served("split", Map.of()), 1, Integer::sum);
        }

        int toPrimary = primary().requestCount();
        int toSecondary = secondary().requestCount();
        assertEquals(REQUESTS, toPrimary + toSecondary, byHeader.toString());
        assertEquals(Map.of(PRIMARY, toPrimary, SECONDARY, toSecondary), byHeader);
        // 35-65 %: a fair coin leaves it with probability < 1e-4
        assertTrue(toPrimary >= 70 && toPrimary <= 130, "primary served " + toPrimary + " of " + REQUESTS);

        JsonNode explanation = explain("split", Map.of());
        assertEquals("weight-based-routing", explanation.get("strategy").asText());
        assertEquals(50, entry(explanation, PRIMARY).get("weight").asInt());
        assertEquals(50, entry(explanation, SECONDARY).get("weight").asInt());
        assertEquals(REQUESTS, primary().requestCount() + secondary().requestCount(), "explain calls no provider");
    }

    @Test
    void theSameSessionHeaderAlwaysLandsOnTheSameTarget() {
        Map<String, String> targetOf = new LinkedHashMap<>();
        for (int k = 0; k < 12; k++) {
            String key = "session-" + k;
            Map<String, String> headers = Map.of("x-session-id", key);
            String first = served("sticky-header", headers);
            for (int i = 0; i < 4; i++) {
                assertEquals(first, served("sticky-header", headers), "session " + key + " moved");
            }
            JsonNode explanation = explain("sticky-header", headers);
            assertTrue(explanation.get("sticky_session_key").asBoolean(), explanation.toString());
            assertEquals(first, chosen(explanation), "explain disagrees for " + key);
            targetOf.put(key, first);
        }
        assertTrue(Set.of(PRIMARY, SECONDARY, TERTIARY).containsAll(targetOf.values()), targetOf.toString());
        assertTrue(new HashSet<>(targetOf.values()).size() >= 2, "every session on one target: " + targetOf);
        assertEquals(60, counts().stream().mapToInt(Integer::intValue).sum());

        // a target leaving (unhealthy) moves its own sessions, and only those; they return with it
        String leaving = targetOf.get("session-0");
        long now = System.currentTimeMillis();
        stats.of(leaving).record(now, 503, -1);
        stats.of(leaving).record(now, 503, -1);
        for (Map.Entry<String, String> session : targetOf.entrySet()) {
            String nowOn = chosen(explain("sticky-header", Map.of("x-session-id", session.getKey())));
            if (session.getValue().equals(leaving)) {
                assertNotEquals(leaving, nowOn, session.getKey() + " stayed on the unhealthy target");
            } else {
                assertEquals(session.getValue(), nowOn, session.getKey() + " moved though its target stayed");
            }
        }
        assertNotEquals(leaving, served("sticky-header", Map.of("x-session-id", "session-0")));
        stats.forget();
        for (Map.Entry<String, String> session : targetOf.entrySet()) {
            assertEquals(session.getValue(), served("sticky-header", Map.of("x-session-id", session.getKey())),
                    session.getKey() + " did not return to its target");
        }
    }

    @Test
    void theSameMetadataFieldAlwaysLandsOnTheSameTarget() {
        Set<String> targets = new HashSet<>();
        for (int k = 0; k < 12; k++) {
            Map<String, String> headers = Map.of("x-tfy-metadata",
                    "{\"conversation_id\":\"conv-" + k + "\",\"turn\":\"" + k + "\"}");
            String first = served("sticky-metadata", headers);
            for (int i = 0; i < 4; i++) {
                // other fields of the metadata do not matter, only the configured one
                Map<String, String> sameKey = Map.of("x-tfy-metadata",
                        "{\"turn\":\"" + (k + i + 1) + "\",\"conversation_id\":\"conv-" + k + "\"}");
                assertEquals(first, served("sticky-metadata", sameKey), "conversation conv-" + k + " moved");
            }
            assertEquals(first, chosen(explain("sticky-metadata", headers)));
            targets.add(first);
        }
        assertEquals(Set.of(PRIMARY, SECONDARY), targets);
        assertEquals(0, RoutingIt.tertiary().requestCount());
    }

    @Test
    void aMalformedMetadataHeaderIsTheCallersError() {
        String notAnObject = "x-tfy-metadata: the header must be a JSON object of string values.";
        String notJson = "x-tfy-metadata: the header must be a JSON object of string values; it is not valid JSON.";
        Map<String, String> messages = Map.of("not json", notJson, "{\"conversation_id\":", notJson,
                "[\"conversation_id\"]", notAnObject);
        for (Map.Entry<String, String> bad : messages.entrySet()) {
            Response r = RoutingIt.post(RoutingIt.chat("sticky-metadata"), Map.of("x-tfy-metadata", bad.getKey()));
            Gateway.assertError(r, 400, "invalid_request_error", "invalid_request", "x-tfy-metadata", bad.getValue());
            Response e = RoutingIt.explainResponse(RoutingIt.caller().header("x-tfy-metadata", bad.getKey()),
                    "sticky-metadata");
            Gateway.assertError(e, 400, "invalid_request_error", "invalid_request", "x-tfy-metadata", bad.getValue());
        }
        // values are strings: a number is refused, not turned into a key
        Response n = RoutingIt.post(RoutingIt.chat("sticky-metadata"),
                Map.of("x-tfy-metadata", "{\"conversation_id\":4242}"));
        Gateway.assertError(n, 400, "invalid_request_error", "invalid_request", "x-tfy-metadata.conversation_id",
                "x-tfy-metadata.conversation_id: the value must be a string.");
        assertEquals(List.of(0, 0, 0), counts());
    }
}
