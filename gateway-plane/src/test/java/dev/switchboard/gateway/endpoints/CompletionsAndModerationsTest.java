package dev.switchboard.gateway.endpoints;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.moderations.ModerationCreateParams;
import com.openai.models.moderations.ModerationCreateResponse;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/completions} and {@code /v1/moderations} through the gateway with the official OpenAI Java SDK: passed
 * through to an OpenAI-compatible upstream with only {@code model} rewritten, and logged with their usage and cost.
 */
@QuarkusTest
class CompletionsAndModerationsTest extends LoggedEndpointTest {

    static final String COMPLETION = "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1733000000,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"text\":\"Hi there\",\"index\":0,\"logprobs\":null,"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,"
            + "\"total_tokens\":1500}}";
    static final String STREAM = chunk("Hi", "null") + chunk(" there", "\"stop\"")
            + "data: {\"id\":\"cmpl-2\",\"object\":\"text_completion\",\"created\":1733000000,\"model\":\"gpt-4o-mini\","
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}}\n\n"
            + "data: [DONE]\n\n";
    static final String MODERATION = "{\"id\":\"modr-1\",\"model\":\"omni-moderation-latest\",\"results\":[{"
            + "\"flagged\":true,\"categories\":{\"violence\":true},\"category_scores\":{\"violence\":0.93},"
            + "\"category_applied_input_types\":{\"violence\":[\"text\"]}}]}";

    @TestHTTPResource("/v1")
    URL v1;

    @Override
    FakeOpenAi upstream() {
        return GatewayTestResource.openAi;
    }

    private static String chunk(String text, String finish) {
        return "data: {\"id\":\"cmpl-2\",\"object\":\"text_completion\",\"created\":1733000000,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"text\":\"" + text + "\",\"index\":0,\"logprobs\":null,\"finish_reason\":" + finish
                + "}]}\n\n";
    }

    @Test
    void completionPassesThroughAndIsLoggedWithItsUsageAndCost() {
        openAi.respondWith(200, "application/json", COMPLETION.getBytes(StandardCharsets.UTF_8));
        OpenAIClient client = Gateway.sdk(v1, ALICE_KEY);

        HttpResponseFor<Completion> raw = client.completions().withRawResponse().create(CompletionCreateParams.builder()
                .model("fake/gpt-4o-mini").prompt("Say hi").maxTokens(16).build());
        Completion completion = raw.parse();

        assertEquals("Hi there", completion.choices().get(0).text());
        assertEquals(List.of("fake/gpt-4o-mini"), raw.headers().values("x-tfy-resolved-model"));
        RecordedRequest upstream = openAi.lastRequest();
        assertEquals("/v1/completions", upstream.path());
        assertEquals("gpt-4o-mini", upstream.bodyJson().get("model").asText());
        assertEquals("Say hi", upstream.bodyJson().get("prompt").asText());
        assertEquals("Bearer sk-upstream-secret-value", upstream.header("authorization"));

        RequestLog log = logOf("/v1/completions");
        assertEquals("fake/gpt-4o-mini", log.resolvedModel());
        assertEquals(200, log.status());
        assertEquals(1000, log.promptTokens());
        assertEquals(500, log.completionTokens());
        // fake/gpt-4o-mini costs 1 USD per million input and 2 per million output tokens
        assertEquals(0.002, log.costUsd(), 1e-12);
    }

    @Test
    void streamedCompletionArrivesChunkByChunkAndItsUsageIsLogged() {
        openAi.fixedStreamBody(STREAM.getBytes(StandardCharsets.UTF_8));
        OpenAIClient client = Gateway.sdk(v1, ALICE_KEY);

        StringBuilder text = new StringBuilder();
        try (StreamResponse<Completion> stream = client.completions().createStreaming(CompletionCreateParams.builder()
                .model("fake/gpt-4o-mini").prompt("Say hi").build())) {
            stream.stream().forEach(c -> c.choices().forEach(choice -> text.append(choice.text())));
        }

        assertEquals("Hi there", text.toString());
        assertTrue(openAi.lastRequest().bodyJson().get("stream").asBoolean());
        RequestLog log = logOf("/v1/completions");
        assertTrue(log.stream());
        assertEquals(7, log.promptTokens());
        assertEquals(2, log.completionTokens());
    }

    @Test
    void completionWithoutPromptIsRefusedNamingTheField() {
        var response = given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\"}").post("/v1/completions");
        Gateway.assertError(response, 400, "invalid_request_error", "invalid_request", "prompt", "'prompt' is a required property.");
        assertEquals(0, openAi.requestCount());
    }

    @Test
    void moderationPassesThroughAndIsLogged() {
        openAi.respondWith(200, "application/json", MODERATION.getBytes(StandardCharsets.UTF_8));
        OpenAIClient client = Gateway.sdk(v1, ALICE_KEY);

        ModerationCreateResponse response = client.moderations().create(ModerationCreateParams.builder()
                .model("fake/gpt-4o-mini").input("some text to classify").build());

        assertTrue(response.results().get(0).flagged());
        RecordedRequest upstream = openAi.lastRequest();
        assertEquals("/v1/moderations", upstream.path());
        assertEquals("gpt-4o-mini", upstream.bodyJson().get("model").asText());
        RequestLog log = logOf("/v1/moderations");
        assertEquals(200, log.status());
        assertFalse(log.stream());
        assertEquals("fake/gpt-4o-mini", log.resolvedModel());
    }

    @Test
    void moderationWithoutInputIsRefusedNamingTheField() {
        var response = given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\"}").post("/api/llm/moderations");
        Gateway.assertError(response, 400, "invalid_request_error", "invalid_request", "input", "'input' is a required property.");
        assertEquals(0, openAi.requestCount());
    }
}
