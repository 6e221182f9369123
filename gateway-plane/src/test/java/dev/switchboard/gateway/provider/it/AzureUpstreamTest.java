package dev.switchboard.gateway.provider.it;

import static dev.switchboard.gateway.provider.it.ProviderIt.WEATHER_TOOL;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.testsupport.fakes.FakeAzureOpenAi;
import dev.switchboard.testsupport.fakes.FakeGoogle;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import dev.switchboard.testsupport.prometheus.PrometheusText;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Azure OpenAI through the official OpenAI Java SDK: deployment paths with {@code api-version} and the v1 API, the
 * {@code api-key} header and Entra ID tokens (one token call under concurrency, a refused token re-fetched once),
 * content-filter refusals as clear errors, throttling that retries and falls over to Gemini and Vertex AI, and usage
 * and cost recorded.
 */
@QuarkusTest
@TestProfile(ProviderItProfile.class)
class AzureUpstreamTest {

    private static final String TOOL_ARGS = "{\"city\":\"Paris\",\"unit\":\"celsius\"}";

    @TestHTTPResource("/v1")
    URL v1;

    FakeAzureOpenAi azure;
    OpenAIClient client;

    @BeforeEach
    void reset() {
        azure = ProviderItResource.azure;
        azure.reset();
        ProviderItResource.google.reset();
        client = ProviderIt.sdk(v1);
    }

    private static ChatCompletionCreateParams hi(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hi").build();
    }

    @Test
    void plainChatGoesToTheDeploymentPathWithApiVersionAndApiKey() {
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("azure/gpt-4o")
                        .addSystemMessage("You are terse.").addUserMessage("Say hello").build());
        ChatCompletion completion = raw.parse();

        assertEquals(List.of("azure/gpt-4o"), raw.headers().values("x-tfy-resolved-model"));
        assertEquals(FakeAzureOpenAi.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().get(0).finishReason());
        assertTrue(completion.usage().orElseThrow().promptTokens() > 0);

