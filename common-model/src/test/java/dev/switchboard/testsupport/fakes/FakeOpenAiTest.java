package dev.switchboard.testsupport.fakes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeOpenAiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = """
            {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello, please"}]}""";
    private static final String STREAM_CHAT = """
            {"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Say hello"}]}""";
    private static final String STREAM_CHAT_WITH_USAGE = """
            {"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},\
            "messages":[{"role":"user","content":"Say hello"}]}""";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FakeOpenAi openAi;

    @BeforeEach
    void start() {
        openAi = FakeOpenAi.start();
    }

    @AfterEach
    void stop() {
        openAi.close();
    }

    @Test
    void chatCompletionHasTheOpenAiShapeAndTheRequestIsRecordedExactly() throws Exception {
        assertTrue(openAi.baseUrl().matches("http://127\\.0\\.0\\.1:\\d+/v1"), openAi.baseUrl());
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/chat/completions"))
                .header("Authorization", "Bearer sk-test").header("X-Switchboard-Trace", "t-1")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        JsonNode body = JSON.readTree(response.body());
        assertTrue(body.path("id").asText().startsWith("chatcmpl-"));
        assertEquals("chat.completion", body.path("object").asText());
        assertTrue(body.path("created").asLong() > 1_600_000_000L);
        assertEquals("gpt-4o-mini", body.path("model").asText());
        JsonNode choice = body.path("choices").get(0);
        assertEquals("assistant", choice.path("message").path("role").asText());
        assertEquals(FakeOpenAi.DEFAULT_CONTENT, choice.path("message").path("content").asText());
        assertEquals("stop", choice.path("finish_reason").asText());
        JsonNode usage = body.path("usage");
        assertEquals(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt(),
                usage.path("total_tokens").asInt());
        assertTrue(usage.path("prompt_tokens").asInt() > 0);

        RecordedRequest recorded = openAi.lastRequest();
        assertEquals(1, openAi.requestCount());
        assertEquals("POST", recorded.method());
        assertEquals("/v1/chat/completions", recorded.path());
        assertArrayEquals(CHAT.getBytes(StandardCharsets.UTF_8), recorded.body());
        assertEquals("Bearer sk-test", recorded.header("authorization"));
        assertEquals("t-1", recorded.header("x-switchboard-TRACE"));
        assertThrows(UnsupportedOperationException.class, () -> openAi.requests().clear());
    }

    @Test
    void contentAndUsageAreConfigurable() throws Exception {
        openAi.setContent("custom");
        openAi.setUsage(11, 7);
        JsonNode body = JSON.readTree(post("/chat/completions", CHAT).body());
        assertEquals("custom", body.path("choices").get(0).path("message").path("content").asText());
        assertEquals(18, body.path("usage").path("total_tokens").asInt());
    }

    @Test
    void streamingSendsRoleContentFinishUsageAndDoneInOrder() throws Exception {
        HttpResponse<String> response = post("/chat/completions", STREAM_CHAT_WITH_USAGE);
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("content-type").orElseThrow());
        List<String> events = dataEvents(response.body());

        assertEquals(7, events.size(), events::toString); // role, 3 pieces, finish, usage, [DONE]
        List<JsonNode> chunks = new ArrayList<>();
        for (String event : events.subList(0, 6)) {
            chunks.add(JSON.readTree(event));
        }
        String id = chunks.get(0).path("id").asText();
        assertTrue(id.startsWith("chatcmpl-"));
        for (JsonNode chunk : chunks) {
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            assertEquals(id, chunk.path("id").asText());
            assertEquals("gpt-4o", chunk.path("model").asText());
        }
        assertEquals("assistant", delta(chunks.get(0)).path("role").asText());
        assertEquals("Hello", delta(chunks.get(1)).path("content").asText());
        assertEquals(" from", delta(chunks.get(2)).path("content").asText());
        assertEquals(" fake-openai", delta(chunks.get(3)).path("content").asText());
        assertEquals("stop", chunks.get(4).path("choices").get(0).path("finish_reason").asText());
        assertEquals(0, chunks.get(5).path("choices").size());
        assertTrue(chunks.get(5).path("usage").path("total_tokens").asInt() > 0);
        assertEquals("[DONE]", events.get(6));
    }

    @Test
    void streamingWithoutIncludeUsageHasNoUsageChunk() throws Exception {
        openAi.setStreamPieces("a", "b");
        List<String> events = dataEvents(post("/chat/completions", STREAM_CHAT).body());
        assertEquals(5, events.size(), events::toString); // role, a, b, finish, [DONE]
        assertFalse(JSON.readTree(events.get(3)).has("usage"));
        assertEquals("[DONE]", events.get(4));
    }

    @Test
    void heldStreamDeliversTheFirstChunkWhileTheGateIsClosed() {
        StreamGate gate = openAi.holdStreamAfterFirstChunk();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri("/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(STREAM_CHAT)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String role = nextDataEvent(reader);
                String first = nextDataEvent(reader);
                // The client has the first content chunk, yet the server is still waiting for the gate.
                assertEquals("assistant", delta(JSON.readTree(role)).path("role").asText());
                assertEquals("Hello", delta(JSON.readTree(first)).path("content").asText());
                assertTrue(gate.awaitHeld(Duration.ofSeconds(1)));
                assertTrue(gate.isHolding());

                gate.release();
                List<String> rest = new ArrayList<>();
                for (String event = nextDataEvent(reader); event != null; event = nextDataEvent(reader)) {
                    rest.add(event);
                }
                assertEquals(4, rest.size(), rest::toString); // " from", " fake-openai", finish, [DONE]
                assertEquals("[DONE]", rest.get(3));
            }
        });
    }

    @Test
    void droppedStreamEndsAbruptlyWithoutDone() {
        openAi.dropStreamAfterChunks(2);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri("/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(STREAM_CHAT)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            List<String> received = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                assertThrows(IOException.class, () -> {
                    for (String event = nextDataEvent(reader); event != null; event = nextDataEvent(reader)) {
                        received.add(event);
                    }
                });
            }
            // A reset connection may make the client drop events it had buffered, never add any.
            assertTrue(received.size() <= 2, received::toString);
            assertFalse(received.contains("[DONE]"));
        });
        // The next stream is whole again.
        assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                assertTrue(dataEvents(post("/chat/completions", STREAM_CHAT).body()).contains("[DONE]")));
    }

    @Test
    void failNextAnswersOneOpenAiErrorThenRecovers() throws Exception {
        openAi.failNext(503);
        HttpResponse<String> failed = post("/chat/completions", CHAT);
        assertEquals(503, failed.statusCode());
        JsonNode error = JSON.readTree(failed.body()).path("error");
        assertEquals("server_error", error.path("type").asText());
        assertTrue(error.has("message") && error.has("code") && error.path("param").isNull());

        assertEquals(200, post("/chat/completions", CHAT).statusCode());

        String custom = "{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\",\"param\":\"model\","
                + "\"code\":null}}";
        openAi.failNext(400, custom);
        HttpResponse<String> customFailure = post("/chat/completions", CHAT);
        assertEquals(400, customFailure.statusCode());
        assertEquals(custom, customFailure.body());
        assertEquals(3, openAi.requestCount());
    }

    @Test
    void rateLimitNextAnswers429WithRetryAfter() throws Exception {
        openAi.rateLimitNext(7);
        HttpResponse<String> response = post("/chat/completions", CHAT);
        assertEquals(429, response.statusCode());
        assertEquals("7", response.headers().firstValue("retry-after").orElseThrow());
        assertEquals("rate_limit_exceeded", JSON.readTree(response.body()).path("error").path("code").asText());
    }

    @Test
    void stallDelaysOnlyTheStalledRequest() throws Exception {
        openAi.stallNext(Duration.ofMillis(400));
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> stalled = client.sendAsync(HttpRequest.newBuilder(
                uri("/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
                HttpResponse.BodyHandlers.ofString());
        while (openAi.requestCount() == 0) { // make sure the stall was taken by the first request
            Thread.sleep(5);
        }
        assertEquals(200, post("/models", null).statusCode());
        assertFalse(stalled.isDone(), "the other request was answered while the first one stalls");

        assertEquals(200, stalled.get().statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 400);
    }

    @Test
    void queuedPermanentAndReset() throws Exception {
        openAi.next(2, FakeOpenAi.Behaviour.fail(500));
        openAi.always(FakeOpenAi.Behaviour.fail(502));
        assertEquals(500, post("/chat/completions", CHAT).statusCode());
        assertEquals(500, post("/chat/completions", CHAT).statusCode());
        assertEquals(502, post("/chat/completions", CHAT).statusCode());
        assertEquals(502, post("/chat/completions", CHAT).statusCode());

        openAi.reset();
        assertEquals(0, openAi.requestCount());
        assertEquals(200, post("/chat/completions", CHAT).statusCode());
    }

    @Test
    void cannedBodiesAreSentByteForByte() throws Exception {
        byte[] canned = "{\"id\":\"x\",  \"odd spacing\" : true}".getBytes(StandardCharsets.UTF_8);
        openAi.respondWith(201, "application/json; charset=utf-8", canned);
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri("/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(201, response.statusCode());
        assertEquals("application/json; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());
        assertArrayEquals(canned, response.body());

        byte[] sse = "data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
        openAi.fixedStreamBody(sse);
        HttpResponse<byte[]> stream = client.send(HttpRequest.newBuilder(uri("/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(STREAM_CHAT)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("text/event-stream", stream.headers().firstValue("content-type").orElseThrow());
        assertArrayEquals(sse, stream.body());
    }

    @Test
    void embeddingsAndModels() throws Exception {
        JsonNode one = JSON.readTree(post("/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}").body());
        assertEquals("list", one.path("object").asText());
        assertEquals("embedding", one.path("data").get(0).path("object").asText());
        assertEquals(FakeOpenAi.DEFAULT_EMBEDDING_DIMENSIONS, one.path("data").get(0).path("embedding").size());
        assertEquals("text-embedding-3-small", one.path("model").asText());
        assertTrue(one.path("usage").path("total_tokens").asInt() > 0);

        JsonNode many = JSON.readTree(post("/embeddings",
                "{\"model\":\"m\",\"input\":[\"hi\",\"there\"],\"dimensions\":4}").body());
        assertEquals(2, many.path("data").size());
        assertEquals(1, many.path("data").get(1).path("index").asInt());
        assertEquals(4, many.path("data").get(1).path("embedding").size());
        assertEquals(one.path("data").get(0).path("embedding").get(0).floatValue(),
                JSON.readTree(post("/embeddings", "{\"model\":\"m\",\"input\":\"hi\"}").body())
                        .path("data").get(0).path("embedding").get(0).floatValue());

        HttpResponse<String> models = post("/models", null);
        JsonNode list = JSON.readTree(models.body());
        assertEquals("list", list.path("object").asText());
        assertEquals("gpt-4o-mini", list.path("data").get(0).path("id").asText());
        assertEquals("model", list.path("data").get(0).path("object").asText());
        assertEquals("GET", openAi.lastRequest().method());

        assertEquals(404, post("/nowhere", null).statusCode());
    }

    // ---------------------------------------------------------------- helpers

    private URI uri(String path) {
        return URI.create(openAi.baseUrl() + path);
    }

    /** POSTs {@code json}, or GETs when it is null. */
    private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
        if (json != null) {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> dataEvents(String sse) {
        List<String> events = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(line.substring("data: ".length()));
            }
        }
        return events;
    }

    /** The payload of the next {@code data:} line, or null at the end of the stream. */
    private static String nextDataEvent(BufferedReader reader) throws IOException {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith("data: ")) {
                return line.substring("data: ".length());
            }
        }
        return null;
    }

    private static JsonNode delta(JsonNode chunk) {
        return chunk.path("choices").get(0).path("delta");
    }
}
