package dev.switchboard.gateway.provider.it;

import static dev.switchboard.gateway.provider.it.ProviderIt.WEATHER_TOOL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.testsupport.fakes.FakeGoogle;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Gemini models through the official OpenAI Java SDK, on the Gemini API (API key) and on Vertex AI (a service
 * account's token from the fake token endpoint, which verifies the signed assertion against the key made for the
 * test): chat translated to {@code generateContent} and {@code streamGenerateContent}, tool round trips, embeddings,
 * safety blocks as clear errors, throttling, usage and cost.
 */
@QuarkusTest
@TestProfile(ProviderItProfile.class)
class GoogleUpstreamTest {

    private static final String TOOL_ARGS = "{\"city\":\"Paris\",\"unit\":\"celsius\"}";

    @TestHTTPResource("/v1")
    URL v1;

    FakeGoogle google;
    OpenAIClient client;

    @BeforeEach
    void reset() {
        google = ProviderItResource.google;
        google.reset();
        client = ProviderIt.sdk(v1);
    }

    private static ChatCompletionCreateParams hi(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hi").build();
    }

    private static String pathOf(String account) {
        return account.equals("gemini") ? "/v1beta/models/gemini-2.5-flash"
                : "/v1/projects/" + ProviderItResource.VERTEX_PROJECT + "/locations/" + ProviderItResource.VERTEX_LOCATION
                        + "/publishers/google/models/gemini-2.5-flash";
    }

