package dev.switchboard.gateway.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.ResponseTranslator;
import dev.switchboard.runtime.sse.SseParser;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden files: each case is a pair of real-shaped documents (src/test/resources/golden/anthropic), what goes in and
 * what must come out, compared as JSON (so key order and spacing do not matter, every value does).
 */
class AnthropicGoldenTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CREATED = 1795636800L;

    private static byte[] golden(String name) throws IOException {
        try (InputStream in = AnthropicGoldenTest.class.getResourceAsStream("/golden/anthropic/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing golden file " + name);
            }
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat-basic", "tools-roundtrip", "images-default-max-tokens"})
    void requestTranslation(String name) throws IOException {
        JsonNode actual = AnthropicRequests.toMessagesRequest(golden(name + ".openai-request.json"), "claude-sonnet-4-5", 4096);
        assertEquals(JSON.readTree(golden(name + ".anthropic-request.json")), actual);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "tool-use"})
    void responseTranslation(String name) throws IOException {
        Buffer actual = AnthropicResponses.completion(Buffer.buffer(golden(name + ".anthropic-response.json")), CREATED);
        assertEquals(JSON.readTree(golden(name + ".openai-response.json")), JSON.readTree(actual.getBytes()));
    }

    @Test
    void errorTranslationKeepsTheMessageAndMapsTheType() throws IOException {
        Buffer actual = AnthropicResponses.errorBody(429, Buffer.buffer(golden("rate-limited.anthropic-error.json")));
        assertEquals(JSON.readTree(golden("rate-limited.openai-error.json")), JSON.readTree(actual.getBytes()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "tool-use", "overloaded"})
    void streamTranslationWholeAndSplitAtEveryByte(String name) throws IOException {
        byte[] in = golden(name + ".anthropic-stream.sse");
        List<String> expected = events(golden(name + ".openai-stream.sse"));
        // in one piece
        assertEquals(expected, translate(List.of(Buffer.buffer(in))));
        // one byte at a time: chunk boundaries must not matter
        List<Buffer> bytes = new ArrayList<>();
        for (byte b : in) {
            bytes.add(Buffer.buffer(new byte[] {b}));
        }
        assertEquals(expected, translate(bytes));
    }

    @Test
    void streamThatEndsWithoutMessageStopEndsWithAnErrorEvent() {
        String cut = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\","
                + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n";
        List<String> out = translate(List.of(Buffer.buffer(cut)));
        assertEquals("[DONE]", out.get(out.size() - 1));
        assertEquals("api_error", readTree(out.get(out.size() - 2)).path("error").path("type").asText());
    }

    @Test
    void unknownRoleIsA400NamingTheField() {
        GatewayError e = assertThrows(GatewayError.class, () -> AnthropicRequests.toMessagesRequest(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}".getBytes(), "c", 10));
        assertEquals(400, e.status());
        assertEquals("{\"error\":{\"message\":\"Invalid value for 'role': 'wizard'.\",\"type\":\"invalid_request_error\","
                + "\"param\":\"messages[0].role\",\"code\":\"invalid_request\"}}", e.toJson().toString());
    }

    @Test
    void badToolArgumentsAreA400() {
        GatewayError e = assertThrows(GatewayError.class, () -> AnthropicRequests.toMessagesRequest(
                ("{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"t\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"{not json\"}}]}]}").getBytes(), "c", 10));
        assertEquals("messages[0].tool_calls[0].function.arguments", readTree(e.toJson().toString()).path("error").path("param").asText());
    }

    private static List<String> translate(List<Buffer> chunks) {
        ResponseTranslator.StreamTranslator t = new AnthropicStreamTranslator(CREATED);
        Buffer all = Buffer.buffer();
        for (Buffer c : chunks) {
            all.appendBuffer(t.onChunk(c));
        }
        all.appendBuffer(t.onEnd());
        return events(all.getBytes());
    }

    /** The data of each SSE event, JSON normalized so that spacing does not matter. */
    private static List<String> events(byte[] sse) {
        List<String> out = new ArrayList<>();
        SseParser parser = SseParser.dataEvents((event, data) -> out.add(data.startsWith("{") ? readTree(data).toString() : data));
        parser.feed(Buffer.buffer(new String(sse, StandardCharsets.UTF_8)));
        parser.finish();
        return out;
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(json, e);
        }
    }
}