        RecordedRequest sent = azure.apiRequests().get(0);
        assertEquals("/openai/deployments/gpt-4o-prod/chat/completions", sent.path());
        assertEquals("api-version=2024-10-21", sent.query());
        assertEquals(ProviderItResource.AZURE_KEY, sent.header("api-key"));
        assertNull(sent.header("authorization"), "the caller's gateway key must not travel upstream");
        assertFalse(sent.bodyJson().has("model"), "the URL names the deployment");
        assertEquals("system", sent.bodyJson().path("messages").path(0).path("role").asText());
    }

    @Test
    void theV1ApiTakesTheDeploymentAsModelWithoutApiVersion() {
        ChatCompletion completion = client.chat().completions().create(hi("azure-v1/gpt-4o-prod"));

        assertEquals(FakeAzureOpenAi.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        RecordedRequest sent = azure.apiRequests().get(0);
        assertEquals("/openai/v1/chat/completions", sent.path());
        assertNull(sent.query());
        assertEquals("gpt-4o-prod", sent.bodyJson().path("model").asText());
    }

    @Test
    void streamingPassesThroughWithUsage() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("azure/gpt-4o")
                .addUserMessage("Say hello")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            chunks = stream.stream().toList();
        }

        assertEquals(FakeAzureOpenAi.DEFAULT_CONTENT, ProviderIt.content(chunks));
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), ProviderIt.finishReasons(chunks));
        assertTrue(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens() > 0);
        assertTrue(azure.apiRequests().get(0).bodyJson().path("stream").asBoolean());
    }

    @Test
    void toolRoundTripPlainAndStreamed() {
        azure.nextToolCall(WEATHER_TOOL, TOOL_ARGS);
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("azure/gpt-4o")
                .addUserMessage("What is the weather in Paris?").addFunctionTool(ProviderIt.weatherTool()).build();
        ChatCompletion withCall = client.chat().completions().create(first);
        ChatCompletionMessageFunctionToolCall call =
                ProviderIt.onlyFunctionCall(withCall.choices().get(0).message().toolCalls().orElseThrow());
        assertEquals(WEATHER_TOOL, call.function().name());
        assertEquals(Gateway.parse(TOOL_ARGS), Gateway.parse(call.function().arguments()));
        assertEquals(ProviderIt.weatherSchema(),
                azure.apiRequests().get(0).bodyJson().path("tools").path(0).path("function").path("parameters"));

        ChatCompletion answer = client.chat().completions().create(secondTurn(first, withCall.choices().get(0).message(), call.id()));
        assertEquals(FakeAzureOpenAi.TOOL_RESULT_ECHO_PREFIX + "18 degrees",
                answer.choices().get(0).message().content().orElseThrow());

        azure.nextToolCall(WEATHER_TOOL, TOOL_ARGS);
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(first)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ChatCompletionMessageFunctionToolCall streamed = ProviderIt.onlyFunctionCall(
                accumulator.chatCompletion().choices().get(0).message().toolCalls().orElseThrow());
        assertEquals(Gateway.parse(TOOL_ARGS), Gateway.parse(streamed.function().arguments()));
    }

    private static ChatCompletionCreateParams secondTurn(ChatCompletionCreateParams first, ChatCompletionMessage assistant,
                                                         String callId) {
        return first.toBuilder().addMessage(assistant)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(callId).content("18 degrees").build())
                .build();
    }

    @Test
    void embeddingsGoToTheEmbeddingsDeployment() {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("azure/text-embedding-3-small").input("hello").build());

        assertEquals(8, response.data().get(0).embedding().size());
        RecordedRequest sent = azure.apiRequests().get(0);
        assertEquals("/openai/deployments/embed-small/embeddings", sent.path());
        assertEquals("api-version=2024-10-21", sent.query());
    }

    @Test
    void aPromptTheContentFilterRefusesIsA400NamingTheCategories() {
        azure.next(new FakeAzureOpenAi.Behaviour.FilterPrompt());
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(hi("azure/gpt-4o")));

        assertEquals("content_filter", e.code().orElseThrow());
        assertTrue(e.getMessage().contains("Azure OpenAI's content filter refused the prompt: hate (high)."),
                e.getMessage());
        assertEquals(1, azure.apiRequests().size(), "a refusal is not retried");
    }

    @Test
    void anAnswerTheContentFilterCutIsA400AndAStreamEndsWithTheError() {
        azure.next(new FakeAzureOpenAi.Behaviour.FilterAnswer());
        ProviderIt.Raw plain = ProviderIt.post(v1, "/chat/completions",
                "{\"model\":\"azure/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertEquals(400, plain.status(), plain.body());
        JsonNode error = Gateway.parse(plain.body()).path("error");
        assertEquals("content_filter", error.path("code").asText());
        assertEquals("Azure OpenAI's content filter withheld the answer: violence (high).", error.path("message").asText());

        azure.next(new FakeAzureOpenAi.Behaviour.FilterAnswer());
        List<String> events = ProviderIt.assertEventStream(ProviderIt.post(v1, "/chat/completions",
                "{\"model\":\"azure/gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));
        JsonNode last = Gateway.parse(events.get(events.size() - 2));
        assertEquals("content_filter", last.path("error").path("code").asText(), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.contains("\"Hello \"")), "the text before the cut got through");
    }

    @Test
    void azureErrorsKeepTheirStatusInTheOpenAiShape() {
        NotFoundException missing = assertThrows(NotFoundException.class,
                () -> client.chat().completions().create(hi("azure/missing-deployment")));
        assertEquals("DeploymentNotFound", missing.code().orElseThrow());

        BadRequestException oldVersion = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(hi("azure-old-version/gpt-4o")));
        assertEquals("BadRequest", oldVersion.code().orElseThrow());
        assertEquals("api-version=2023-01-01", azure.apiRequests().get(1).query());
    }

    @Test
    void throttledAzureIsRetriedThenFallsOverToGeminiAndVertex() {
        // the retry succeeds
        azure.next(FakeAzureOpenAi.Behaviour.rateLimit(0));
        HttpResponseFor<ChatCompletion> retried = client.chat().completions().withRawResponse().create(hi("cloud-failover"));
        assertEquals(List.of("azure/gpt-4o"), retried.headers().values("x-tfy-resolved-model"));
        assertEquals(2, azure.apiRequests().size());

        // throttled twice: on to Gemini
        azure.reset();
        azure.next(2, FakeAzureOpenAi.Behaviour.rateLimit(0));
        HttpResponseFor<ChatCompletion> gemini = client.chat().completions().withRawResponse().create(hi("cloud-failover"));
        assertEquals(List.of("gemini/gemini-2.5-flash"), gemini.headers().values("x-tfy-resolved-model"));
        assertEquals(FakeGoogle.DEFAULT_CONTENT, gemini.parse().choices().get(0).message().content().orElseThrow());

        // Azure and Gemini throttled (Gemini through its two default retries): Vertex AI answers, streamed
        azure.reset();
        ProviderItResource.google.reset();
        azure.next(2, FakeAzureOpenAi.Behaviour.rateLimit(0));
        ProviderItResource.google.next(3, FakeGoogle.Behaviour.rateLimit());
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(hi("cloud-failover"))) {
            chunks = stream.stream().toList();
        }
        assertEquals(FakeGoogle.DEFAULT_CONTENT, ProviderIt.content(chunks));
        List<RecordedRequest> googleCalls = ProviderItResource.google.apiRequests();
        assertEquals(4, googleCalls.size(), "three tries at Gemini, one at Vertex AI");
        assertTrue(googleCalls.get(2).path().startsWith("/v1beta/models/gemini-2.5-flash:streamGenerateContent"));
        assertTrue(googleCalls.get(3).path().contains("/publishers/google/models/gemini-2.5-flash:streamGenerateContent"));
    }

    @Test
    void entraTokenIsFetchedOnceForConcurrentRequestsAndSentAsBearer() throws Exception {
        // a slow token endpoint: every request arrives while the one token call is open
        azure.setTokenDelay(Duration.ofMillis(1500));
        List<String> answers = ProviderIt.concurrently(20, () -> client.chat().completions()
                .create(hi("azure-entra-burst/gpt-4o")).choices().get(0).message().content().orElseThrow());
        answers.forEach(answer -> assertEquals(FakeAzureOpenAi.DEFAULT_CONTENT, answer));
        assertEquals(1, azure.tokenCalls(), "single flight");
        RecordedRequest tokenCall = azure.requests().stream().filter(r -> r.path().endsWith("/oauth2/v2.0/token"))
                .findFirst().orElseThrow();
        assertEquals("/contoso.onmicrosoft.com/oauth2/v2.0/token", tokenCall.path());
        assertTrue(tokenCall.bodyAsString().contains("scope=https%3A%2F%2Fcognitiveservices.azure.com%2F.default"));
        Set<String> bearers = new HashSet<>();
        azure.apiRequests().forEach(r -> bearers.add(r.header("authorization")));
        assertEquals(1, bearers.size());
        assertTrue(bearers.iterator().next().startsWith("Bearer entra-"));
        assertNull(azure.apiRequests().get(0).header("api-key"));
    }

    @Test
    void aRefusedEntraTokenIsFetchedAnewOnce() {
        client.chat().completions().create(hi("azure-entra/gpt-4o"));
        String stale = azure.apiRequests().get(0).header("authorization");
        azure.reset();
        azure.revokeIssuedTokens();

        ChatCompletion completion = client.chat().completions().create(hi("azure-entra/gpt-4o"));

        assertEquals(FakeAzureOpenAi.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        assertEquals(1, azure.tokenCalls());
        List<RecordedRequest> calls = azure.apiRequests();
        assertEquals(2, calls.size());
        assertEquals(stale, calls.get(0).header("authorization"));
        assertNotEquals(stale, calls.get(1).header("authorization"));
        assertEquals("api-version=2025-04-01-preview", calls.get(1).query());
    }

    @Test
    void usageAndCostAreRecordedForTheAzureModel() {
        double before = cost("azure/gpt-4o");
        ChatCompletion completion = client.chat().completions().create(hi("azure/gpt-4o"));
        var usage = completion.usage().orElseThrow();
        double expected = (usage.promptTokens() * 2.50 + usage.completionTokens() * 10.00) / 1e6;
        Gateway.await(Duration.ofSeconds(10), "the cost on /q/metrics",
                () -> Math.abs(cost("azure/gpt-4o") - before - expected) < 1e-12);
    }

    static double cost(String model) {
        PrometheusText page = PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
        return page.sum("switchboard_gateway_cost_usd_total", "model", model);
    }
}
