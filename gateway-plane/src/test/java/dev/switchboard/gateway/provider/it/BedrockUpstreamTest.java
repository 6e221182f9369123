package dev.switchboard.gateway.provider.it;

import static dev.switchboard.gateway.provider.it.ProviderIt.WEATHER_TOOL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
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
import dev.switchboard.testsupport.fakes.FakeAnthropic;
import dev.switchboard.testsupport.fakes.FakeAwsSts;
import dev.switchboard.testsupport.fakes.FakeBedrock;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Bedrock-backed model through the official OpenAI Java SDK (and the Anthropic SDK on {@code /v1/messages}): the
 * gateway speaks Converse, ConverseStream and invoke to a fake Bedrock that verifies every SigV4 signature with the AWS
 * SDK's own signer and rejects what Bedrock rejects; throttling is retried and falls back; errors arrive OpenAI-shaped.
 */
@QuarkusTest
@TestProfile(ProviderItProfile.class)
class BedrockUpstreamTest {

    static final String MODEL_ID = "anthropic.claude-3-5-haiku-20241022-v1:0";
    static final String HAIKU = "bedrock/" + MODEL_ID;
    private static final String TOOL_INPUT = "{\"city\":\"Paris\",\"unit\":\"celsius\"}";

    @TestHTTPResource("/v1")
    URL v1;

    FakeBedrock bedrock;
    OpenAIClient client;

    @BeforeEach
    void reset() {
        bedrock = ProviderItResource.bedrock;
        bedrock.reset();
        ProviderItResource.anthropic.reset();
        client = ProviderIt.sdk(v1);
    }

    @Test
    void plainChatGoesThroughConverseSignedWithTheAccountsKeys() {
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model(HAIKU)
                        .addSystemMessage("You are terse.")
                        .addUserMessage("Say hello")
                        .maxCompletionTokens(100)
                        .temperature(0.3)
                        .build());
        ChatCompletion completion = raw.parse();

        assertEquals(List.of(HAIKU), raw.headers().values("x-tfy-resolved-model"));
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertEquals(FakeBedrock.DEFAULT_CONTENT, choice.message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
        assertEquals(MODEL_ID, completion.model());
        assertTrue(completion.id().startsWith("chatcmpl-"), completion.id());

        assertEquals(1, bedrock.requestCount());
        assertEquals(0, bedrock.signatureRejections());
        RecordedRequest upstream = bedrock.lastRequest();
        assertEquals("/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse", upstream.path());
        assertTrue(upstream.header("authorization").startsWith("AWS4-HMAC-SHA256 Credential="
                + ProviderItResource.AWS_KEY_ID + "/"), upstream.header("authorization"));
        assertTrue(upstream.header("authorization").contains("/us-east-1/bedrock/aws4_request"));
        assertEquals(ProviderItResource.AWS_SESSION_TOKEN, upstream.header("x-amz-security-token"));
        assertFalse(upstream.bodyAsString().contains(ProviderItResource.CALLER_KEY));
        assertEquals(Gateway.parse("""
                {"messages":[{"role":"user","content":[{"text":"Say hello"}]}],
                 "system":[{"text":"You are terse."}],
                 "inferenceConfig":{"maxTokens":100,"temperature":0.3}}"""), upstream.bodyJson());
        // the fake counts a quarter token per character of the request, and a token per word of its answer
        long input = Math.max(1, upstream.bodyJson().toString().length() / 4);
        AnthropicUpstreamTest.assertUsage(completion.usage().orElseThrow(), input, 3);
    }

