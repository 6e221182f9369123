package dev.switchboard.gateway.routing.it;

import static dev.switchboard.gateway.routing.it.RoutingIt.KEY;
import static dev.switchboard.gateway.routing.it.RoutingIt.PRIMARY;
import static dev.switchboard.gateway.routing.it.RoutingIt.SECONDARY;
import static dev.switchboard.gateway.routing.it.RoutingIt.attempts;
import static dev.switchboard.gateway.routing.it.RoutingIt.counts;
import static dev.switchboard.gateway.routing.it.RoutingIt.primary;
import static dev.switchboard.gateway.routing.it.RoutingIt.secondary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.SseException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.gateway.routing.RoutingStats;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streams are retried and failed over only before their first byte reaches the client. A failure before it is
 * invisible to the client; a break after it ends the stream with a well-formed OpenAI error event and
 * {@code data: [DONE]}, never a silent truncation, and the request log records it with whatever usage had arrived.
 */
@QuarkusTest
@TestProfile(RoutingItProfile.class)
class StreamRoutingTest {

    private static final String BROKEN_MESSAGE = "The upstream of '" + PRIMARY + "' failed: the stream broke off.";

    @TestHTTPResource("/v1")
    URL v1;

    @Inject
    RoutingStats stats;

    @Inject
    RowQueue<RequestLog> logs;

    private final List<RequestLog> seen = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void isolate() {
        RoutingIt.reset(stats, logs);
    }

