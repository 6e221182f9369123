package dev.switchboard.gateway.provider.it;

import static dev.switchboard.gateway.provider.it.ProviderIt.CLAUDE;
import static dev.switchboard.gateway.provider.it.ProviderIt.WEATHER_TOOL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.testsupport.fakes.FakeAnthropic;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An Anthropic-backed model through the official OpenAI Java SDK: the gateway translates OpenAI chat requests to
 * valid Messages API requests (checked by the fake, which rejects what the real API rejects) and the answers back,
 * plain, streamed, and through full tool round trips.
 */
@QuarkusTest
@TestProfile(ProviderItProfile.class)
class AnthropicUpstreamTest {

    private static final String TOOL_INPUT = "{\"city\":\"Paris\",\"unit\":\"celsius\"}";

    @TestHTTPResource("/v1")
    URL v1;

    FakeAnthropic anthropic;
    OpenAIClient client;

    @BeforeEach
    void reset() {
        anthropic = ProviderItResource.anthropic;
        anthropic.reset();
        client = ProviderIt.sdk(v1);
    }

    @Test
    void plainChatIsTranslatedBothWays() {
        anthropic.setUsage(12, 5);
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model(CLAUDE)
                        .addSystemMessage("You are terse.")
                        .addUserMessage("Say hello")
                        .build());
        ChatCompletion completion = raw.parse();

        assertEquals(200, raw.statusCode());
        assertEquals(List.of(CLAUDE), raw.headers().values("x-tfy-resolved-model"));
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertEquals(FakeAnthropic.DEFAULT_CONTENT, choice.message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
        assertTrue(choice.message().toolCalls().orElse(List.of()).isEmpty());
        assertTrue(completion.id().startsWith("msg_"), completion.id());
        assertEquals("claude-sonnet-4-5", completion.model());
        assertUsage(completion.usage().orElseThrow(), 12, 5);

        assertEquals(1, anthropic.requestCount());
        RecordedRequest upstream = anthropic.lastRequest();
        assertEquals("POST", upstream.method());
        assertEquals(FakeAnthropic.MESSAGES_PATH, upstream.path());
        assertEquals(ProviderItResource.ANTHROPIC_KEY, upstream.header("x-api-key"));
        assertEquals("2023-06-01", upstream.header("anthropic-version"));
        assertNull(upstream.header("authorization"), "the caller's gateway key must not travel upstream");
        assertFalse(upstream.bodyAsString().contains(ProviderItResource.CALLER_KEY));
        assertEquals(Gateway.parse("""
                {"model":"claude-sonnet-4-5",
                 "messages":[{"role":"user","content":[{"type":"text","text":"Say hello"}]}],
                 "system":[{"type":"text","text":"You are terse."}],
                 "max_tokens":4096}"""), upstream.bodyJson(),
                "system hoisted out of the messages, and max_tokens defaulted as the caller gave none");
    }

