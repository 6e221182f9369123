package dev.switchboard.gateway.inbound;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.NotFoundException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.routing.RoutingStats;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official Anthropic Java SDK talks to {@code /v1/messages} for a model served by an OpenAI-compatible upstream:
 * the gateway translates the request to OpenAI's shape and the answers (streams and tools included) back.
 */
@QuarkusTest
class AnthropicMessagesInboundTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    RoutingStats routingStats;

    private FakeOpenAi openAi;
    private AnthropicClient client;

    @BeforeEach
    void setUp() {
        openAi = GatewayTestResource.openAi;
        openAi.reset();
        routingStats.forget();
        client = AnthropicOkHttpClient.builder().baseUrl(gateway.toString().replaceAll("/$", ""))
                .apiKey(ALICE_KEY).maxRetries(0).build();
    }

    private static MessageCreateParams.Builder params() {
        return MessageCreateParams.builder().model("fake/gpt-4o-mini").maxTokens(256)
                .system("Be brief.").addUserMessage("Hello");
    }

    @Test
    void plainMessageIsTranslatedBothWays() throws Exception {
        Message message = client.messages().create(params().build());

        assertEquals("Hello from fake-openai", message.content().get(0).asText().text());
        assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
        assertTrue(message.usage().outputTokens() > 0);
        JsonNode upstream = JSON.readTree(openAi.lastRequest().body());
        assertEquals("gpt-4o-mini", upstream.get("model").asText());
        assertEquals("system", upstream.get("messages").get(0).get("role").asText());
        assertEquals(256, upstream.get("max_tokens").asInt());
        assertEquals("/v1/chat/completions", openAi.lastRequest().path());
    }

    @Test
    void streamIsTranslatedToAnthropicEvents() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params().build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message message = accumulator.message();
        assertEquals("Hello from fake-openai", message.content().get(0).asText().text());
        assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
    }

    @Test
    void toolRoundTripWorksThroughTheTranslation() throws Exception {
        String toolCall = "{\"id\":\"chatcmpl-t1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{"
                + "\"id\":\"call_7\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}],"
                + "\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":9,\"total_tokens\":39}}";
        openAi.respondWith(200, "application/json", toolCall.getBytes(StandardCharsets.UTF_8));
        Tool weather = Tool.builder().name("get_weather").description("Weather of a city")
                .inputSchema(Tool.InputSchema.builder().properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build()).build();
        MessageCreateParams first = params().addTool(weather).build();

        Message answer = client.messages().create(first);

        assertEquals(StopReason.TOOL_USE, answer.stopReason().orElseThrow());
        ToolUseBlock use = answer.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertEquals("call_7", use.id());
        assertEquals("get_weather", use.name());
        assertEquals("Paris", JSON.readTree(JSON.writeValueAsString(use._input())).get("city").asText());

        openAi.reset();
        MessageCreateParams second = first.toBuilder()
                .addMessage(answer)
                .addUserMessageOfContentBlockParams(List.of(com.anthropic.models.messages.ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId("call_7").content("18 C, cloudy").build())))
                .build();
        Message last = client.messages().create(second);

        assertEquals(StopReason.END_TURN, last.stopReason().orElseThrow());
        JsonNode upstream = JSON.readTree(openAi.lastRequest().body());
        JsonNode messages = upstream.get("messages");
        JsonNode assistant = messages.get(messages.size() - 2);
        assertEquals("call_7", assistant.get("tool_calls").get(0).get("id").asText());
        JsonNode tool = messages.get(messages.size() - 1);
        assertEquals("tool", tool.get("role").asText());
        assertEquals("call_7", tool.get("tool_call_id").asText());
        assertEquals("18 C, cloudy", tool.get("content").asText());
    }

    @Test
    void errorsComeInAnthropicsShape() {
        NotFoundException e = org.junit.jupiter.api.Assertions.assertThrows(NotFoundException.class,
                () -> client.messages().create(params().model("fake/nope").build()));
        assertEquals(404, e.statusCode());
        given().header("x-api-key", ALICE_KEY).contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\",\"max_tokens\":5}")
                .post("/v1/messages").then().statusCode(400)
                .body("type", equalTo("error")).body("error.type", equalTo("invalid_request_error"));
        given().contentType("application/json").body("{}").post("/v1/messages").then().statusCode(401)
                .body("type", equalTo("error")).body("error.type", equalTo("authentication_error"));
    }

    @Test
    void xApiKeyAndTheApiLlmAliasWork() {
        String body = "{\"model\":\"fake/gpt-4o-mini\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        given().header("x-api-key", ALICE_KEY).contentType("application/json").body(body)
                .post("/api/llm/v1/messages").then().statusCode(200)
                .body("type", equalTo("message")).body("role", equalTo("assistant"))
                .header("x-tfy-resolved-model", "fake/gpt-4o-mini");
        assertFalse(openAi.lastRequest().bodyAsString().contains(ALICE_KEY));
    }
}
