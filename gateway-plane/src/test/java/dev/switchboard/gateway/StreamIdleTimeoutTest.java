package dev.switchboard.gateway;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.gateway.routing.RoutingStats;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.testsupport.fakes.StreamGate;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An upstream stream that falls silent longer than the account's idle_ms (1.5 s in the test config) is ended cleanly. */
@QuarkusTest
class StreamIdleTimeoutTest {

    @Inject
    RoutingStats routingStats;

    private FakeOpenAi openAi;

    @BeforeEach
    void reset() {
        openAi = GatewayTestResource.openAi;
        openAi.reset();
        routingStats.forget();
    }

    @Test
    void silentStreamEndsWithATimeoutEventAndDone() {
        StreamGate gate = openAi.holdStreamAfterFirstChunk();
        try {
            long start = System.nanoTime();
            String body = given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json")
                    .body("{\"model\":\"fake/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                    .post("/v1/chat/completions").then().statusCode(200).extract().asString();
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(body.contains("\"code\":\"upstream_timeout\""), body);
            assertTrue(body.contains("in the middle of the stream"), body);
            assertTrue(body.endsWith("data: [DONE]\n\n"), body);
            assertTrue(tookMs >= 1400 && tookMs < 10_000, "ended after " + tookMs + " ms");
        } finally {
            gate.release();
        }
    }
}
