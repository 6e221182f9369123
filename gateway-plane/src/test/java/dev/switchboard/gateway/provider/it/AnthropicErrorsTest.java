package dev.switchboard.gateway.provider.it;

import static dev.switchboard.gateway.provider.it.ProviderIt.CLAUDE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.testsupport.fakes.FakeAnthropic;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.net.URL;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's errors as the OpenAI SDK expects them: the upstream's status, the exact OpenAI error shape with the
 * mapped type, and the SDK's matching exception class; a stream that fails midway ends with an OpenAI error event and
 * {@code [DONE]}. Each case is seen twice: raw (the exact shape) and through the SDK.
 */
@QuarkusTest
@TestProfile(ProviderItProfile.class)
class AnthropicErrorsTest {

    private static final String BODY = "{\"model\":\"" + CLAUDE + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

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

    private static Response raw(String body) {
        return RestAssured.given().header("authorization", "Bearer " + ProviderItResource.CALLER_KEY)
                .contentType("application/json").body(body).post("/v1/chat/completions");
    }

    private static ChatCompletionCreateParams hi(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hi").build();
    }

    @Test
    void invalidRequestIs400() {
        // a genuine refusal: OpenAI allows temperature up to 2, Anthropic only up to 1
        String message = "temperature: Input should be less than or equal to 1";
        Gateway.assertError(raw(BODY.replace("\"messages\"", "\"temperature\":1.5,\"messages\"")), 400,
                "invalid_request_error", "invalid_request_error", null, message);

        BadRequestException e = assertThrows(BadRequestException.class, () -> client.chat().completions()
                .create(hi(CLAUDE).toBuilder().temperature(1.5).build()));
        assertEquals(400, e.statusCode());
        assertEquals("invalid_request_error", e.type().orElseThrow());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(2, anthropic.requestCount());
    }

    @Test
    void refusedApiKeyIs401AndNotRetried() {
        // a genuine refusal: the account anthropic-wrong-key sends a key the fake does not accept
        String model = "anthropic-wrong-key/claude-sonnet-4-5";
        Gateway.assertError(raw(BODY.replace(CLAUDE, model)), 401, "authentication_error", "authentication_error",
                null, "invalid x-api-key");
        assertEquals(1, anthropic.requestCount(), "an Anthropic key is not renewable: one try");

        UnauthorizedException e = assertThrows(UnauthorizedException.class,
                () -> client.chat().completions().create(hi(model)));
        assertEquals(401, e.statusCode());
        assertEquals("authentication_error", e.type().orElseThrow());
        assertEquals(2, anthropic.requestCount());
    }

    @Test
    void rateLimitIs429WithRetryAfter() {
        anthropic.rateLimitNext(7);
        Response response = raw(BODY);
        Gateway.assertError(response, 429, "rate_limit_error", "rate_limit_exceeded", null,
                "Number of request tokens has exceeded your per-minute rate limit (fake-anthropic)");
        assertEquals("7", response.header("retry-after"));
        assertEquals(1, anthropic.requestCount(), "a direct model is tried once");

        anthropic.rateLimitNext(7);
        RateLimitException e = assertThrows(RateLimitException.class, () -> client.chat().completions().create(hi(CLAUDE)));
        assertEquals(429, e.statusCode());
        assertEquals("rate_limit_error", e.type().orElseThrow());
        assertEquals("rate_limit_exceeded", e.code().orElseThrow());
        assertEquals(List.of("7"), e.headers().values("retry-after"));
    }

    @Test
    void overloadedIs529() {
        anthropic.overloadedNext();
        Gateway.assertError(raw(BODY), 529, "overloaded_error", "overloaded_error", null, "Overloaded");

        anthropic.overloadedNext();
        OpenAIServiceException e = assertThrows(InternalServerException.class,
                () -> client.chat().completions().create(hi(CLAUDE)));
        assertEquals(529, e.statusCode());
        assertEquals("overloaded_error", e.type().orElseThrow());
    }

    @Test
    void serverErrorIs500() {
        anthropic.failNext(500, "api_error", "Internal server error");
        Gateway.assertError(raw(BODY), 500, "api_error", "api_error", null, "Internal server error");
    }

    @Test
    void errorBeforeAStreamStartsIsAPlainJsonError() {
        anthropic.overloadedNext();
        Gateway.assertError(raw(BODY.replace("\"messages\"", "\"stream\":true,\"messages\"")), 529,
                "overloaded_error", "overloaded_error", null, "Overloaded");

        anthropic.rateLimitNext(3);
        RateLimitException e = assertThrows(RateLimitException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(hi(CLAUDE))) {
                stream.stream().forEach(c -> { });
            }
        });
        assertEquals(429, e.statusCode());
    }

    @Test
    void errorEventMidStreamBecomesAnOpenAiErrorEventAndDone() {
        anthropic.errorMidStreamNext();
        ProviderIt.Raw raw = ProviderIt.post(v1, "/chat/completions",
                BODY.replace("\"messages\"", "\"stream\":true,\"messages\""));
        List<String> events = ProviderIt.assertEventStream(raw);
        // role chunk, the one delta the fake sent ("Hello"), the error, [DONE]
        assertEquals(4, events.size(), raw.body());
        assertEquals("Hello", Gateway.parse(events.get(1)).get("choices").get(0).get("delta").get("content").asText());
        JsonNode error = Gateway.parse(events.get(2));
        assertEquals(List.of("error"), fieldNames(error), events.get(2));
        assertEquals(List.of("message", "type", "param", "code"), fieldNames(error.get("error")), events.get(2));
        assertEquals("overloaded_error", error.get("error").get("type").asText());
        assertEquals("Overloaded", error.get("error").get("message").asText());
        assertTrue(error.get("error").get("param").isNull());

        // the SDK reads what came before the error, then raises it
        anthropic.errorMidStreamNext();
        StringBuilder before = new StringBuilder();
        SseException e;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(hi(CLAUDE))) {
            Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
            e = assertThrows(SseException.class, () -> {
                while (chunks.hasNext()) {
                    chunks.next().choices().forEach(ch -> ch.delta().content().ifPresent(before::append));
                }
            });
        }
        assertEquals("Hello", before.toString());
        assertEquals("overloaded_error", e.type().orElseThrow());
        assertTrue(e.getMessage().contains("Overloaded"), e.getMessage());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
