package dev.switchboard.gateway;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static dev.switchboard.gateway.support.GatewayTestResource.AUDIENCE;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.gateway.routing.RoutingStats;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.gateway.telemetry.TargetStatistics;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each request leaves one request-log event and one statistics sample with what happened and what it cost. */
@QuarkusTest
class RequestLogTest {

    /** fake/gpt-4o-mini: 1.0 USD per 1M input tokens, 2.0 per 1M output tokens. */
    private static final double INPUT_PER_TOKEN = 1.0 / 1e6;
    private static final double OUTPUT_PER_TOKEN = 2.0 / 1e6;

    @Inject
    RowQueue<RequestLog> logs;

    @Inject
    TargetStatistics statistics;

    private FakeOpenAi openAi;
    private final List<RequestLog> seen = new ArrayList<>();

    /** Earlier tests fail targets on purpose; each test here starts with every target healthy. */
    @Inject
    RoutingStats routingStats;

    @BeforeEach
    void isolate() {
        openAi = GatewayTestResource.openAi;
        openAi.reset();
        routingStats.forget();
        logs.drain(Integer.MAX_VALUE);
    }

    private static String post(String bearer, String body, String requestId, int status) {
        given().header("Authorization", "Bearer " + bearer).header("x-request-id", requestId)
                .contentType("application/json").body(body).post("/v1/chat/completions")
                .then().statusCode(status).header("x-request-id", requestId);
        return requestId;
    }

    private RequestLog logOf(String requestId) {
        return Gateway.awaitLog(logs, seen, l -> requestId.equals(l.requestId()));
    }

    @Test
    void nonStreamingCallIsLoggedWithUsageAndCost() {
        openAi.setUsage(1000, 500);
        int samplesBefore = statistics.samples("fake/gpt-4o-mini").length;

        String id = post(ALICE_KEY, "{\"model\":\"assistant\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "log-" + UUID.randomUUID(), 200);

        RequestLog log = logOf(id);
        assertEquals("user:alice", log.subject());
        assertEquals("api_key:alice-key", log.credential());
        assertEquals("/v1/chat/completions", log.endpoint());
        assertEquals("assistant", log.requestedModel());
        assertEquals("fake/gpt-4o-mini", log.resolvedModel());
        assertFalse(log.stream());
        assertEquals(200, log.status());
        assertNull(log.errorCode());
        assertEquals(1000, log.promptTokens());
        assertEquals(500, log.completionTokens());
        assertEquals(1000 * INPUT_PER_TOKEN + 500 * OUTPUT_PER_TOKEN, log.costUsd(), 1e-12);
        assertTrue(log.timeToFirstTokenMs() >= 0, "ttft " + log.timeToFirstTokenMs());
        assertTrue(log.latencyMs() >= log.timeToFirstTokenMs(), log.toString());
        assertTrue(log.startedAt() != null);

        TargetStatistics.Sample[] samples = statistics.samples("fake/gpt-4o-mini");
        assertTrue(samples.length > samplesBefore || samples.length == TargetStatistics.SAMPLES);
        assertEquals(200, samples[samples.length - 1].status());
    }

    @Test
    void streamingCallIsLoggedWithTheUsageOfItsLastChunk() {
        openAi.setUsage(200, 40);

        String id = post(GatewayTestResource.idp.tokenFor("alice@example.com", List.of("ml"), AUDIENCE),
                "{\"model\":\"fake/gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "log-" + UUID.randomUUID(), 200);

        RequestLog log = logOf(id);
        assertEquals("user:alice", log.subject());
        assertEquals("jwt:test-idp", log.credential());
        assertEquals("fake/gpt-4o-mini", log.requestedModel());
        assertEquals("fake/gpt-4o-mini", log.resolvedModel());
        assertTrue(log.stream());
        assertEquals(200, log.status());
        assertNull(log.errorCode());
        assertEquals(200, log.promptTokens());
        assertEquals(40, log.completionTokens());
        assertEquals(200 * INPUT_PER_TOKEN + 40 * OUTPUT_PER_TOKEN, log.costUsd(), 1e-12);
        assertTrue(log.timeToFirstTokenMs() >= 0, "ttft " + log.timeToFirstTokenMs());
        assertTrue(log.latencyMs() >= log.timeToFirstTokenMs(), log.toString());
        assertTrue(log.timePerOutputTokenMs() >= 0, "tpot " + log.timePerOutputTokenMs());
        assertEquals("ml", log.team(), "the first team the JWT claims");
        assertEquals(Map.of(), log.metadata());
    }

    @Test
    void theMetadataHeaderIsLoggedAsSent() {
        String id = "log-" + UUID.randomUUID();
        given().header("Authorization", "Bearer " + ALICE_KEY).header("x-request-id", id)
                .header("x-tfy-metadata", "{\"customer_id\":\"acme\",\"env\":\"prod\"}")
                .contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);

        RequestLog log = logOf(id);
        assertEquals(List.of("customer_id", "env"), List.copyOf(log.metadata().keySet()));
        assertEquals(List.of("acme", "prod"), List.copyOf(log.metadata().values()));
        assertEquals("", log.team(), "alice's key is a user's, not a team's");
    }

    @Test
    void anAnthropicRequestsMetadataUserIdIsLoggedBesideTheHeadersMetadata() {
        String id = "log-" + UUID.randomUUID();
        String session = "{\"device_id\":\"d1\",\"account_uuid\":\"\",\"session_id\":\"s1\"}";
        given().header("x-api-key", ALICE_KEY).header("x-request-id", id)
                .header("x-tfy-metadata", "{\"env\":\"prod\"}")
                .contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\",\"max_tokens\":20,\"metadata\":{\"user_id\":"
                        + Gateway.JSON.valueToTree(session) + "},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/messages").then().statusCode(200);

        RequestLog log = logOf(id);
        assertEquals(Map.of("env", "prod", "user_id", session), log.metadata());
    }

