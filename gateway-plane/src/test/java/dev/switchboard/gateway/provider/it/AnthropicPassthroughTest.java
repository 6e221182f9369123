package dev.switchboard.gateway.provider.it;

import static dev.switchboard.gateway.provider.it.ProviderIt.CLAUDE;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
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
 * {@code /v1/messages} for an Anthropic-backed model: the caller's request goes to Anthropic as it was sent (only the
 * model renamed), with the gateway's credential instead of the caller's, and the caller's {@code anthropic-version} and
 * {@code anthropic-beta} headers, so that Claude Code's beta features keep working through the gateway.
 */
@QuarkusTest
@TestProfile(ProviderItProfile.class)
class AnthropicPassthroughTest {

    @TestHTTPResource("/")
    URL gateway;

    FakeAnthropic anthropic;
    AnthropicClient client;

    @BeforeEach
    void reset() {
        anthropic = ProviderItResource.anthropic;
        anthropic.reset();
        client = AnthropicOkHttpClient.builder().baseUrl(gateway.toString().replaceAll("/$", ""))
                .apiKey(ProviderItResource.CALLER_KEY).maxRetries(0).build();
    }

    private static MessageCreateParams params() {
        return MessageCreateParams.builder().model(CLAUDE).maxTokens(64).addUserMessage("Say hello").build();
    }

    @Test
    void plainMessageGoesThroughWithTheGatewaysCredential() {
        Message message = client.messages().create(params());

        assertEquals(FakeAnthropic.DEFAULT_CONTENT, message.content().get(0).asText().text());
        RecordedRequest upstream = anthropic.lastRequest();
        assertEquals(ProviderItResource.ANTHROPIC_KEY, upstream.header("x-api-key"));
        assertNull(upstream.header("authorization"));
        assertEquals("claude-sonnet-4-5", upstream.bodyJson().get("model").asText(), "only the model is renamed");
        assertEquals(64, upstream.bodyJson().get("max_tokens").asInt());
    }

    @Test
    void streamIsPassedThrough() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        assertEquals(FakeAnthropic.DEFAULT_CONTENT, accumulator.message().content().get(0).asText().text());
    }

    @Test
    void countTokensIsAnthropicsOwnCount() {
        anthropic.setUsage(4242, 1); // far from any estimate of the two words

        given().header("x-api-key", ProviderItResource.CALLER_KEY)
                .header("anthropic-version", "2023-06-01")
                .contentType("application/json")
                .body("{\"model\":\"" + CLAUDE + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .when().post("/v1/messages/count_tokens")
                .then().statusCode(200).body("input_tokens", equalTo(4242));

        RecordedRequest upstream = anthropic.lastRequest();
        assertEquals(FakeAnthropic.COUNT_TOKENS_PATH, upstream.path());
        assertEquals(ProviderItResource.ANTHROPIC_KEY, upstream.header("x-api-key"));
        assertEquals("claude-sonnet-4-5", upstream.bodyJson().get("model").asText());
    }

    @Test
    void callersVersionAndBetaHeadersReachAnthropic() {
        given().header("x-api-key", ProviderItResource.CALLER_KEY)
                .header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "interleaved-thinking-2025-05-14")
                .header("anthropic-beta", "fine-grained-tool-streaming-2025-05-14")
                .contentType("application/json")
                .body("{\"model\":\"" + CLAUDE + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post(gateway.toString() + "v1/messages")
                .then().statusCode(200).body("type", equalTo("message"));

        RecordedRequest upstream = anthropic.lastRequest();
        assertEquals("2023-06-01", upstream.header("anthropic-version"));
        assertEquals(List.of("interleaved-thinking-2025-05-14", "fine-grained-tool-streaming-2025-05-14"),
                upstream.headerValues("anthropic-beta"));
    }

    @Test
    void withoutTheCallersVersionTheAdaptersIsSent() {
        given().header("x-api-key", ProviderItResource.CALLER_KEY)
                .contentType("application/json")
                .body("{\"model\":\"" + CLAUDE + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post(gateway.toString() + "v1/messages")
                .then().statusCode(200);

        assertEquals("2023-06-01", anthropic.lastRequest().header("anthropic-version"));
        assertNull(anthropic.lastRequest().header("anthropic-beta"));
    }
}