    @Test
    void geminiApiGetsGenerateContentWithTheApiKey() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gemini/gemini-2.5-flash").addSystemMessage("You are terse.").addUserMessage("Say hello")
                .maxCompletionTokens(64).temperature(0.5).build());

        assertEquals(FakeGoogle.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().get(0).finishReason());
        assertEquals("gemini-2.5-flash", completion.model());
        assertTrue(completion.usage().orElseThrow().promptTokens() > 0);
        RecordedRequest sent = google.apiRequests().get(0);
        assertEquals(pathOf("gemini") + ":generateContent", sent.path());
        assertEquals(ProviderItResource.GEMINI_KEY, sent.header("x-goog-api-key"));
        assertNull(sent.header("authorization"), "the caller's gateway key must not travel upstream");
        assertEquals(Gateway.parse("""
                {"contents":[{"role":"user","parts":[{"text":"Say hello"}]}],
                 "systemInstruction":{"parts":[{"text":"You are terse."}]},
                 "generationConfig":{"temperature":0.5,"maxOutputTokens":64}}"""), sent.bodyJson());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemini", "vertex"})
    void streamingIsTranslatedChunkByChunkWithAFinalUsageChunk(String account) {
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(hi(account + "/gemini-2.5-flash"))) {
            chunks = stream.stream().toList();
        }
        assertEquals(FakeGoogle.DEFAULT_CONTENT, ProviderIt.content(chunks));
        assertTrue(chunks.size() >= 5, "a chunk per upstream event: " + chunks.size());
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), ProviderIt.finishReasons(chunks));
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty());
        assertTrue(last.usage().orElseThrow().completionTokens() > 0);
        RecordedRequest sent = google.apiRequests().get(0);
        assertEquals(pathOf(account) + ":streamGenerateContent", sent.path());
        assertEquals("alt=sse", sent.query());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemini", "vertex"})
    void toolRoundTripPlainAndStreamed(String account) {
        String model = account + "/gemini-2.5-flash";
        google.nextFunctionCall(WEATHER_TOOL, TOOL_ARGS);
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model(model)
                .addUserMessage("What is the weather in Paris?").addFunctionTool(ProviderIt.weatherTool()).build();
        ChatCompletion withCall = client.chat().completions().create(first);

        ChatCompletion.Choice choice = withCall.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        ChatCompletionMessageFunctionToolCall call = ProviderIt.onlyFunctionCall(choice.message().toolCalls().orElseThrow());
        assertEquals(WEATHER_TOOL, call.function().name());
        assertEquals(Gateway.parse(TOOL_ARGS), Gateway.parse(call.function().arguments()));
        JsonNode declaration = google.apiRequests().get(0).bodyJson().path("tools").path(0)
                .path("functionDeclarations").path(0);
        assertEquals(WEATHER_TOOL, declaration.path("name").asText());
        assertEquals(ProviderIt.weatherSchema(), declaration.path("parametersJsonSchema"));

        ChatCompletion answer = client.chat().completions().create(secondTurn(first, choice.message(), call.id()));
        assertEquals(FakeGoogle.TOOL_RESULT_ECHO_PREFIX + "{\"content\":\"18 degrees\"}",
                answer.choices().get(0).message().content().orElseThrow());
        JsonNode contents = google.apiRequests().get(1).bodyJson().path("contents");
        assertEquals("model", contents.path(1).path("role").asText());
        assertEquals(Gateway.parse("{\"name\":\"get_weather\",\"args\":" + TOOL_ARGS + "}"),
                contents.path(1).path("parts").path(0).path("functionCall"));
        assertEquals(WEATHER_TOOL, contents.path(2).path("parts").path(0).path("functionResponse").path("name").asText());

        google.nextFunctionCall(WEATHER_TOOL, TOOL_ARGS);
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(first)) {
            chunks = stream.stream().peek(accumulator::accumulate).toList();
        }
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS), ProviderIt.finishReasons(chunks));
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
    void embeddingsOnTheGeminiApiAndOnVertex() {
        CreateEmbeddingResponse one = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("gemini/gemini-embedding-001").input("hello").dimensions(4).build());
        assertEquals(4, one.data().get(0).embedding().size());
        assertEquals("/v1beta/models/gemini-embedding-001:embedContent", google.apiRequests().get(0).path());

        CreateEmbeddingResponse batch = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("gemini/gemini-embedding-001").inputOfArrayOfStrings(List.of("a", "b", "c")).build());
        assertEquals(3, batch.data().size());
        assertEquals("/v1beta/models/gemini-embedding-001:batchEmbedContents", google.apiRequests().get(1).path());
        assertEquals(FakeGoogle.vector("b", 8).get(3).asDouble(), batch.data().get(1).embedding().get(3), 1e-6);

        CreateEmbeddingResponse vertex = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("vertex/text-embedding-005").inputOfArrayOfStrings(List.of("hello world", "b")).build());
        assertEquals(2, vertex.data().size());
        assertTrue(vertex.usage().promptTokens() > 0, "Vertex counts the tokens it embedded");
        assertTrue(google.apiRequests().get(2).path().endsWith("/publishers/google/models/text-embedding-005:predict"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemini", "vertex"})
    void aBlockedPromptIsA400ContentFilterError(String account) {
        google.next(new FakeGoogle.Behaviour.BlockPrompt());
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(hi(account + "/gemini-2.5-flash")));
        assertEquals("content_filter", e.code().orElseThrow());
        assertTrue(e.getMessage().contains("Gemini blocked the prompt (SAFETY): HARM_CATEGORY_HARASSMENT (HIGH)."),
                e.getMessage());
    }

    @Test
    void anAnswerStoppedForSafetyIsA400AndAStreamEndsWithTheError() {
        google.next(new FakeGoogle.Behaviour.SafetyStop());
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(hi("gemini/gemini-2.5-flash")));
        assertEquals("content_filter", e.code().orElseThrow());

        google.next(new FakeGoogle.Behaviour.SafetyStop());
        List<String> events = ProviderIt.assertEventStream(ProviderIt.post(v1, "/chat/completions",
                "{\"model\":\"gemini/gemini-2.5-flash\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));
        JsonNode error = Gateway.parse(events.get(events.size() - 2)).path("error");
        assertEquals("content_filter", error.path("code").asText());
        assertEquals("Gemini withheld the answer (SAFETY): HARM_CATEGORY_HARASSMENT (HIGH).", error.path("message").asText());
    }

    @Test
    void throttlingComesBackAsA429InTheOpenAiShapeSoThatRoutingCanRetryOrFallOver() {
        // a model named directly is not retried (virtual models are: AzureUpstreamTest falls over to Gemini and Vertex)
        google.next(FakeGoogle.Behaviour.rateLimit());
        RateLimitException e = assertThrows(RateLimitException.class,
                () -> client.chat().completions().create(hi("gemini/gemini-2.5-flash")));
        assertEquals("rate_limit_exceeded", e.code().orElseThrow());
        assertTrue(e.getMessage().contains("Resource has been exhausted"), e.getMessage());
        assertEquals(1, google.apiRequests().size());
    }

    @Test
    void vertexTokenIsFetchedOnceForConcurrentRequestsWithTheServiceAccountKey() throws Exception {
        google.setTokenDelay(Duration.ofMillis(1500));
        List<String> answers = ProviderIt.concurrently(20, () -> client.chat().completions()
                .create(hi("vertex-burst/gemini-2.5-flash")).choices().get(0).message().content().orElseThrow());
        answers.forEach(answer -> assertEquals(FakeGoogle.DEFAULT_CONTENT, answer));
        assertEquals(1, google.tokenCalls(), "single flight");
        RecordedRequest tokenCall = google.requests().stream().filter(r -> r.path().equals(FakeGoogle.TOKEN_PATH))
                .findFirst().orElseThrow();
        assertTrue(tokenCall.bodyAsString().startsWith("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"),
                tokenCall.bodyAsString());
        Set<String> bearers = new HashSet<>();
        google.apiRequests().forEach(r -> bearers.add(r.header("authorization")));
        assertEquals(1, bearers.size());
        assertTrue(bearers.iterator().next().startsWith("Bearer ya29.fake-"));
    }

    @Test
    void aRefusedVertexTokenIsFetchedAnewOnce() {
        client.chat().completions().create(hi("vertex/gemini-2.5-flash"));
        String stale = google.apiRequests().get(0).header("authorization");
        google.reset();
        google.revokeIssuedTokens();

        ChatCompletion completion = client.chat().completions().create(hi("vertex/gemini-2.5-flash"));

        assertEquals(FakeGoogle.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        assertEquals(1, google.tokenCalls());
        List<RecordedRequest> calls = google.apiRequests();
        assertEquals(2, calls.size());
        assertEquals(stale, calls.get(0).header("authorization"));
        assertNotEquals(stale, calls.get(1).header("authorization"));
    }

    @Test
    void usageAndCostAreRecordedForTheGeminiModel() {
        double before = AzureUpstreamTest.cost("gemini/gemini-2.5-flash");
        var usage = client.chat().completions().create(hi("gemini/gemini-2.5-flash")).usage().orElseThrow();
        double expected = (usage.promptTokens() * 0.30 + usage.completionTokens() * 2.50) / 1e6;
        Gateway.await(Duration.ofSeconds(10), "the cost on /q/metrics",
                () -> Math.abs(AzureUpstreamTest.cost("gemini/gemini-2.5-flash") - before - expected) < 1e-12);
    }
}
