package dev.switchboard.gateway;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every refusal the gateway makes itself comes in the OpenAI error shape, never as HTML or a stack trace. */
@QuarkusTest
class ErrorShapesTest {

    private static final String INVALID = "invalid_request_error";

    private FakeOpenAi openAi;

    @BeforeEach
    void resetUpstream() {
        openAi = GatewayTestResource.openAi;
        openAi.reset();
    }

    private static RequestSpecification alice() {
        return given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json");
    }

    private static Response chat(String body) {
        return alice().body(body).post("/v1/chat/completions");
    }

    @Test
    void invalidJsonIsABadRequest() {
        for (String body : new String[] {"{\"model\": \"fake/gpt-4o-mini\", \"messages\": [", "not json", "",
                "[1,2]", "{\"model\":\"fake/gpt-4o-mini\",\"messages\":[]} trailing"}) {
            var error = Gateway.assertError(chat(body), 400, INVALID, "invalid_json", null, null);
            assertTrue(error.get("message").asText().startsWith("We could not parse the JSON body of your request: "),
                    error.toString());
        }
        assertEquals(0, openAi.requestCount());
    }

    @Test
    void missingModelIsABadRequest() {
        Gateway.assertError(chat("{\"messages\":[]}"), 400, INVALID, "invalid_request", "model",
                "you must provide a model parameter.");
        Gateway.assertError(chat("{\"model\":\"\",\"messages\":[]}"), 400, INVALID, "invalid_request", "model",
                "you must provide a model parameter.");
        Gateway.assertError(chat("{\"model\":42,\"messages\":[]}"), 400, INVALID, "invalid_request", "model",
                "'model' must be a string.");
    }

    @Test
    void messagesThatAreNotAnArrayAreABadRequest() {
        Gateway.assertError(chat("{\"model\":\"fake/gpt-4o-mini\",\"messages\":\"hi\"}"), 400, INVALID,
                "invalid_request", "messages", "'messages' must be an array.");
        Gateway.assertError(chat("{\"model\":\"fake/gpt-4o-mini\"}"), 400, INVALID, "invalid_request", "messages",
                "'messages' is a required property.");
        Gateway.assertError(chat("{\"model\":\"fake/gpt-4o-mini\",\"messages\":[],\"stream\":\"yes\"}"), 400, INVALID,
                "invalid_request", "stream", "'stream' must be a boolean.");
    }

    @Test
    void embeddingsWithoutInputAreABadRequest() {
        for (String body : new String[] {"{\"model\":\"fake/text-embedding-3-small\"}",
                "{\"model\":\"fake/text-embedding-3-small\",\"input\":null}"}) {
            Gateway.assertError(alice().body(body).post("/v1/embeddings"), 400, INVALID, "invalid_request", "input",
                    "'input' is a required property.");
        }
        assertEquals(0, openAi.requestCount());
    }

    @Test
    void unauthenticatedForbiddenAndUnknownModelHaveTheirShapes() {
        Gateway.assertError(given().contentType("application/json").body("{}").post("/v1/embeddings"), 401, INVALID,
                "invalid_api_key", null, null);
        Gateway.assertError(given().header("Authorization", "Bearer " + GatewayTestResource.BOB_KEY)
                        .contentType("application/json").body("{\"model\":\"fake/text-embedding-3-small\",\"input\":\"x\"}")
                        .post("/v1/embeddings"), 403, "permission_error", "model_not_allowed", "model",
                "You are not allowed to use the model 'fake/text-embedding-3-small'.");
        Gateway.assertError(alice().body("{\"model\":\"fake/none\",\"input\":\"x\"}").post("/v1/embeddings"), 404,
                INVALID, "model_not_found", "model",
                "The model 'fake/none' does not exist or is not served by this gateway.");
    }

    @Test
    void bodyOverTheLimitIsTooLarge() {
        long limit = GatewayTestResource.MAX_BODY_SIZE;
        char[] filler = new char[(int) (limit + limit / 2)];
        Arrays.fill(filler, 'a');
        String body = "{\"model\":\"fake/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + new String(filler) + "\"}]}";

        Gateway.assertError(chat(body), 413, INVALID, "request_too_large", null,
                "The request body is larger than the limit of " + limit + " bytes.");
        assertEquals(0, openAi.requestCount());
        // just under the limit is fine
        String small = "{\"model\":\"fake/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + new String(filler, 0, (int) limit - 200) + "\"}]}";
        chat(small).then().statusCode(200);
    }

