package dev.switchboard.testsupport.fakes;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class FakeAnthropicTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-ant-test";
    private static final String MESSAGES = """
            {"model":"claude-sonnet-4-5","max_tokens":256,"messages":[{"role":"user","content":"Say hello"}]}""";
    private static final String STREAM_MESSAGES = """
            {"model":"claude-sonnet-4-5","max_tokens":256,"stream":true,\
            "messages":[{"role":"user","content":"Say hello"}]}""";
    private static final String TOOLS = """
            "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object",\
            "properties":{"city":{"type":"string"}}}}]""";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FakeAnthropic anthropic;

    @BeforeEach
    void start() {
        anthropic = FakeAnthropic.start(KEY);
    }

    @AfterEach
    void stop() {
        anthropic.close();
    }

    @Test
    void messageHasTheAnthropicShapeAndTheRequestIsRecorded() throws Exception {
        assertTrue(anthropic.baseUrl().matches("http://127\\.0\\.0\\.1:\\d+"), anthropic.baseUrl());
        HttpResponse<String> response = post(MESSAGES);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        assertTrue(response.headers().firstValue("request-id").orElseThrow().startsWith("req_"));
        JsonNode body = JSON.readTree(response.body());
        assertTrue(body.path("id").asText().startsWith("msg_"));
        assertEquals("message", body.path("type").asText());
        assertEquals("assistant", body.path("role").asText());
        assertEquals("claude-sonnet-4-5", body.path("model").asText());
        assertEquals(1, body.path("content").size());
        assertEquals("text", body.path("content").get(0).path("type").asText());
        assertEquals(FakeAnthropic.DEFAULT_CONTENT, body.path("content").get(0).path("text").asText());
        assertEquals("end_turn", body.path("stop_reason").asText());
        assertTrue(body.has("stop_sequence") && body.path("stop_sequence").isNull());
        assertTrue(body.path("usage").path("input_tokens").asInt() > 0);
        assertTrue(body.path("usage").path("output_tokens").asInt() > 0);

        RecordedRequest recorded = anthropic.lastRequest();
        assertEquals(1, anthropic.requestCount());
        assertEquals("POST", recorded.method());
        assertEquals(FakeAnthropic.MESSAGES_PATH, recorded.path());
        assertEquals(KEY, recorded.header("X-API-KEY"));
        assertEquals("2023-06-01", recorded.header("anthropic-version"));
        assertEquals(MESSAGES, recorded.bodyAsString());

        anthropic.setContent("custom");
        anthropic.setUsage(11, 7);
        JsonNode custom = JSON.readTree(post(MESSAGES).body());
        assertEquals("custom", custom.path("content").get(0).path("text").asText());
        assertEquals(11, custom.path("usage").path("input_tokens").asInt());
        assertEquals(7, custom.path("usage").path("output_tokens").asInt());
    }

    @Test
    void theApiKeyIsCheckedInXApiKeyOrAsBearerToken() throws Exception {
        HttpResponse<String> wrong = send(request().header("x-api-key", "sk-ant-wrong")
                .header("anthropic-version", "2023-06-01"), MESSAGES);
        assertEquals(401, wrong.statusCode());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}",
                wrong.body());

        HttpResponse<String> missing = send(request().header("anthropic-version", "2023-06-01"), MESSAGES);
        assertEquals(401, missing.statusCode());
        assertEquals("authentication_error", JSON.readTree(missing.body()).path("error").path("type").asText());

        HttpResponse<String> bearer = send(request().header("Authorization", "Bearer " + KEY)
                .header("anthropic-version", "2023-06-01"), MESSAGES);
        assertEquals(200, bearer.statusCode(), bearer.body());

        try (FakeAnthropic withDefaultKey = FakeAnthropic.start()) {
            assertEquals(FakeAnthropic.DEFAULT_API_KEY, withDefaultKey.apiKey());
        }
    }

    @Test
    void theVersionHeaderIsRequired() throws Exception {
        HttpResponse<String> response = send(request().header("x-api-key", KEY), MESSAGES);
        assertEquals(400, response.statusCode());
        JsonNode error = JSON.readTree(response.body());
        assertEquals("error", error.path("type").asText());
        assertEquals("invalid_request_error", error.path("error").path("type").asText());
        assertTrue(error.path("error").path("message").asText().contains("anthropic-version"));
    }

    @Test
    void unknownPathsAndMethodsAreRefused() throws Exception {
        HttpResponse<String> notFound = client.send(HttpRequest.newBuilder(URI.create(anthropic.baseUrl() + "/v1/chat"))
                .POST(HttpRequest.BodyPublishers.ofString(MESSAGES)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, notFound.statusCode());
        assertEquals("not_found_error", JSON.readTree(notFound.body()).path("error").path("type").asText());
        HttpResponse<String> get = client.send(request().GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
    }

    @Test
    void bodiesTheRealApiRejectsAreRejectedWithAMessageNamingTheProblem() {
        Map<String, String> cases = new LinkedHashMap<>(); // body -> what the message must contain
        cases.put("not json", "not valid JSON");
        cases.put("""
                {"max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""", "model: Field required");
        cases.put("""
                {"model":7,"max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""", "model: Input should be");
        cases.put("""
                {"model":"m","messages":[{"role":"user","content":"hi"}]}""", "max_tokens: Field required");
        cases.put("""
                {"model":"m","max_tokens":"5","messages":[{"role":"user","content":"hi"}]}""",
                "max_tokens: Input should be a valid integer");
        cases.put("""
                {"model":"m","max_tokens":5.5,"messages":[{"role":"user","content":"hi"}]}""",
                "max_tokens: Input should be a valid integer");
        cases.put("""
                {"model":"m","max_tokens":5}""", "messages: Field required");
        cases.put("""
                {"model":"m","max_tokens":5,"messages":{}}""", "messages: Input should be a valid list");
        cases.put("""
                {"model":"m","max_tokens":5,"messages":[]}""", "messages: at least one message is required");
        cases.put("""
                {"model":"m","max_tokens":5,"messages":[{"role":"system","content":"be nice"},\
                {"role":"user","content":"hi"}]}""", "top-level `system` parameter");
        cases.put("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"},\
                {"role":"tool","content":"x"}]}""", "messages.1.role: Input should be 'user' or 'assistant'");
        cases.put("""
                {"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":"hi"},\
                {"role":"user","content":"hi"}]}""", "first message must use the \"user\" role");
        cases.put("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"a"},\
                {"role":"user","content":"b"}]}""", "roles must alternate");
        cases.put("""
                {"model":"m","max_tokens":5,"system":42,"messages":[{"role":"user","content":"hi"}]}""",
                "system: Input should be a valid string or a list of text blocks");
        cases.put("""
                {"model":"m","max_tokens":5,"system":[{"type":"image"}],"messages":[{"role":"user","content":"hi"}]}""",
                "system.0: Input should be a valid text block");
        cases.put("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","system":"be nice","content":"hi"}]}""",
                "messages.0.system: Extra inputs are not permitted");
        cases.put("""
                {"model":"m","max_tokens":5,"stream_options":{"include_usage":true},\
                "messages":[{"role":"user","content":"hi"}]}""", "stream_options: Extra inputs are not permitted");
        cases.put("""
                {"model":"m","max_tokens":5,"temperature":1.5,"messages":[{"role":"user","content":"hi"}]}""",
                "temperature: Input should be less than or equal to 1");
        cases.put("""
                {"model":"m","max_tokens":5,"tool_choice":{"type":"auto"},\
                "messages":[{"role":"user","content":"hi"}]}""", "tool_choice may only be specified while providing tools");
        cases.put("""
                {"model":"m","max_tokens":5,"tools":[{"type":"function","function":{"name":"f"}}],\
                "messages":[{"role":"user","content":"hi"}]}""", "tools.0: Input tag 'function'");
        cases.put("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image_url",\
                "image_url":{"url":"x"}}]}]}""", "messages.0.content.0: Input tag 'image_url'");
        cases.put("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":""}]}]}""",
                "text content blocks must be non-empty");
        cases.put("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"},\
                {"role":"assistant","content":""},{"role":"user","content":"again"}]}""",
                "messages.1: all messages must have non-empty content");
        cases.put("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_result",\
                "tool_use_id":"toolu_1","content":"18"}]}]}""", "unexpected `tool_use_id` found in `tool_result`");
        cases.put("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"weather?"},\
                {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"w","input":{}}]},\
                {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_2","content":"18"}]}]}""",
                "messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_2");
        cases.put("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"weather?"},\
                {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"w","input":{}}]},\
                {"role":"user","content":"no result"}]}""",
                "`tool_use` ids were found without `tool_result` blocks immediately after: toolu_1");
        cases.put("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"weather?"},\
                {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"w","input":"{}"}]},\
                {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"18"}]}]}""",
                "tool_use.input: Input should be a valid dictionary");

        List<Executable> checks = new ArrayList<>();
        cases.forEach((body, expected) -> checks.add(() -> {
            HttpResponse<String> response = post(body);
            assertEquals(400, response.statusCode(), body);
            JsonNode error = JSON.readTree(response.body());
            assertEquals("error", error.path("type").asText(), body);
            assertEquals("invalid_request_error", error.path("error").path("type").asText(), body);
            String message = error.path("error").path("message").asText();
            assertTrue(message.contains(expected), body + " -> " + message);
        }));
        assertAll(checks);
    }

    @Test
    void validBodiesWithSystemBlocksToolsAndImagesAreAccepted() throws Exception {
        String body = """
                {"model":"m","max_tokens":5,"system":[{"type":"text","text":"Be brief."}],"temperature":0.2,\
                "stop_sequences":["END"],"metadata":{"user_id":"u"},"tool_choice":{"type":"auto"},%s,\
                "messages":[{"role":"user","content":[{"type":"text","text":"what is this"},\
                {"type":"image","source":{"type":"url","url":"http://x/y.png"}}]},\
                {"role":"assistant","content":"A picture."},{"role":"user","content":"thanks"},\
                {"role":"assistant","content":""}]}""".formatted(TOOLS);
        HttpResponse<String> response = post(body);
        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void systemMessagesInsideMessagesAreAcceptedOnlyUnderClaudeCodesBeta() throws Exception {
        String body = """
                {"model":"m","max_tokens":5,"thinking":{"type":"adaptive"},"output_config":{"effort":"high"},                "messages":[{"role":"user","content":"hi"},{"role":"system","content":"be brief"}]}""";
        assertEquals(400, post(body).statusCode());

        HttpResponse<String> withBeta = send(request().header("x-api-key", KEY).header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "claude-code-20250219," + FakeAnthropic.MID_CONVERSATION_SYSTEM_BETA), body);

        assertEquals(200, withBeta.statusCode(), withBeta.body());
    }

    @Test
    void streamingFollowsTheSseGrammar() throws Exception {
        HttpResponse<String> response = post(STREAM_MESSAGES);
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("content-type").orElseThrow());
        List<Sse> events = parseSse(response.body());

        assertEquals(List.of("message_start", "content_block_start", "ping", "content_block_delta",
                "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"),
                events.stream().map(Sse::event).toList());
        for (Sse event : events) {
            assertEquals(event.event(), event.data().path("type").asText(), "event name matches the data type");
        }
        JsonNode start = events.get(0).data().path("message");
        assertTrue(start.path("id").asText().startsWith("msg_"));
        assertEquals("claude-sonnet-4-5", start.path("model").asText());
        assertEquals(0, start.path("content").size());
        assertTrue(start.path("stop_reason").isNull());
        assertTrue(start.path("usage").path("input_tokens").asInt() > 0);
        assertEquals(1, start.path("usage").path("output_tokens").asInt());

        assertEquals("text", events.get(1).data().path("content_block").path("type").asText());
        assertEquals("", events.get(1).data().path("content_block").path("text").asText());
        StringBuilder text = new StringBuilder();
        for (Sse delta : events.subList(3, 6)) {
            assertEquals(0, delta.data().path("index").asInt());
            assertEquals("text_delta", delta.data().path("delta").path("type").asText());
            text.append(delta.data().path("delta").path("text").asText());
        }
        assertEquals(FakeAnthropic.DEFAULT_CONTENT, text.toString());
        assertEquals(0, events.get(6).data().path("index").asInt());
        JsonNode messageDelta = events.get(7).data();
        assertEquals("end_turn", messageDelta.path("delta").path("stop_reason").asText());
        assertTrue(messageDelta.path("usage").path("output_tokens").asInt() > 0);
    }

    @Test
    void eachStreamEventIsFlushedAsItsOwnHttpChunk() throws Exception {
        byte[] body = STREAM_MESSAGES.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", anthropic.port())) {
            socket.setSoTimeout(5_000);
            String head = "POST " + FakeAnthropic.MESSAGES_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "x-api-key: " + KEY + "\r\nanthropic-version: 2023-06-01\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(raw.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked"), raw);

            List<String> chunks = new ArrayList<>();
            int at = raw.indexOf("\r\n\r\n") + 4;
            while (true) {
                int lineEnd = raw.indexOf("\r\n", at);
                int size = Integer.parseInt(raw.substring(at, lineEnd).trim(), 16);
                if (size == 0) {
                    break;
                }
                chunks.add(raw.substring(lineEnd + 2, lineEnd + 2 + size)); // the events are ASCII: chars = bytes
                at = lineEnd + 2 + size + 2;
            }
            assertEquals(9, chunks.size(), chunks::toString);
            for (String chunk : chunks) {
                assertTrue(chunk.startsWith("event: ") && chunk.endsWith("\n\n"), chunk);
                assertEquals(1, chunk.split("\n\n").length, chunk);
            }
        }
    }

    @Test
    void toolUseRoundTripWithoutAndWithStreaming() throws Exception {
        anthropic.nextToolUse("get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}", "Let me check.");
        String ask = """
                {"model":"m","max_tokens":100,%s,"messages":[{"role":"user","content":"Weather in Paris?"}]}"""
                .formatted(TOOLS);
        JsonNode call = JSON.readTree(post(ask).body());
        assertEquals("tool_use", call.path("stop_reason").asText());
        assertEquals(2, call.path("content").size());
        assertEquals("Let me check.", call.path("content").get(0).path("text").asText());
        JsonNode toolUse = call.path("content").get(1);
        assertEquals("tool_use", toolUse.path("type").asText());
        assertTrue(toolUse.path("id").asText().startsWith("toolu_"));
        assertEquals("get_weather", toolUse.path("name").asText());
        assertEquals("Paris", toolUse.path("input").path("city").asText());

        String answer = """
                {"model":"m","max_tokens":100,%s,"messages":[{"role":"user","content":"Weather in Paris?"},\
                {"role":"assistant","content":%s},{"role":"user","content":[{"type":"tool_result",\
                "tool_use_id":"%s","content":[{"type":"text","text":"18 degrees"}]}]}]}"""
                .formatted(TOOLS, call.path("content"), toolUse.path("id").asText());
        HttpResponse<String> echoed = post(answer);
        assertEquals(200, echoed.statusCode(), echoed.body());
        JsonNode echo = JSON.readTree(echoed.body());
        assertEquals("The tool said: 18 degrees", echo.path("content").get(0).path("text").asText());
        assertEquals("end_turn", echo.path("stop_reason").asText());

        // Streamed, the tool input arrives as input_json_delta pieces.
        anthropic.nextToolUse("get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}");
        List<Sse> events = parseSse(post(ask.replace("\"max_tokens\":100,", "\"max_tokens\":100,\"stream\":true,"))
                .body());
        assertEquals("message_start", events.get(0).event());
        JsonNode blockStart = events.get(1).data();
        assertEquals("tool_use", blockStart.path("content_block").path("type").asText());
        assertEquals("get_weather", blockStart.path("content_block").path("name").asText());
        assertTrue(blockStart.path("content_block").path("id").asText().startsWith("toolu_"));
        assertTrue(blockStart.path("content_block").path("input").isObject());
        StringBuilder json = new StringBuilder();
        int nonEmptyPieces = 0;
        for (Sse event : events) {
            if (event.event().equals("content_block_delta")) {
                assertEquals("input_json_delta", event.data().path("delta").path("type").asText());
                String piece = event.data().path("delta").path("partial_json").asText();
                json.append(piece);
                nonEmptyPieces += piece.isEmpty() ? 0 : 1;
            }
        }
        assertTrue(nonEmptyPieces >= 2, "pieces: " + nonEmptyPieces);
        assertEquals(JSON.readTree("{\"city\":\"Paris\",\"unit\":\"celsius\"}"), JSON.readTree(json.toString()));
        assertEquals("tool_use", events.get(events.size() - 2).data().path("delta").path("stop_reason").asText());
        assertEquals("message_stop", events.get(events.size() - 1).event());

        assertThrows(IllegalArgumentException.class, () -> anthropic.nextToolUse("f", "[1]"));
    }

    @Test
    void injectedFailuresUseAnthropicErrorBodies() throws Exception {
        anthropic.failNext(500, "api_error", "Internal server error");
        HttpResponse<String> failed = post(MESSAGES);
        assertEquals(500, failed.statusCode());
        assertEquals(FakeAnthropic.errorJson("api_error", "Internal server error"), failed.body());

        anthropic.rateLimitNext(3);
        HttpResponse<String> limited = post(MESSAGES);
        assertEquals(429, limited.statusCode());
        assertEquals("3", limited.headers().firstValue("retry-after").orElseThrow());
        assertEquals("rate_limit_error", JSON.readTree(limited.body()).path("error").path("type").asText());

        anthropic.overloadedNext();
        HttpResponse<String> overloaded = post(MESSAGES);
        assertEquals(529, overloaded.statusCode());
        assertEquals("overloaded_error", JSON.readTree(overloaded.body()).path("error").path("type").asText());

        assertEquals(200, post(MESSAGES).statusCode());
        assertEquals(4, anthropic.requestCount());
    }

    @Test
    void scriptedToolUsesWaitForAValidRequest() throws Exception {
        anthropic.nextToolUse("f", "{}");
        anthropic.overloadedNext();
        assertEquals(529, post(MESSAGES).statusCode());
        assertEquals(400, post("{\"model\":\"m\"}").statusCode());
        assertEquals("tool_use", JSON.readTree(post(MESSAGES).body()).path("stop_reason").asText());
        assertEquals("end_turn", JSON.readTree(post(MESSAGES).body()).path("stop_reason").asText());
    }

    @Test
    void stallDelaysOnlyTheStalledRequest() throws Exception {
        anthropic.stallNext(Duration.ofMillis(400));
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> stalled = client.sendAsync(request()
                .header("x-api-key", KEY).header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(MESSAGES)).build(), HttpResponse.BodyHandlers.ofString());
        while (anthropic.requestCount() == 0) { // make sure the stall was taken by the first request
            Thread.sleep(5);
        }
        assertEquals(200, post(MESSAGES).statusCode());
        assertFalse(stalled.isDone(), "the other request was answered while the first one stalls");
        assertEquals(200, stalled.get().statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 400);
    }

    @Test
    void errorMidStreamSendsOneDeltaThenAnErrorEvent() throws Exception {
        anthropic.errorMidStreamNext();
        HttpResponse<String> response = post(STREAM_MESSAGES);
        assertEquals(200, response.statusCode());
        List<Sse> events = parseSse(response.body());
        assertEquals(List.of("message_start", "content_block_start", "ping", "content_block_delta", "error"),
                events.stream().map(Sse::event).toList());
        assertEquals("Hello", events.get(3).data().path("delta").path("text").asText());
        assertEquals("overloaded_error", events.get(4).data().path("error").path("type").asText());

        // The next stream is whole again.
        assertEquals("message_stop", parseSse(post(STREAM_MESSAGES).body()).get(8).event());
    }

    @Test
    void queuedPermanentAndReset() throws Exception {
        anthropic.next(2, FakeAnthropic.Behaviour.fail(500, "api_error", "boom"));
        anthropic.always(FakeAnthropic.Behaviour.overloaded());
        anthropic.nextToolUse("f", "{}");
        assertEquals(500, post(MESSAGES).statusCode());
        assertEquals(500, post(MESSAGES).statusCode());
        assertEquals(529, post(MESSAGES).statusCode());
        assertEquals(529, post(MESSAGES).statusCode());

        anthropic.reset();
        assertEquals(0, anthropic.requestCount());
        assertThrows(IllegalStateException.class, anthropic::lastRequest);
        JsonNode body = JSON.readTree(post(MESSAGES).body());
        assertEquals("end_turn", body.path("stop_reason").asText(), "reset forgets scripted tool uses");
        assertNotEquals(0, anthropic.requestCount());
    }

    // ---------------------------------------------------------------- helpers

    private record Sse(String event, JsonNode data) {
    }

    /** Parses an SSE body: every event must have exactly one {@code event:} line followed by one {@code data:} line. */
    private static List<Sse> parseSse(String body) throws IOException {
        assertTrue(body.endsWith("\n\n"), "the stream ends with a complete event");
        List<Sse> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String[] lines = block.split("\n");
            assertEquals(2, lines.length, block);
            assertTrue(lines[0].startsWith("event: "), block);
            assertTrue(lines[1].startsWith("data: "), block);
            events.add(new Sse(lines[0].substring("event: ".length()),
                    JSON.readTree(lines[1].substring("data: ".length()))));
        }
        return events;
    }

    private HttpRequest.Builder request() {
        return HttpRequest.newBuilder(URI.create(anthropic.messagesUrl()));
    }

    private HttpResponse<String> post(String json) throws IOException, InterruptedException {
        return send(request().header("x-api-key", KEY).header("anthropic-version", "2023-06-01"), json);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String json)
            throws IOException, InterruptedException {
        return client.send(request.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
