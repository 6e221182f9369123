package dev.switchboard.gateway;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.gateway.routing.RoutingStats;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/responses} passes through to OpenAI-compatible upstreams, streams included, byte for byte. */
@QuarkusTest
class ResponsesApiTest {

    private static final String RESPONSE = "{\"id\":\"resp_67ccd2bed1ec8190\",\"object\":\"response\",\"created_at\":1741476542,"
            + "\"status\":\"completed\",\"model\":\"gpt-4o-mini\",\"output\":[{\"type\":\"message\",\"id\":\"msg_1\","
            + "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hi\","
            + "\"annotations\":[]}]}],\"usage\":{\"input_tokens\":36,\"output_tokens\":2,\"total_tokens\":38}}";
    private static final String STREAM = "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0}\n\n"
            + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\","
            + "\"sequence_number\":1}\n\nevent: response.completed\ndata: {\"type\":\"response.completed\","
            + "\"sequence_number\":2}\n\n";

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
    void responsesPassThroughWithOnlyTheModelRewritten() {
        openAi.respondWith(200, "application/json", RESPONSE.getBytes(StandardCharsets.UTF_8));
        byte[] body = given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\",\"input\":\"Say hi\",\"store\":false}")
                .post("/v1/responses").then().statusCode(200).header("x-tfy-resolved-model", "fake/gpt-4o-mini")
                .extract().asByteArray();
        assertArrayEquals(RESPONSE.getBytes(StandardCharsets.UTF_8), body);
        assertEquals("/v1/responses", openAi.lastRequest().path());
        assertEquals("{\"model\":\"gpt-4o-mini\",\"input\":\"Say hi\",\"store\":false}", openAi.lastRequest().bodyAsString());
    }

    @Test
    void streamedResponsesPassThroughEventByEvent() {
        openAi.fixedStreamBody(STREAM.getBytes(StandardCharsets.UTF_8));
        String body = given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\",\"input\":\"Say hi\",\"stream\":true}")
                .post("/api/llm/responses").then().statusCode(200).extract().asString();
        assertEquals(STREAM, body);
    }
}
