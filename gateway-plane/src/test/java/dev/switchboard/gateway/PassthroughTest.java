package dev.switchboard.gateway;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import jakarta.inject.Inject;
import dev.switchboard.gateway.routing.RoutingStats;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A passthrough changes nothing but the model name: not a byte of the request otherwise, nor of the response. */
@QuarkusTest
class PassthroughTest {

    /** Odd spacing, escapes, non-ASCII text, a nested "model" and fields no OpenAI version has. */
    private static final String ODD_REQUEST = "{ \"messages\" :[ {\"role\":\"user\",\"content\":\"h\u00e9llo \u2713 "
            + "\\u00e9 \\\"quoted\\\" \\n \ud83d\ude00\"}\n],\n\t\"model\"   :\t \"fake/gpt-4o-mini\" ,"
            + "\"x_unknown\":{\"model\":\"keep-me\",\"n\":[1,2.50,1e3,{}]},\"temperature\":0.70,\"stream\":false }  \n";

    private FakeOpenAi openAi;

    /** Earlier tests fail targets on purpose; each test here starts with every target healthy. */
    @Inject
    RoutingStats routingStats;

    @BeforeEach
    void resetUpstream() {
        openAi = GatewayTestResource.openAi;
        openAi.reset();
        routingStats.forget();
    }

    @Test
    void requestBodyReachesTheUpstreamByteForByteExceptTheModel() {
        byte[] sent = ODD_REQUEST.getBytes(StandardCharsets.UTF_8);

        given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json").body(sent)
                .post("/v1/chat/completions").then().statusCode(200);

        byte[] expected = ODD_REQUEST.replace("\"fake/gpt-4o-mini\"", "\"gpt-4o-mini\"")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(new String(expected, StandardCharsets.UTF_8), openAi.lastRequest().bodyAsString());
        assertArrayEquals(expected, openAi.lastRequest().body());
    }

    @Test
    void virtualModelNameIsReplacedByTheResolvedTargetsId() {
        String body = "{\"model\":\"assistant\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"z\":null}";

        given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json").body(body)
                .post("/v1/chat/completions").then().statusCode(200).header("x-tfy-resolved-model", "fake/gpt-4o-mini");

        assertEquals(body.replace("\"assistant\"", "\"gpt-4o-mini\""), openAi.lastRequest().bodyAsString());
    }

    @Test
    void jsonResponseReachesTheClientByteForByte() {
        byte[] upstream = ("{\n  \"id\" : \"chatcmpl-odd\",\"object\":\"chat.completion\", \"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"gr\u00fc\u00df \\u00e9 \ud83d\ude00\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7},"
                + "\"vendor_extension\":{\"a\":[1, 2 ,3]}}\r\n").getBytes(StandardCharsets.UTF_8);
        openAi.respondWith(200, "application/json", upstream);

        Response response = given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\",\"messages\":[]}").post("/v1/chat/completions");

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.contentType());
        assertArrayEquals(upstream, response.asByteArray());
    }

    @Test
    void upstreamErrorBodyReachesTheClientByteForByte() {
        byte[] upstream = "{\"error\":{\"message\":\"upstream says no\",\"type\":\"x\",\"param\":null,\"code\":null}}"
                .getBytes(StandardCharsets.UTF_8);
        openAi.respondWith(400, "application/json", upstream);

        Response response = given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\",\"messages\":[]}").post("/v1/chat/completions");

        assertEquals(400, response.statusCode());
        assertArrayEquals(upstream, response.asByteArray());
    }

    @Test
    void eventStreamReachesTheClientByteForByte() {
        byte[] upstream = ("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                + ": a comment line\n\n"
                + "event: custom\nid: 7\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"h\u00e9 \ud83d\ude00\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"}}],  \"x\" : 1}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\n"
                + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
        openAi.fixedStreamBody(upstream);

        Response response = given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\",\"stream\":true,\"messages\":[]}").post("/v1/chat/completions");

        assertEquals(200, response.statusCode());
        assertTrue(response.contentType().startsWith("text/event-stream"), response.contentType());
        assertEquals("fake/gpt-4o-mini", response.header("x-tfy-resolved-model"));
        assertEquals(new String(upstream, StandardCharsets.UTF_8), new String(response.asByteArray(), StandardCharsets.UTF_8));
        assertArrayEquals(upstream, response.asByteArray());
    }
}