    private static ChatCompletionCreateParams chat(String model, String requestId) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hello")
                .putAdditionalHeader("x-request-id", requestId).build();
    }

    @Test
    void aStreamWhoseUpstreamFailsBeforeTheFirstByteFailsOverTransparently() {
        primary().always(FakeOpenAi.Behaviour.fail(503));
        String id = RoutingIt.newRequestId();

        try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw = Gateway.sdk(v1, KEY).chat().completions()
                .withRawResponse().createStreaming(chat("failover", id));
             StreamResponse<ChatCompletionChunk> stream = raw.parse()) {
            assertEquals(200, raw.statusCode());
            assertEquals(List.of(SECONDARY), raw.headers().values("x-tfy-resolved-model"));
            StringBuilder text = new StringBuilder();
            stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
            assertEquals(FakeOpenAi.DEFAULT_CONTENT, text.toString());
        }

        assertEquals(List.of(3, 1, 0), counts());
        assertTrue(secondary().lastRequest().bodyJson().get("stream").asBoolean());
        RequestLog log = RoutingIt.logOf(logs, seen, id);
        assertTrue(log.stream());
        assertEquals(200, log.status());
        assertEquals(List.of(PRIMARY + " 503", PRIMARY + " 503", PRIMARY + " 503", SECONDARY + " 200"), attempts(log));
    }

    @Test
    void aStreamBrokenHalfwayEndsWithAnErrorEventAndDone() throws Exception {
        primary().dropStreamAfterChunks(2); // the role chunk and "Hello", then the connection drops
        String id = RoutingIt.newRequestId();

        HttpResponse<byte[]> r = sendRaw(RoutingIt.streamChat("failover", false), id);

        assertEquals(200, r.statusCode());
        assertEquals(PRIMARY, r.headers().firstValue("x-tfy-resolved-model").orElse(null));
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        String content = assertEndsWithErrorEventAndDone(new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(FakeOpenAi.DEFAULT_CONTENT.startsWith(content), "content before the break: '" + content + "'");
        // after the first byte: no retry, no fallback
        assertEquals(List.of(1, 0, 0), counts());

        RequestLog log = RoutingIt.logOf(logs, seen, id);
        assertEquals(PRIMARY, log.resolvedModel());
        assertEquals(502, log.status());
        assertEquals("upstream_stream_broken", log.errorCode());
        assertEquals(List.of(PRIMARY + " 502"), attempts(log));
        assertEquals(-1, log.promptTokens(), "no usage had arrived");
    }

    @Test
    void aStreamBrokenAfterItsUsageChunkIsLoggedWithThatUsage() throws Exception {
        primary().setUsage(12, 7);
        // role, three pieces, finish and usage chunks all go out; then the connection drops without [DONE]
        primary().dropStreamAfterChunks(6);
        String id = RoutingIt.newRequestId();

        HttpResponse<byte[]> r = sendRaw(RoutingIt.streamChat("failover", true), id);

        assertEquals(200, r.statusCode());
        String content = assertEndsWithErrorEventAndDone(new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(FakeOpenAi.DEFAULT_CONTENT, content);
        RequestLog log = RoutingIt.logOf(logs, seen, id);
        assertEquals(502, log.status());
        assertEquals("upstream_stream_broken", log.errorCode());
        assertEquals(12, log.promptTokens());
        assertEquals(7, log.completionTokens());
        assertEquals(List.of(1, 0, 0), counts());
    }

    @Test
    void theSdkSeesABrokenStreamAsAnErrorNotAsAShortAnswer() {
        primary().dropStreamAfterChunks(2);
        String id = RoutingIt.newRequestId();
        StringBuilder text = new StringBuilder();

        try (StreamResponse<ChatCompletionChunk> stream = Gateway.sdk(v1, KEY).chat().completions()
                .createStreaming(chat("failover", id))) {
            Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
            SseException e = assertThrows(SseException.class, () -> {
                while (chunks.hasNext()) {
                    chunks.next().choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
                }
            });
            assertTrue(String.valueOf(e.body()).contains("upstream_error"), String.valueOf(e.body()));
        }
        assertTrue(FakeOpenAi.DEFAULT_CONTENT.startsWith(text.toString()), text.toString());
        assertEquals(List.of(1, 0, 0), counts());
    }

    private HttpResponse<byte[]> sendRaw(String body, String requestId) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(v1 + "/chat/completions"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .header("x-request-id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Asserts that {@code sse} is whole events only: chunks, then exactly one error event in the OpenAI error shape,
     * then {@code data: [DONE]} as the very end. Returns the content the chunks carried.
     */
    private static String assertEndsWithErrorEventAndDone(String sse) {
        assertTrue(sse.endsWith("data: [DONE]\n\n"), sse);
        List<String> events = new ArrayList<>(Arrays.stream(sse.split("\n\n")).filter(e -> !e.isBlank()).toList());
        assertTrue(events.size() >= 2, sse);
        assertEquals("data: [DONE]", events.get(events.size() - 1).strip(), sse);
        String errorEvent = events.get(events.size() - 2).strip();
        assertTrue(errorEvent.startsWith("data: "), sse);
        JsonNode root = Gateway.parse(errorEvent.substring("data: ".length()));
        List<String> top = new ArrayList<>();
        root.fieldNames().forEachRemaining(top::add);
        assertEquals(List.of("error"), top, errorEvent);
        JsonNode error = root.get("error");
        List<String> fields = new ArrayList<>();
        error.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("message", "type", "param", "code"), fields, errorEvent);
        assertEquals(BROKEN_MESSAGE, error.get("message").asText());
        assertEquals("api_error", error.get("type").asText());
        assertTrue(error.get("param").isNull());
        assertEquals("upstream_error", error.get("code").asText());

        StringBuilder content = new StringBuilder();
        for (String event : events.subList(0, events.size() - 2)) {
            String e = event.strip();
            assertTrue(e.startsWith("data: {"), "not a whole data event: '" + e + "' in " + sse);
            JsonNode chunk = Gateway.parse(e.substring("data: ".length()));
            assertEquals("chat.completion.chunk", chunk.get("object").asText(), e);
            for (JsonNode choice : chunk.get("choices")) {
                content.append(choice.path("delta").path("content").asText(""));
            }
        }
        assertEquals(1, sse.split("\\[DONE]", -1).length - 1, "one [DONE] only: " + sse);
        return content.toString();
    }
}
