package dev.switchboard.gateway.provider.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.testsupport.fakes.FakeAzureOpenAi;
import dev.switchboard.testsupport.fakes.FakeGoogle;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Anthropic's Messages API inbound ({@code /v1/messages}, the official Anthropic Java SDK as the client) reaching Azure
 * OpenAI, the Gemini API and Vertex AI: through the OpenAI shape the gateway already translates, and then each
 * provider's own translation, for plain answers, streams, tool round trips and refusals.
 */
@QuarkusTest
@TestProfile(ProviderItProfile.class)
class CloudMessagesInboundTest {

    @TestHTTPResource("/")
    URL root;

    AnthropicClient client;

    @BeforeEach
    void reset() {
        ProviderItResource.azure.reset();
        ProviderItResource.google.reset();
        client = AnthropicOkHttpClient.builder().baseUrl(root.toString().replaceAll("/$", ""))
                .apiKey(ProviderItResource.CALLER_KEY).maxRetries(0).build();
    }

    private static MessageCreateParams.Builder params(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(256).system("Be brief.").addUserMessage("Hello");
    }

    private static String expectedText(String model) {
        return model.startsWith("azure") ? FakeAzureOpenAi.DEFAULT_CONTENT : FakeGoogle.DEFAULT_CONTENT;
    }

    @ParameterizedTest
    @ValueSource(strings = {"azure/gpt-4o", "gemini/gemini-2.5-flash", "vertex/gemini-2.5-flash"})
    void plainAndStreamedMessagesReachTheProvider(String model) {
        Message message = client.messages().create(params(model).build());
        assertEquals(expectedText(model), message.content().get(0).asText().text());
        assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
        assertTrue(message.usage().inputTokens() > 0);

        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params(model).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message streamed = accumulator.message();
        assertEquals(expectedText(model), streamed.content().get(0).asText().text());
        assertEquals(StopReason.END_TURN, streamed.stopReason().orElseThrow());
        assertTrue(streamed.usage().outputTokens() > 0, "the provider's usage reaches the Anthropic client");
    }

    @ParameterizedTest
    @ValueSource(strings = {"azure/gpt-4o", "gemini/gemini-2.5-flash", "vertex/gemini-2.5-flash"})
    void toolRoundTrip(String model) throws Exception {
        if (model.startsWith("azure")) {
            ProviderItResource.azure.nextToolCall("get_weather", "{\"city\":\"Paris\"}");
        } else {
            ProviderItResource.google.nextFunctionCall("get_weather", "{\"city\":\"Paris\"}");
        }
        Tool weather = Tool.builder().name("get_weather").description("Weather of a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string")))).build())
                .build();
        MessageCreateParams first = params(model).addTool(weather).build();

        Message answer = client.messages().create(first);

        assertEquals(StopReason.TOOL_USE, answer.stopReason().orElseThrow());
        ToolUseBlock use = answer.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertEquals("get_weather", use.name());
        assertEquals(Gateway.parse("{\"city\":\"Paris\"}"), Gateway.JSON.valueToTree(use._input()));

        Message last = client.messages().create(first.toBuilder().addMessage(answer)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(use.id()).content("18 C, cloudy").build())))
                .build());

        assertEquals(StopReason.END_TURN, last.stopReason().orElseThrow());
        String text = last.content().get(0).asText().text();
        assertTrue(text.startsWith(FakeGoogle.TOOL_RESULT_ECHO_PREFIX) && text.contains("18 C, cloudy"), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"azure/gpt-4o", "gemini/gemini-2.5-flash"})
    void aRefusalIsA400InAnthropicsShape(String model) {
        if (model.startsWith("azure")) {
            ProviderItResource.azure.next(new FakeAzureOpenAi.Behaviour.FilterAnswer());
        } else {
            ProviderItResource.google.next(new FakeGoogle.Behaviour.SafetyStop());
        }
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> client.messages().create(params(model).build()));
        assertEquals(400, e.statusCode());
        assertTrue(e.getMessage().contains("withheld the answer"), e.getMessage());
    }
}
