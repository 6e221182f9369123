package dev.switchboard.gateway.provider.it;

import static dev.switchboard.gateway.provider.it.ProviderIt.WEATHER_TOOL;
import static dev.switchboard.gateway.provider.it.ProviderItResource.CHAT_ENDPOINT;
import static dev.switchboard.gateway.provider.it.ProviderItResource.EMBEDDINGS_ENDPOINT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.testsupport.fakes.FakeDatabricks;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Databricks-backed model (service principal) through the official OpenAI Java SDK: every call goes to the serving
 * endpoint's invocations URL, without {@code model}, with a bearer token the workspace issued; plain, streamed, tool
 * round trips, embeddings; Databricks error bodies arrive as OpenAI errors.
 */
@QuarkusTest
@TestProfile(ProviderItProfile.class)
class DatabricksUpstreamTest {

    static final String LLAMA = "dbx/" + CHAT_ENDPOINT;
    static final String EMBED = "dbx/" + EMBEDDINGS_ENDPOINT;
    private static final String ARGUMENTS = "{\"city\":\"Oslo\",\"unit\":\"celsius\"}";
    private static final String BODY = "{\"model\":\"" + LLAMA + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @TestHTTPResource("/v1")
    URL v1;

    FakeDatabricks workspace;
    OpenAIClient client;

    @BeforeEach
    void reset() {
        workspace = ProviderItResource.databricks;
        workspace.reset();
        client = ProviderIt.sdk(v1);
        // another class may have revoked every issued token: let the gateway's one 401 recovery happen here, so
        // that the calls each test counts are its own
        client.chat().completions().create(ChatCompletionCreateParams.builder().model(LLAMA).addUserMessage("Hi").build());
        ProviderIt.rememberIssuedTokens(workspace);
        workspace.reset();
    }

    @AfterEach
    void remember() {
        ProviderIt.rememberIssuedTokens(workspace);
    }

    /** The serving-endpoint calls the workspace received (token calls left out). */
    private List<RecordedRequest> invocations() {
        return workspace.requests().stream().filter(r -> r.path().endsWith("/invocations")).toList();
    }

    private RecordedRequest lastInvocation() {
        List<RecordedRequest> all = invocations();
        return all.get(all.size() - 1);
    }

    /** The call went to the endpoint's invocations URL, without a model field, with a token the workspace issued. */
    private static void assertServingCall(RecordedRequest call, String endpoint) {
        assertEquals("POST", call.method());
        assertEquals("/serving-endpoints/" + endpoint + "/invocations", call.path());
        assertFalse(call.bodyJson().has("model"), "the URL names the model: " + call.bodyAsString());
        String authorization = call.header("authorization");
        // the fake only answers 200 to a token it issued that is live, so a 200 proves the token is a real one
        assertTrue(authorization.startsWith("Bearer dbx-oauth-"), "an issued OAuth token, not a secret or a PAT");
        assertFalse(authorization.contains(ProviderItResource.SP_MAIN_SECRET));
        assertFalse(call.bodyAsString().contains(ProviderItResource.CALLER_KEY));
    }

    @Test
    void plainChat() {
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model(LLAMA).addSystemMessage("Be brief.").addUserMessage("Say hello")
                        .build());
        ChatCompletion completion = raw.parse();

        assertEquals(200, raw.statusCode());
        assertEquals(List.of(LLAMA), raw.headers().values("x-tfy-resolved-model"));
        assertEquals(FakeDatabricks.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().get(0).finishReason());
        assertTrue(completion.usage().orElseThrow().promptTokens() > 0);
        assertTrue(completion.usage().orElseThrow().completionTokens() > 0);

