package dev.switchboard.gateway.provider.anthropic.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Golden files for the Anthropic Messages endpoint served from OpenAI-format targets: each case is a pair of
 * real-shaped documents (src/test/resources/golden/anthropic-inbound), what comes in and what must go out, compared as
 * JSON (so key order and spacing do not matter, every value does). Streams are compared event by event, the
 * {@code event:} name included, fed whole and one byte at a time.
 */
class AnthropicInboundGoldenTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUESTED_MODEL = "claude-sonnet-4-5";

    static byte[] golden(String name) throws IOException {
        try (InputStream in = AnthropicInboundGoldenTest.class.getResourceAsStream("/golden/anthropic-inbound/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing golden file " + name);
            }
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude-code-tools", "claude-code-2.1.197", "images-documents", "text-basic"})
    void requestTranslation(String name) throws IOException {
        JsonNode actual = AnthropicToOpenAi.request(golden(name + ".anthropic-request.json"), "gpt-4.1");
        assertEquals(JSON.readTree(golden(name + ".openai-request.json")), actual);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "tool-calls", "length"})
    void responseTranslation(String name) throws IOException {
        Buffer actual = OpenAiToAnthropic.response(Buffer.buffer(golden(name + ".openai-response.json")), REQUESTED_MODEL);
        assertEquals(JSON.readTree(golden(name + ".anthropic-response.json")), JSON.readTree(actual.getBytes()));
    }

    @Test
    void upstreamErrorKeepsTheMessageAndTakesTheTypeFromTheStatus() throws IOException {
        AnthropicInboundError e = AnthropicInboundError.fromOpenAi(429, Buffer.buffer(golden("upstream-429.openai-error.json")));
        assertEquals(429, e.status());
        assertEquals(JSON.readTree(golden("upstream-429.anthropic-error.json")), JSON.readTree(e.toJson().getBytes()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "tool-use", "error"})
    void streamTranslationWholeAndSplitAtEveryByte(String name) throws IOException {
        byte[] in = golden(name + ".openai-stream.sse");
        List<String> expected = events(golden(name + ".anthropic-stream.sse"));
        assertEquals(expected, translate(List.of(Buffer.buffer(in))));
        // one byte at a time: chunk boundaries (inside multi-byte characters too) must not matter
        List<Buffer> bytes = new ArrayList<>();
        for (byte b : in) {
            bytes.add(Buffer.buffer(new byte[] {b}));
        }
        assertEquals(expected, translate(bytes));
    }

    static List<String> translate(List<Buffer> chunks) {
        ResponseTranslator.StreamTranslator t = new OpenAiToAnthropicStream(REQUESTED_MODEL);
        Buffer all = Buffer.buffer();
        for (Buffer c : chunks) {
            all.appendBuffer(t.onChunk(c));
        }
        all.appendBuffer(t.onEnd());
        return events(all.getBytes());
    }

    /**
     * Each SSE event as {@code name data}, the data JSON normalized so that spacing does not matter; the event name
     * must be the data's {@code type}, as Anthropic's streams have it.
     */
    static List<String> events(byte[] sse) {
        List<String> out = new ArrayList<>();
        SseParser parser = SseParser.dataEvents((event, data) -> {
            JsonNode tree = readTree(data);
            assertEquals(tree.path("type").asText(), event, "event name of " + data);
            out.add(event + " " + tree);
        });
        parser.feed(Buffer.buffer(new String(sse, StandardCharsets.UTF_8)));
        parser.finish();
        return out;
    }

    static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(json, e);
        }
    }
}
