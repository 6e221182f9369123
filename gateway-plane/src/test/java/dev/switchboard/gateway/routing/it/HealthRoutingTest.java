package dev.switchboard.gateway.routing.it;

import static dev.switchboard.gateway.routing.it.RoutingIt.PRIMARY;
import static dev.switchboard.gateway.routing.it.RoutingIt.SECONDARY;
import static dev.switchboard.gateway.routing.it.RoutingIt.attempts;
import static dev.switchboard.gateway.routing.it.RoutingIt.chosen;
import static dev.switchboard.gateway.routing.it.RoutingIt.counts;
import static dev.switchboard.gateway.routing.it.RoutingIt.entry;
import static dev.switchboard.gateway.routing.it.RoutingIt.explain;
import static dev.switchboard.gateway.routing.it.RoutingIt.primary;
import static dev.switchboard.gateway.routing.it.RoutingIt.secondary;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.routing.RoutingStats;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Health as requests see it: two failures within the window mark the primary unhealthy, after which requests go
 * straight to the secondary; {@code POST /v1/route:explain} shows why, and asks no provider anything. An unhealthy
 * target is still tried, last, when the healthy ones fail.
 */
@QuarkusTest
@TestProfile(RoutingItProfile.class)
class HealthRoutingTest {

    @Inject
    RoutingStats stats;

    @Inject
    RowQueue<RequestLog> logs;

    private final List<RequestLog> seen = new ArrayList<>();

    @BeforeEach
    void isolate() {
        RoutingIt.reset(stats, logs);
    }

    private RequestLog send(String expectedTarget) {
        String id = RoutingIt.newRequestId();
        RoutingIt.Reply r = RoutingIt.send("chat/completions", RoutingIt.chat("health"), Map.of("x-request-id", id));
        assertEquals(200, r.status(), r.body());
        assertEquals(expectedTarget, r.header("x-tfy-resolved-model"));
        return RoutingIt.logOf(logs, seen, id);
    }

    @Test
    void twoFailuresMarkThePrimaryUnhealthyAndRequestsThenSkipIt() {
        primary().always(FakeOpenAi.Behaviour.fail(503));

        // the 'health' virtual model does not retry: each request is exactly one failure of the primary
        assertEquals(List.of(PRIMARY + " 503", SECONDARY + " 200"), attempts(send(SECONDARY)));
        assertEquals(List.of(1, 1, 0), counts());
        JsonNode afterOne = explain("health", Map.of());
        assertEquals(PRIMARY, chosen(afterOne), "one failure is below the threshold of 2: " + afterOne);
        assertTrue(entry(afterOne, PRIMARY).get("healthy").asBoolean());
        assertEquals(1, entry(afterOne, PRIMARY).get("recent_failures").asInt());

        assertEquals(List.of(PRIMARY + " 503", SECONDARY + " 200"), attempts(send(SECONDARY)));
        assertEquals(List.of(2, 2, 0), counts());

        JsonNode explanation = explain("health", Map.of());
        assertEquals(List.of(2, 2, 0), counts(), "explain calls no provider");
        assertEquals("virtual_model", explanation.get("kind").asText());
        assertEquals("priority-based-routing", explanation.get("strategy").asText());
        assertEquals(SECONDARY, chosen(explanation));
        JsonNode p = entry(explanation, PRIMARY);
        JsonNode s = entry(explanation, SECONDARY);
        assertFalse(p.get("healthy").asBoolean(), explanation.toString());
        assertFalse(p.get("chosen").asBoolean(), explanation.toString());
        assertEquals(2, p.get("recent_failures").asInt(), explanation.toString());
        assertEquals(1, p.get("order").asInt(), "unhealthy targets go last: " + explanation);
        assertTrue(p.get("note").asText().contains("2 failures"), explanation.toString());
        assertTrue(s.get("healthy").asBoolean(), explanation.toString());
        assertTrue(s.get("chosen").asBoolean(), explanation.toString());
        assertEquals(0, s.get("recent_failures").asInt(), explanation.toString());

        // straight to the secondary: the primary is not touched
        RequestLog third = send(SECONDARY);
        assertEquals(List.of(SECONDARY + " 200"), attempts(third));
        assertEquals(List.of(2, 3, 0), counts());
    }

    @Test
    void anUnhealthyTargetIsStillTriedLastWhenTheHealthyOnesFail() {
        long now = System.currentTimeMillis();
        stats.of(PRIMARY).record(now, 503, -1);
        stats.of(PRIMARY).record(now, 503, -1);
        secondary().always(FakeOpenAi.Behaviour.fail(503));

        // order: the healthy secondary (default retries: 3 tries), then the unhealthy primary, which serves
        RequestLog log = send(PRIMARY);
        assertEquals(List.of(SECONDARY + " 503", SECONDARY + " 503", SECONDARY + " 503", PRIMARY + " 200"),
                attempts(log));
        assertEquals(List.of(1, 3, 0), counts());
    }

    @Test
    void explainNeedsTheSameAuthenticationAsARequest() {
        Response r = RoutingIt.explainResponse(given().contentType("application/json"), "health");
        Gateway.assertError(r, 401, "invalid_request_error", "invalid_api_key", null, null);
        assertEquals(List.of(0, 0, 0), counts());
    }
}