        assertEquals(1, invocations().size());
        RecordedRequest call = lastInvocation();
        assertServingCall(call, CHAT_ENDPOINT);
        assertEquals(2, call.bodyJson().get("messages").size(), "messages pass through as they are");
        assertEquals("system", call.bodyJson().get("messages").get(0).get("role").asText());
    }

    @Test
    void streaming() {
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(LLAMA).addUserMessage("Say hello").build())) {
            chunks = stream.stream().toList();
        }
        assertEquals(FakeDatabricks.DEFAULT_CONTENT, ProviderIt.content(chunks));
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), ProviderIt.finishReasons(chunks));
        assertTrue(chunks.get(chunks.size() - 1).usage().orElseThrow().totalTokens() > 0, "usage on the last chunk");
        RecordedRequest call = lastInvocation();
        assertServingCall(call, CHAT_ENDPOINT);
        assertTrue(call.bodyJson().get("stream").asBoolean());

        ProviderIt.assertEventStream(ProviderIt.post(v1, "/chat/completions",
                BODY.replace("\"messages\"", "\"stream\":true,\"messages\"")));
    }

    @Test
    void toolRoundTrip() {
        workspace.nextToolCall(WEATHER_TOOL, ARGUMENTS);
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model(LLAMA)
                .addUserMessage("What is the weather in Oslo?").addFunctionTool(ProviderIt.weatherTool()).build();
        ChatCompletion withCall = client.chat().completions().create(first);

        ChatCompletion.Choice choice = withCall.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        ChatCompletionMessageFunctionToolCall call = ProviderIt.onlyFunctionCall(choice.message().toolCalls().orElseThrow());
        assertEquals(WEATHER_TOOL, call.function().name());
        assertEquals(Gateway.parse(ARGUMENTS), Gateway.parse(call.function().arguments()));
        JsonNode tool = lastInvocation().bodyJson().get("tools").get(0);
        assertEquals(ProviderIt.weatherSchema(), tool.get("function").get("parameters"));

        ChatCompletion answer = client.chat().completions().create(secondTurn(first, choice.message(), call.id()));
        assertEquals(FakeDatabricks.TOOL_RESULT_ECHO_PREFIX + "-3 degrees and snow",
                answer.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, answer.choices().get(0).finishReason());
        assertSecondTurnSent(call.id());
    }

    @Test
    void streamedToolRoundTrip() {
        workspace.nextToolCall(WEATHER_TOOL, ARGUMENTS);
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model(LLAMA)
                .addUserMessage("What is the weather in Oslo?").addFunctionTool(ProviderIt.weatherTool()).build();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(first)) {
            chunks = stream.stream().toList();
        }
        // assembled by hand: the SDK's ChatCompletionAccumulator takes a chunk with usage for the usage-only chunk
        // of OpenAI streams and drops its choices, and Databricks sends usage on the finish chunk itself
        List<ChatCompletionChunk.Choice.Delta.ToolCall> deltas = chunks.stream().flatMap(c -> c.choices().stream())
                .flatMap(ch -> ch.delta().toolCalls().orElse(List.of()).stream()).toList();
        String id = deltas.get(0).id().orElseThrow();
        assertEquals(WEATHER_TOOL, deltas.get(0).function().orElseThrow().name().orElseThrow());
        assertTrue(deltas.stream().allMatch(d -> d.index() == 0));
        List<String> pieces = deltas.stream().map(d -> d.function().flatMap(f -> f.arguments()).orElse(""))
                .filter(a -> !a.isEmpty()).toList();
        assertTrue(pieces.size() >= 2, "the arguments arrive in pieces: " + pieces);
        String arguments = String.join("", pieces);
        assertEquals(Gateway.parse(ARGUMENTS), Gateway.parse(arguments));
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS), ProviderIt.finishReasons(chunks));
        assertTrue(chunks.get(chunks.size() - 1).usage().isPresent());

        ChatCompletionCreateParams second = first.toBuilder()
                .addMessage(ChatCompletionAssistantMessageParam.builder()
                        .addToolCall(ChatCompletionMessageFunctionToolCall.builder().id(id)
                                .function(ChatCompletionMessageFunctionToolCall.Function.builder()
                                        .name(WEATHER_TOOL).arguments(arguments).build())
                                .build())
                        .build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(id).content("-3 degrees and snow").build())
                .build();
        List<ChatCompletionChunk> answer;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(second)) {
            answer = stream.stream().toList();
        }
        assertEquals(FakeDatabricks.TOOL_RESULT_ECHO_PREFIX + "-3 degrees and snow", ProviderIt.content(answer));
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), ProviderIt.finishReasons(answer));
        assertSecondTurnSent(id);
    }

    private static ChatCompletionCreateParams secondTurn(ChatCompletionCreateParams first, ChatCompletionMessage assistant,
                                                         String callId) {
        return first.toBuilder().addMessage(assistant)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(callId).content("-3 degrees and snow")
                        .build())
                .build();
    }

    private void assertSecondTurnSent(String callId) {
        RecordedRequest second = lastInvocation();
        assertServingCall(second, CHAT_ENDPOINT);
        JsonNode messages = second.bodyJson().get("messages");
        assertEquals(3, messages.size());
        assertEquals(callId, messages.get(1).get("tool_calls").get(0).get("id").asText());
        assertEquals("tool", messages.get(2).get("role").asText());
        assertEquals(callId, messages.get(2).get("tool_call_id").asText());
    }

    @Test
    void embeddings() {
        CreateEmbeddingResponse one = client.embeddings().create(EmbeddingCreateParams.builder()
                .model(EMBED).input("the quick brown fox").build());
        assertEquals(1, one.data().size());
        assertEquals(FakeDatabricks.DEFAULT_EMBEDDING_DIMENSIONS, one.data().get(0).embedding().size());
        assertTrue(one.usage().promptTokens() > 0);
        RecordedRequest call = lastInvocation();
        assertServingCall(call, EMBEDDINGS_ENDPOINT);
        assertEquals("the quick brown fox", call.bodyJson().get("input").asText());

        CreateEmbeddingResponse two = client.embeddings().create(EmbeddingCreateParams.builder()
                .model(EMBED).inputOfArrayOfStrings(List.of("alpha", "beta")).build());
        assertEquals(2, two.data().size());
        assertEquals(1, two.data().get(1).index());
        assertEquals(2, lastInvocation().bodyJson().get("input").size());
    }

    // ---------------------------------------------------------------- errors

    private static Response raw(String body) {
        return RestAssured.given().header("authorization", "Bearer " + ProviderItResource.CALLER_KEY)
                .contentType("application/json").body(body).post("/v1/chat/completions");
    }

    private <T extends OpenAIServiceException> T sdkError(Class<T> type, int status, String openAiType, String code) {
        T e = assertThrows(type, () -> client.chat().completions()
                .create(ChatCompletionCreateParams.builder().model(LLAMA).addUserMessage("Hi").build()));
        assertEquals(status, e.statusCode());
        assertEquals(openAiType, e.type().orElseThrow());
        assertEquals(code, e.code().orElseThrow());
        return e;
    }

    @Test
    void badRequestMapsTo400() {
        String message = "Invalid request: 'max_tokens' must be a positive integer.";
        workspace.failNext(400, "BAD_REQUEST", message);
        Gateway.assertError(raw(BODY), 400, "invalid_request_error", "BAD_REQUEST", null, message);
        workspace.failNext(400, "BAD_REQUEST", message);
        BadRequestException e = sdkError(BadRequestException.class, 400, "invalid_request_error", "BAD_REQUEST");
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void missingServingEndpointMapsTo404() {
        // a genuine answer of the workspace: the endpoint is configured in the gateway but not served
        String body = BODY.replace(LLAMA, "dbx/missing-endpoint");
        Gateway.assertError(raw(body), 404, "invalid_request_error", "RESOURCE_DOES_NOT_EXIST", null,
                "Endpoint 'missing-endpoint' does not exist.");
        NotFoundException e = assertThrows(NotFoundException.class, () -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("dbx/missing-endpoint").addUserMessage("Hi").build()));
        assertEquals("RESOURCE_DOES_NOT_EXIST", e.code().orElseThrow());
    }

    @Test
    void permissionDeniedMapsTo403() {
        workspace.failNext(403, "PERMISSION_DENIED", "User does not have permission to query this endpoint.");
        Gateway.assertError(raw(BODY), 403, "permission_error", "PERMISSION_DENIED", null,
                "User does not have permission to query this endpoint.");
        workspace.failNext(403, "PERMISSION_DENIED", "User does not have permission to query this endpoint.");
        sdkError(PermissionDeniedException.class, 403, "permission_error", "PERMISSION_DENIED");
    }

    @Test
    void rateLimitMapsTo429() {
        workspace.rateLimitNext(5);
        Response response = raw(BODY);
        Gateway.assertError(response, 429, "rate_limit_error", "REQUEST_LIMIT_EXCEEDED", null, null);
        assertEquals("5", response.header("retry-after"));
        workspace.rateLimitNext(5);
        sdkError(RateLimitException.class, 429, "rate_limit_error", "REQUEST_LIMIT_EXCEEDED");
        assertEquals(2, invocations().size(), "a direct model is tried once");
    }

    @Test
    void serverErrorsMapTo5xxEvenWithoutAJsonBody() {
        workspace.failNext(500, "INTERNAL_ERROR", "The model server crashed.");
        Gateway.assertError(raw(BODY), 500, "api_error", "INTERNAL_ERROR", null, "The model server crashed.");

        workspace.next(new FakeDatabricks.Behaviour.Fail(502, "<html><body>Bad Gateway</body></html>", Map.of()));
        Gateway.assertError(raw(BODY), 502, "api_error", "databricks_error", null,
                "The Databricks serving endpoint answered HTTP 502.");

        workspace.failNext(503, "TEMPORARILY_UNAVAILABLE", "The endpoint is scaling up.");
        sdkError(InternalServerException.class, 503, "api_error", "TEMPORARILY_UNAVAILABLE");
    }

    @Test
    void errorOnAStreamingRequestIsAJsonError() {
        workspace.failNext(400, "BAD_REQUEST", "Invalid request: streaming is not supported by this endpoint.");
        Gateway.assertError(raw(BODY.replace("\"messages\"", "\"stream\":true,\"messages\"")), 400,
                "invalid_request_error", "BAD_REQUEST", null,
                "Invalid request: streaming is not supported by this endpoint.");

        workspace.failNext(400, "BAD_REQUEST", "Invalid request: streaming is not supported by this endpoint.");
        Supplier<List<ChatCompletionChunk>> stream = () -> {
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model(LLAMA).addUserMessage("Hi").build())) {
                return s.stream().toList();
            }
        };
        assertEquals(400, assertThrows(BadRequestException.class, stream::get).statusCode());
    }
}
