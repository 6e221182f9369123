package dev.switchboard.gateway.endpoints;

import static dev.switchboard.gateway.endpoints.EndpointsProfile.KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.openai.core.http.HttpResponseFor;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An endpoint a target's provider does not offer is refused 400 before any provider call; a virtual model skips such
 * targets and is served by the next one that offers it.
 */
@QuarkusTest
@TestProfile(EndpointsProfile.class)
class UnsupportedEndpointTest extends LoggedEndpointTest {

    @TestHTTPResource("/v1")
    URL v1;

    @Override
    FakeOpenAi upstream() {
        return EndpointsProfile.openAi;
    }

    @Test
    void completionsOnAnAnthropicModelIsA400NamingTargetAndEndpoint() {
        var response = given().header("Authorization", "Bearer " + KEY).contentType("application/json")
                .body("{\"model\":\"claude/claude-sonnet\",\"prompt\":\"hi\"}").post("/v1/completions");
        Gateway.assertError(response, 400, "invalid_request_error", "unsupported_endpoint", "model",
                "The model 'claude/claude-sonnet' cannot serve /v1/completions: the provider of 'claude/claude-sonnet' "
                        + "(anthropic) does not offer it.");
        assertEquals(0, openAi.requestCount());
    }

    @Test
    void aVirtualModelSkipsTheTargetThatCannotServeTheEndpoint() {
        openAi.respondWith(200, "application/json",
                CompletionsAndModerationsTest.COMPLETION.getBytes(StandardCharsets.UTF_8));

        HttpResponseFor<Completion> raw = Gateway.sdk(v1, KEY).completions().withRawResponse()
                .create(CompletionCreateParams.builder().model("mixed").prompt("Say hi").build());

        assertEquals("Hi there", raw.parse().choices().get(0).text());
        assertEquals(List.of("fake/gpt-4o-mini"), raw.headers().values("x-tfy-resolved-model"));
        RequestLog log = logOf("/v1/completions");
        assertEquals("mixed", log.requestedModel());
        // the Anthropic target, first in priority, was never tried
        assertEquals(List.of("fake/gpt-4o-mini"), log.attempts().stream().map(RequestLog.Attempt::target).toList());
    }

    @Test
    void routeExplainForAnEndpointPassesOverTheTargetsThatCannotServeIt() {
        var forChat = explain("mixed", "");
        assertEquals("/v1/chat/completions", forChat.getString("endpoint"));
        assertEquals(List.of(true, false), forChat.getList("targets.chosen"));
        assertEquals(List.of(true, true), forChat.getList("targets.serves_endpoint"));

        var forCompletions = explain("mixed", "?endpoint=completions");
        assertEquals("/v1/completions", forCompletions.getString("endpoint"));
        assertEquals(List.of("claude/claude-sonnet", "fake/gpt-4o-mini"), forCompletions.getList("targets.target"));
        assertEquals(List.of(false, true), forCompletions.getList("targets.chosen"));
        assertEquals(List.of(false, true), forCompletions.getList("targets.serves_endpoint"));
        assertEquals("skipped: its provider does not offer /v1/completions", forCompletions.getString("targets[0].note"));

        var direct = explain("claude/claude-sonnet", "?endpoint=/v1/completions");
        assertEquals(List.of(false), direct.getList("targets.chosen"));
        assertEquals("no target's provider offers /v1/completions: the request would be refused 400 "
                + "unsupported_endpoint", direct.getString("reason"));
        assertEquals(0, openAi.requestCount(), "explaining calls no provider");
    }

    @Test
    void routeExplainForAnUnknownEndpointIsA400NamingTheParameter() {
        var response = given().urlEncodingEnabled(false).header("Authorization", "Bearer " + KEY)
                .contentType("application/json").body("{\"model\":\"mixed\",\"messages\":[]}")
                .post("/v1/route:explain?endpoint=audio/dance");
        Gateway.assertError(response, 400, "invalid_request_error", "invalid_request", "endpoint",
                "Unknown endpoint 'audio/dance'; one of: chat/completions, embeddings, responses, messages, completions, "
                        + "moderations, rerank, images/generations, audio/speech, audio/transcriptions, "
                        + "audio/translations.");
    }

    private static io.restassured.path.json.JsonPath explain(String model, String query) {
        return given().urlEncodingEnabled(false).header("Authorization", "Bearer " + KEY).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/route:explain" + query).then().statusCode(200).extract().jsonPath();
    }
}