    @Test
    void streamingDecodesTheEventStreamIntoChunksWithFinishReasonAndUsage() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(HAIKU)
                .addUserMessage("Say hello").build();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            chunks = stream.stream().toList();
        }

        assertEquals(FakeBedrock.DEFAULT_CONTENT, ProviderIt.content(chunks));
        assertTrue(chunks.size() >= 5, "one chunk per upstream delta: " + chunks.size());
        assertEquals(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT,
                chunks.get(0).choices().get(0).delta().role().orElseThrow());
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), ProviderIt.finishReasons(chunks));
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty(), "the usage chunk has no choices");
        assertEquals(3, last.usage().orElseThrow().completionTokens());
        String id = chunks.get(0).id();
        assertTrue(chunks.stream().allMatch(c -> c.id().equals(id)), "every chunk carries one id");

        RecordedRequest upstream = bedrock.lastRequest();
        assertEquals("/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream", upstream.path());
        assertEquals(FakeBedrock.EVENT_STREAM, upstream.header("accept"));

        List<String> events = ProviderIt.assertEventStream(ProviderIt.post(v1, "/chat/completions",
                "{\"model\":\"" + HAIKU + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));
        for (String event : events.subList(0, events.size() - 1)) {
            assertEquals("chat.completion.chunk", Gateway.parse(event).path("object").asText(), event);
        }
    }

    @Test
    void toolRoundTrip() {
        bedrock.nextToolUse(WEATHER_TOOL, TOOL_INPUT);
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model(HAIKU)
                .addUserMessage("What is the weather in Paris?")
                .addFunctionTool(ProviderIt.weatherTool())
                .build();
        ChatCompletion withCall = client.chat().completions().create(first);

        ChatCompletion.Choice choice = withCall.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        ChatCompletionMessageFunctionToolCall call = ProviderIt.onlyFunctionCall(choice.message().toolCalls().orElseThrow());
        assertTrue(call.id().startsWith("tooluse_"), call.id());
        assertEquals(WEATHER_TOOL, call.function().name());
        assertEquals(Gateway.parse(TOOL_INPUT), Gateway.parse(call.function().arguments()));
        JsonNode spec = bedrock.lastRequest().bodyJson().get("toolConfig").get("tools").get(0).get("toolSpec");
        assertEquals(WEATHER_TOOL, spec.get("name").asText());
        assertEquals(ProviderIt.weatherSchema(), spec.get("inputSchema").get("json"));

        ChatCompletion answer = client.chat().completions().create(secondTurn(first, choice.message(), call.id()));

        assertEquals(FakeBedrock.TOOL_RESULT_ECHO_PREFIX + "18 degrees and light rain",
                answer.choices().get(0).message().content().orElseThrow());
        assertSecondTurnSent(call.id());
    }

    @Test
    void streamedToolCallIsAssembledByTheSdk() {
        bedrock.nextToolUse(WEATHER_TOOL, TOOL_INPUT);
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model(HAIKU)
                .addUserMessage("What is the weather in Paris?")
                .addFunctionTool(ProviderIt.weatherTool())
                .build();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(first)) {
            chunks = stream.stream().peek(accumulator::accumulate).toList();
        }
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS), ProviderIt.finishReasons(chunks));
        ChatCompletionMessage message = accumulator.chatCompletion().choices().get(0).message();
        ChatCompletionMessageFunctionToolCall call = ProviderIt.onlyFunctionCall(message.toolCalls().orElseThrow());
        assertEquals(WEATHER_TOOL, call.function().name());
        assertEquals(Gateway.parse(TOOL_INPUT), Gateway.parse(call.function().arguments()));

        List<ChatCompletionChunk> answer;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(secondTurn(first, message, call.id()))) {
            answer = stream.stream().toList();
        }
        assertEquals(FakeBedrock.TOOL_RESULT_ECHO_PREFIX + "18 degrees and light rain", ProviderIt.content(answer));
        assertSecondTurnSent(call.id());
    }

    @Test
    void embeddingsThroughTitanAndCohere() {
        CreateEmbeddingResponse titan = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("bedrock/amazon.titan-embed-text-v2:0").input("The quick brown fox").dimensions(16)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        assertEquals(1, titan.data().size());
        assertEquals(16, titan.data().get(0).embedding().size());
        assertEquals(4, titan.usage().promptTokens());
        RecordedRequest titanCall = bedrock.lastRequest();
        assertEquals("/model/amazon.titan-embed-text-v2%3A0/invoke", titanCall.path());
        assertEquals(Gateway.parse("{\"inputText\":\"The quick brown fox\",\"dimensions\":16,\"normalize\":true}"),
                titanCall.bodyJson());

        CreateEmbeddingResponse cohere = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("bedrock/cohere.embed-english-v3")
                .inputOfArrayOfStrings(List.of("first text", "second one here")).build());
        assertEquals(2, cohere.data().size());
        assertEquals(1, cohere.data().get(1).index());
        assertEquals(5, cohere.usage().promptTokens(), "from Bedrock's input-token header");
        // the SDK asks for base64 unless told otherwise, and decodes it: the same vectors as floats
        CreateEmbeddingResponse floats = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("bedrock/cohere.embed-english-v3").encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                .inputOfArrayOfStrings(List.of("first text", "second one here")).build());
        assertEquals(floats.data().get(1).embedding(), cohere.data().get(1).embedding());
        assertEquals(0, bedrock.signatureRejections());
    }

    @Test
    void throttlingIsRetriedThenFallsBackToTheNextTarget() {
        bedrock.throttleNext(1);
        HttpResponseFor<ChatCompletion> retried = client.chat().completions().withRawResponse().create(hi("bedrock-then-anthropic"));
        assertEquals(List.of("bedrock-failover/" + MODEL_ID), retried.headers().values("x-tfy-resolved-model"));
        assertEquals(FakeBedrock.DEFAULT_CONTENT, retried.parse().choices().get(0).message().content().orElseThrow());
        assertEquals(2, bedrock.requestCount(), "one throttled try, one retry");

        bedrock.reset();
        bedrock.throttleNext(2);
        HttpResponseFor<ChatCompletion> fellBack = client.chat().completions().withRawResponse().create(hi("bedrock-then-anthropic"));
        assertEquals(List.of(ProviderIt.CLAUDE), fellBack.headers().values("x-tfy-resolved-model"));
        assertEquals(FakeAnthropic.DEFAULT_CONTENT, fellBack.parse().choices().get(0).message().content().orElseThrow());
        assertEquals(2, bedrock.requestCount());
        assertEquals(1, ProviderItResource.anthropic.requestCount());
    }

    @Test
    void aThrottledBedrockAloneAnswers429InOpenAisShape() {
        bedrock.throttleNext(10);
        RateLimitException e = assertThrows(RateLimitException.class,
                () -> ProviderIt.sdk(v1).withOptions(o -> o.maxRetries(0)).chat().completions().create(hi(HAIKU)));
        assertEquals(429, e.statusCode());
        assertEquals("rate_limit_error", e.type().orElseThrow());
        assertTrue(e.getMessage().contains("Too many requests"), e.getMessage());
    }

    @Test
    void bedrockErrorTypesMapToTheirStatuses() {
        record Case(int httpStatus, String type, int expected, String openAiType) {
        }
        for (Case c : List.of(new Case(400, "ValidationException", 400, "invalid_request_error"),
                new Case(403, "AccessDeniedException", 403, "permission_error"),
                new Case(429, "ModelNotReadyException", 503, "api_error"),
                new Case(503, "ServiceUnavailableException", 503, "api_error"))) {
            bedrock.reset();
            bedrock.failNext(10, c.httpStatus(), c.type(), "Bedrock says " + c.type());
            ProviderIt.Raw raw = ProviderIt.post(v1, "/chat/completions",
                    "{\"model\":\"" + HAIKU + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            assertEquals(c.expected(), raw.status(), c + ": " + raw.body());
            JsonNode error = Gateway.parse(raw.body()).get("error");
            assertEquals(c.openAiType(), error.get("type").asText(), raw.body());
            assertEquals("Bedrock says " + c.type(), error.get("message").asText());
        }
    }

    @Test
    void aRequestBedrockWouldRefuseIsRefusedBeforeAnyCall() {
        ProviderIt.Raw raw = ProviderIt.post(v1, "/chat/completions", "{\"model\":\"" + HAIKU + "\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]}]}");
        assertEquals(400, raw.status(), raw.body());
        assertEquals("messages[0].content[0].image_url.url", Gateway.parse(raw.body()).get("error").get("param").asText());
        assertEquals(0, bedrock.requestCount());
    }

    @Test
    void aWrongSecretKeyIsRefusedByTheSignatureCheckAndNeverShown() {
        ProviderIt.Raw raw = ProviderIt.post(v1, "/chat/completions",
                "{\"model\":\"bedrock-wrong-secret/" + MODEL_ID + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertEquals(401, raw.status(), raw.body());
        assertEquals(1, bedrock.signatureRejections());
        JsonNode error = Gateway.parse(raw.body()).get("error");
        assertEquals("authentication_error", error.get("type").asText());
        assertTrue(error.get("message").asText().contains("bedrock-wrong-secret"), raw.body());
        // Bedrock's message quotes the canonical request, session token included: none of it reaches the caller
        assertFalse(raw.body().contains("Canonical"), raw.body());
        ProviderIt.assertNoSecret("the answer to a refused signature", raw.everything(), ProviderItResource.SECRETS);
    }

    @Test
    void environmentCredentialsSignToo() {
        ChatCompletion completion = client.chat().completions().create(hi("bedrock-env/" + MODEL_ID));
        assertEquals(FakeBedrock.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        RecordedRequest upstream = bedrock.lastRequest();
        assertTrue(upstream.header("authorization").contains(ProviderItResource.ENV_AWS_KEY_ID), upstream.header("authorization"));
        assertNull(upstream.header("x-amz-security-token"), "long-term keys carry no session token");
        assertEquals(0, bedrock.signatureRejections());
    }

    @Test
    void webIdentityKeysComeFromStsOnceAndSign() {
        FakeAwsSts sts = ProviderItResource.sts;
        int stsCallsBefore = sts.calls().size();
        for (int i = 0; i < 3; i++) {
            ChatCompletion completion = client.chat().completions().create(hi("bedrock-irsa/" + MODEL_ID));
            assertEquals(FakeBedrock.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        }
        RecordedRequest upstream = bedrock.lastRequest();
        assertTrue(upstream.header("authorization").contains(ProviderItResource.IRSA_AWS_KEY_ID), upstream.header("authorization"));
        assertEquals(ProviderItResource.IRSA_SESSION_TOKEN, upstream.header("x-amz-security-token"));
        assertEquals(0, bedrock.signatureRejections());

        assertEquals(stsCallsBefore + 1, sts.calls().size(), "the SDK's provider caches the role's keys");
        var call = sts.calls().get(sts.calls().size() - 1);
        assertEquals("AssumeRoleWithWebIdentity", call.get("Action"));
        assertEquals(ProviderItResource.IRSA_ROLE_ARN, call.get("RoleArn"));
        assertEquals(ProviderItResource.IRSA_WEB_IDENTITY_TOKEN, call.get("WebIdentityToken"), "read from the token file");
        assertEquals("switchboard-gateway", call.get("RoleSessionName"));
    }

    @Test
    void anExceptionInTheStreamEndsItWithAnErrorEvent() {
        bedrock.exceptionMidStream("throttlingException", "Too many tokens, please wait before trying again.");
        ProviderIt.Raw raw = ProviderIt.post(v1, "/chat/completions",
                "{\"model\":\"" + HAIKU + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        List<String> events = ProviderIt.assertEventStream(raw);
        JsonNode error = Gateway.parse(events.get(events.size() - 2)).get("error");
        assertEquals("rate_limit_error", error.get("type").asText(), raw.body());
        assertEquals("Too many tokens, please wait before trying again.", error.get("message").asText());
    }

    @Test
    void anthropicMessagesReachBedrockThroughTheOpenAiShape() {
        AnthropicClient anthropic = AnthropicOkHttpClient.builder()
                .baseUrl(v1.toString().replace("localhost", "127.0.0.1").replaceAll("/v1$", ""))
                .apiKey(ProviderItResource.CALLER_KEY).maxRetries(0).build();
        MessageCreateParams params = MessageCreateParams.builder().model(HAIKU).maxTokens(64)
                .system("You are terse.").addUserMessage("Say hello").build();

        Message message = anthropic.messages().create(params);
        assertEquals(FakeBedrock.DEFAULT_CONTENT, message.content().get(0).asText().text());
        assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
        assertTrue(message.usage().inputTokens() > 0);
        JsonNode sent = bedrock.lastRequest().bodyJson();
        assertEquals(Gateway.parse("[{\"text\":\"You are terse.\"}]"), sent.get("system"));
        assertEquals(64, sent.get("inferenceConfig").get("maxTokens").asInt());

        MessageAccumulator accumulator = MessageAccumulator.create();
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream =
                     anthropic.messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        assertEquals(FakeBedrock.DEFAULT_CONTENT, accumulator.message().content().get(0).asText().text());
        assertTrue(bedrock.lastRequest().path().endsWith("/converse-stream"));
    }

    private static ChatCompletionCreateParams hi(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hi").build();
    }

    private static ChatCompletionCreateParams secondTurn(ChatCompletionCreateParams first, ChatCompletionMessage assistant,
                                                         String callId) {
        return first.toBuilder()
                .addMessage(assistant)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(callId)
                        .content("18 degrees and light rain").build())
                .build();
    }

    /** The second turn reached Bedrock as toolUse in the assistant turn and toolResult in the next user turn. */
    private void assertSecondTurnSent(String callId) {
        JsonNode sent = bedrock.lastRequest().bodyJson();
        JsonNode messages = sent.get("messages");
        assertEquals(3, messages.size(), messages.toString());
        JsonNode use = messages.get(1).get("content").get(messages.get(1).get("content").size() - 1).get("toolUse");
        assertEquals(callId, use.get("toolUseId").asText());
        assertEquals(Gateway.parse(TOOL_INPUT), use.get("input"), "arguments sent as a JSON object, not a string");
        JsonNode result = messages.get(2).get("content").get(0).get("toolResult");
        assertEquals(callId, result.get("toolUseId").asText());
        assertEquals("18 degrees and light rain", result.get("content").get(0).get("text").asText());
        assertTrue(sent.has("toolConfig"), "Bedrock requires the tool config when tool blocks are present");
    }
}