    @Test
    void samplingParametersAndCallerMaxTokensAreTranslated() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(CLAUDE)
                .addDeveloperMessage("Answer in English.")
                .addUserMessage("Say hello")
                .maxCompletionTokens(256)
                .temperature(0.2)
                .topP(0.9)
                .stop("END")
                .build());

        assertEquals(FakeAnthropic.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        JsonNode sent = anthropic.lastRequest().bodyJson();
        assertEquals(256, sent.get("max_tokens").asInt());
        assertEquals(0.2, sent.get("temperature").asDouble());
        assertEquals(0.9, sent.get("top_p").asDouble());
        assertEquals(Gateway.parse("[\"END\"]"), sent.get("stop_sequences"));
        assertEquals(Gateway.parse("[{\"type\":\"text\",\"text\":\"Answer in English.\"}]"), sent.get("system"));
    }

    @Test
    void streamingAssemblesTheContentAndEndsWithFinishReasonAndUsage() {
        anthropic.setUsage(9, 4);
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(CLAUDE)
                .addSystemMessage("You are terse.").addUserMessage("Say hello").build();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            chunks = stream.stream().toList();
        }

        assertEquals(FakeAnthropic.DEFAULT_CONTENT, ProviderIt.content(chunks));
        assertTrue(chunks.size() > 3, "one chunk per upstream delta: " + chunks.size());
        assertEquals(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT,
                chunks.get(0).choices().get(0).delta().role().orElseThrow());
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), ProviderIt.finishReasons(chunks));
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty(), "the usage chunk has no choices");
        assertUsage(last.usage().orElseThrow(), 9, 4);
        String id = chunks.get(0).id();
        assertTrue(chunks.stream().allMatch(c -> c.id().equals(id)), "every chunk carries the message id");

        RecordedRequest upstream = anthropic.lastRequest();
        assertTrue(upstream.bodyJson().get("stream").asBoolean());
        assertEquals(4096, upstream.bodyJson().get("max_tokens").asInt());
        assertEquals(ProviderItResource.ANTHROPIC_KEY, upstream.header("x-api-key"));
        assertEquals("2023-06-01", upstream.header("anthropic-version"));

        // on the wire: an event stream of chat.completion.chunk objects, terminated by exactly one [DONE]
        List<String> events = ProviderIt.assertEventStream(ProviderIt.post(v1, "/chat/completions",
                "{\"model\":\"" + CLAUDE + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));
        for (String event : events.subList(0, events.size() - 1)) {
            assertEquals("chat.completion.chunk", Gateway.parse(event).path("object").asText(), event);
        }
    }

    @Test
    void toolRoundTrip() throws Exception {
        anthropic.nextToolUse(WEATHER_TOOL, TOOL_INPUT);
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model(CLAUDE)
                .addUserMessage("What is the weather in Paris?")
                .addFunctionTool(ProviderIt.weatherTool())
                .toolChoice(ChatCompletionToolChoiceOption.Auto.AUTO)
                .build();
        ChatCompletion withCall = client.chat().completions().create(first);

        ChatCompletion.Choice choice = withCall.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        ChatCompletionMessageFunctionToolCall call = ProviderIt.onlyFunctionCall(choice.message().toolCalls().orElseThrow());
        assertTrue(call.id().startsWith("toolu_"), call.id());
        assertEquals(WEATHER_TOOL, call.function().name());
        assertEquals(Gateway.parse(TOOL_INPUT), Gateway.parse(call.function().arguments()));
        assertTrue(withCall.usage().orElseThrow().totalTokens() > 0);

        JsonNode firstSent = anthropic.lastRequest().bodyJson();
        assertEquals(Gateway.parse("{\"type\":\"auto\"}"), firstSent.get("tool_choice"));
        JsonNode tool = firstSent.get("tools").get(0);
        assertEquals(WEATHER_TOOL, tool.get("name").asText());
        assertEquals("The current weather of a city", tool.get("description").asText());
        assertEquals(ProviderIt.weatherSchema(), tool.get("input_schema"));

        ChatCompletion answer = client.chat().completions().create(secondTurn(first, choice.message(), call.id()));

        assertEquals(FakeAnthropic.TOOL_RESULT_ECHO_PREFIX + "18 degrees and light rain",
                answer.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, answer.choices().get(0).finishReason());
        assertSecondTurnSent(call.id());
    }

    @Test
    void streamedToolRoundTripAssemblesTheArgumentsFromDeltas() {
        anthropic.nextToolUse(WEATHER_TOOL, TOOL_INPUT);
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model(CLAUDE)
                .addUserMessage("What is the weather in Paris?")
                .addFunctionTool(ProviderIt.weatherTool())
                .build();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(first)) {
            chunks = stream.stream().peek(accumulator::accumulate).toList();
        }

        List<ChatCompletionChunk.Choice.Delta.ToolCall> deltas = chunks.stream()
                .flatMap(c -> c.choices().stream())
                .flatMap(ch -> ch.delta().toolCalls().orElse(List.of()).stream())
                .toList();
        ChatCompletionChunk.Choice.Delta.ToolCall head = deltas.get(0);
        assertTrue(head.id().orElseThrow().startsWith("toolu_"));
        assertEquals(WEATHER_TOOL, head.function().orElseThrow().name().orElseThrow());
        assertTrue(deltas.stream().allMatch(d -> d.index() == 0), "one tool call, index 0");
        assertTrue(deltas.stream().skip(1).allMatch(d -> d.id().isEmpty()), "only the first delta names the call");
        long pieces = deltas.stream().map(d -> d.function().flatMap(f -> f.arguments()).orElse(""))
                .filter(a -> !a.isEmpty()).count();
        assertTrue(pieces >= 2, "the arguments arrive in pieces: " + pieces);
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS), ProviderIt.finishReasons(chunks));
        assertTrue(chunks.get(chunks.size() - 1).usage().isPresent(), "a final usage chunk");

        ChatCompletion assembled = accumulator.chatCompletion();
        ChatCompletionMessage message = assembled.choices().get(0).message();
        ChatCompletionMessageFunctionToolCall call = ProviderIt.onlyFunctionCall(message.toolCalls().orElseThrow());
        assertEquals(head.id().orElseThrow(), call.id());
        assertEquals(WEATHER_TOOL, call.function().name());
        assertEquals(Gateway.parse(TOOL_INPUT), Gateway.parse(call.function().arguments()));

        List<ChatCompletionChunk> answer;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(secondTurn(first, message, call.id()))) {
            answer = stream.stream().toList();
        }
        assertEquals(FakeAnthropic.TOOL_RESULT_ECHO_PREFIX + "18 degrees and light rain", ProviderIt.content(answer));
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), ProviderIt.finishReasons(answer));
        assertTrue(anthropic.lastRequest().bodyJson().get("stream").asBoolean());
        assertSecondTurnSent(call.id());
    }

    private static ChatCompletionCreateParams secondTurn(ChatCompletionCreateParams first, ChatCompletionMessage assistant,
                                                         String callId) {
        return first.toBuilder()
                .addMessage(assistant)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(callId)
                        .content("18 degrees and light rain").build())
                .build();
    }

    /** The second turn reached Anthropic as tool_use in the assistant turn and tool_result in the next user turn. */
    private void assertSecondTurnSent(String callId) {
        JsonNode messages = anthropic.lastRequest().bodyJson().get("messages");
        assertEquals(3, messages.size(), messages.toString());
        assertEquals("assistant", messages.get(1).get("role").asText());
        JsonNode use = messages.get(1).get("content").get(messages.get(1).get("content").size() - 1);
        assertEquals("tool_use", use.get("type").asText());
        assertEquals(callId, use.get("id").asText());
        assertEquals(WEATHER_TOOL, use.get("name").asText());
        assertEquals(Gateway.parse(TOOL_INPUT), use.get("input"), "arguments sent as a JSON object, not a string");
        assertEquals("user", messages.get(2).get("role").asText());
        JsonNode result = messages.get(2).get("content").get(0);
        assertEquals("tool_result", result.get("type").asText());
        assertEquals(callId, result.get("tool_use_id").asText());
        assertEquals("18 degrees and light rain", result.get("content").asText());
    }

    static void assertUsage(CompletionUsage usage, long prompt, long completion) {
        assertEquals(prompt, usage.promptTokens());
        assertEquals(completion, usage.completionTokens());
        assertEquals(prompt + completion, usage.totalTokens());
    }
}
