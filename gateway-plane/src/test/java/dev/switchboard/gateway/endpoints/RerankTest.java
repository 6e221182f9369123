package dev.switchboard.gateway.endpoints;

import static dev.switchboard.gateway.endpoints.EndpointsProfile.KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/rerank} in the vLLM / Cohere-compatible shape, over plain HTTP (the OpenAI SDK has no rerank). */
@QuarkusTest
@TestProfile(EndpointsProfile.class)
class RerankTest extends LoggedEndpointTest {

    /** What vLLM's {@code /v1/rerank} answers. */
    private static final String RERANKED = "{\"id\":\"rerank-7f3\",\"model\":\"bge-reranker-v2-m3\",\"usage\":"
            + "{\"total_tokens\":40},\"results\":[{\"index\":1,\"document\":{\"text\":\"Paris is the capital of France.\"},"
            + "\"relevance_score\":0.98},{\"index\":0,\"document\":{\"text\":\"Berlin is in Germany.\"},"
            + "\"relevance_score\":0.02}]}";

    @Override
    FakeOpenAi upstream() {
        return EndpointsProfile.openAi;
    }

    @Test
    void rerankPassesThroughAndIsLoggedWithItsTokensAndCost() {
        openAi.respondWith(200, "application/json", RERANKED.getBytes(StandardCharsets.UTF_8));
        String body = "{\"model\":\"fake/bge-reranker-v2-m3\",\"query\":\"capital of France?\","
                + "\"documents\":[\"Berlin is in Germany.\",\"Paris is the capital of France.\"],\"top_n\":2}";

        String answer = given().header("Authorization", "Bearer " + KEY).contentType("application/json").body(body)
                .post("/v1/rerank").then().statusCode(200).header("x-tfy-resolved-model", "fake/bge-reranker-v2-m3")
                .extract().asString();

        assertEquals(RERANKED, answer);
        RecordedRequest upstream = openAi.lastRequest();
        assertEquals("/v1/rerank", upstream.path());
        assertEquals(body.replace("fake/bge-reranker-v2-m3", "bge-reranker-v2-m3"), upstream.bodyAsString());
        assertEquals("Bearer sk-upstream-secret-value", upstream.header("authorization"));
        RequestLog log = logOf("/v1/rerank");
        assertEquals(200, log.status());
        assertEquals(40, log.promptTokens());
        // 0.5 USD per million input tokens
        assertEquals(40 * 0.5 / 1e6, log.costUsd(), 1e-15);
    }

    @Test
    void rerankWithoutDocumentsIsRefusedNamingTheField() {
        var response = given().header("Authorization", "Bearer " + KEY).contentType("application/json")
                .body("{\"model\":\"fake/bge-reranker-v2-m3\",\"query\":\"q\"}").post("/api/llm/rerank");
        Gateway.assertError(response, 400, "invalid_request_error", "invalid_request", "documents",
                "'documents' is a required property.");
        assertEquals(0, openAi.requestCount());
    }

    @Test
    void rerankOnAnAnthropicModelIsRefusedBeforeAnyCall() {
        var response = given().header("Authorization", "Bearer " + KEY).contentType("application/json")
                .body("{\"model\":\"claude/claude-sonnet\",\"query\":\"q\",\"documents\":[\"a\"]}").post("/v1/rerank");
        Gateway.assertError(response, 400, "invalid_request_error", "unsupported_endpoint", "model", null);
    }
}