    @Test
    void bodyOverTenMegabytesIsTooLargeInTheSameShape() {
        // 10 MB is the default body limit; the HTTP server's own limit (checked before any route, answered with an
        // empty 413 and a closed connection mid-upload) must not be the one that answers
        byte[] body = new byte[11 * 1024 * 1024];
        Arrays.fill(body, (byte) ' ');
        Response response = alice().body(body).post("/v1/chat/completions");
        Gateway.assertError(response, 413, INVALID, "request_too_large", null,
                "The request body is larger than the limit of " + GatewayTestResource.MAX_BODY_SIZE + " bytes.");
        assertEquals(0, openAi.requestCount());
    }

    @Test
    void unreachableUpstreamIsABadGateway() {
        Response response = chat("{\"model\":\"unreachable/any\",\"messages\":[]}");
        Gateway.assertError(response, 502, "api_error", "upstream_unreachable", null,
                "The upstream of 'unreachable/any' could not be reached.");
        assertEquals("unreachable/any", response.header("x-tfy-resolved-model"));
    }

    @Test
    void upstreamSilentPastTheFirstByteTimeoutIsAGatewayTimeout() {
        openAi.stallNext(Duration.ofSeconds(3));
        long start = System.nanoTime();

        Response response = chat("{\"model\":\"fake/gpt-4o-mini\",\"messages\":[]}");

        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        Gateway.assertError(response, 504, "api_error", "upstream_timeout", null,
                "The upstream of 'fake/gpt-4o-mini' timed out before the first byte.");
        assertTrue(elapsedMs >= 1400, "answered after " + elapsedMs + " ms; first_byte_ms is 1500");
        assertEquals(1, openAi.requestCount());
    }

    @Test
    void unknownPathUnderTheBasePathIsNotFound() {
        Gateway.assertError(alice().get("/v1/nope"), 404, INVALID, "unknown_url", null,
                "Unknown request URL: /v1/nope.");
        Gateway.assertError(alice().body("{}").post("/v1/completions/legacy"), 404, INVALID, "unknown_url", null,
                "Unknown request URL: /v1/completions/legacy.");
        Gateway.assertError(alice().get("/api/llm/files"), 404, INVALID, "unknown_url", null,
                "Unknown request URL: /api/llm/files.");
        // a known path with the wrong method is not a stack trace either
        Response wrongMethod = alice().get("/v1/chat/completions");
        assertTrue(wrongMethod.statusCode() == 404 || wrongMethod.statusCode() == 405, wrongMethod.asString());
        Gateway.assertError(wrongMethod, wrongMethod.statusCode(), INVALID, wrongMethod.statusCode() == 404
                ? "unknown_url" : "method_not_allowed", null, null);
    }

    @Test
    void everyAnswerCarriesARequestId() {
        String id = chat("nope").then().statusCode(400).extract().header("x-request-id");
        assertTrue(id != null && !id.isBlank());
        alice().header("x-request-id", "my-id-1").get("/v1/models").then().statusCode(200)
                .header("x-request-id", "my-id-1");
    }

    @Test
    void headersOverTheLimitAreRefusedInTheOpenAiShapeNotWithABare431() {
        String secret = "s3cr3t-" + "x".repeat(30 * 1024);
        Response response = alice().header("x-huge", secret)
                .body("{\"model\":\"fake/gpt-4o-mini\",\"messages\":[]}").post("/v1/chat/completions");
        var error = Gateway.assertError(response, 431, INVALID, "request_headers_too_large", null, null);
        assertTrue(error.get("message").asText().matches(
                "The request headers are \\d+ bytes, over the limit of 20480 bytes\\."), error.toString());
        assertTrue(!response.asString().contains("s3cr3t"), "never a header's value");
        assertEquals(0, openAi.requestCount());
    }

    @Test
    void aRequestLineOverTheLimitIsRefusedInTheOpenAiShapeNotWithABare414() {
        Response response = alice().get("/v1/models?q=" + "a".repeat(5000));
        var error = Gateway.assertError(response, 414, INVALID, "request_line_too_long", null, null);
        assertTrue(error.get("message").asText().startsWith("The request line is "), error.toString());
    }

    @Test
    void headersOverTheLimitOnAnthropicsApiGetAnthropicsShape() {
        Response response = alice().header("x-huge", "x".repeat(30 * 1024)).body("{}").post("/v1/messages");
        assertEquals(431, response.statusCode(), response.asString());
        assertEquals("error", response.jsonPath().getString("type"), response.asString());
        assertTrue(response.jsonPath().getString("error.message").startsWith("The request headers are "),
                response.asString());
    }
}