    @Test
    void aRefusedMetadataHeaderIsA400InTheCallersShapeBeforeAnyUpstreamCall() {
        String tooLong = "{\"customer_id\":\"" + "x".repeat(513) + "\"}";
        Response openAiShape = given().header("Authorization", "Bearer " + ALICE_KEY)
                .header("x-tfy-metadata", tooLong).contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
        Gateway.assertError(openAiShape, 400, "invalid_request_error", "invalid_request",
                "x-tfy-metadata.customer_id",
                "x-tfy-metadata.customer_id: the value must be at most 512 characters (got 513).");

        Response anthropicShape = given().header("x-api-key", ALICE_KEY).header("anthropic-version", "2023-06-01")
                .header("x-tfy-metadata", "{\"tier\":1}").contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\",\"max_tokens\":16,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/messages");
        assertEquals(400, anthropicShape.statusCode(), anthropicShape.asString());
        assertEquals("error", anthropicShape.jsonPath().getString("type"));
        assertEquals("invalid_request_error", anthropicShape.jsonPath().getString("error.type"));
        assertEquals("x-tfy-metadata.tier: the value must be a string.",
                anthropicShape.jsonPath().getString("error.message"));
        assertEquals(0, openAi.requestCount());
    }

    @Test
    void streamingCallWithoutUsageIsLoggedWithoutCost() {
        String id = post(ALICE_KEY, "{\"model\":\"fake/gpt-4o-mini\",\"stream\":true,\"messages\":[]}",
                "log-" + UUID.randomUUID(), 200);

        RequestLog log = logOf(id);
        assertEquals(200, log.status());
        assertEquals(-1, log.promptTokens());
        assertEquals(-1, log.completionTokens());
        assertEquals(0.0, log.costUsd());
    }

    @Test
    void failedCallIsLoggedWithTheGatewaysErrorCode() {
        String id = post(ALICE_KEY, "{\"model\":\"unreachable/any\",\"messages\":[]}", "log-" + UUID.randomUUID(), 502);

        RequestLog log = logOf(id);
        assertEquals("unreachable/any", log.resolvedModel());
        assertEquals(502, log.status());
        assertEquals("upstream_unreachable", log.errorCode());
        assertEquals(0.0, log.costUsd());
        TargetStatistics.Sample[] samples = statistics.samples("unreachable/any");
        assertEquals(502, samples[samples.length - 1].status());
    }

    @Test
    void upstreamErrorStatusIsLoggedAsServed() {
        openAi.failNext(429);
        String id = post(ALICE_KEY, "{\"model\":\"fake/gpt-4o-mini\",\"messages\":[]}", "log-" + UUID.randomUUID(), 429);

        RequestLog log = logOf(id);
        assertEquals(429, log.status());
        assertEquals(-1, log.promptTokens());
        assertEquals(0.0, log.costUsd());
    }
}
