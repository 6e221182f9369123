package dev.switchboard.gateway.provider.bedrock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.Golden;
import dev.switchboard.gateway.provider.ResponseTranslator;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/**
 * Golden files (src/test/resources/golden/bedrock): what goes in and what must come out, compared as JSON. Streams are
 * written down as their event-stream frames, one JSON line each (headers and payload), and framed here with the AWS
 * SDK's {@link Message} codec, exactly as Bedrock frames them on the wire.
 */
class BedrockGoldenTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CREATED = 1795636800L;
    private static final String ID = "chatcmpl-golden";
    private static final String MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";

    private static final Golden GOLDEN = new Golden("bedrock");

    private static byte[] golden(String name) {
        return GOLDEN.bytes(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat-basic", "tools-roundtrip", "image"})
    void requestTranslation(String name) throws IOException {
        JsonNode actual = BedrockRequests.converse(golden(name + ".openai-request.json"));
        assertEquals(JSON.readTree(golden(name + ".converse-request.json")), actual);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "tool-use", "guardrail"})
    void responseTranslation(String name) throws IOException {
        Buffer actual = BedrockResponses.completion(Buffer.buffer(golden(name + ".converse-response.json")), ID, MODEL, CREATED);
        assertEquals(JSON.readTree(golden(name + ".openai-response.json")), JSON.readTree(actual.getBytes()));
    }

    @ParameterizedTest
    @CsvSource({"titan, amazon.titan-embed-text-v2:0", "cohere, cohere.embed-english-v3"})
    void embeddingsTranslation(String name, String model) throws IOException {
        BedrockRequests.EmbeddingShape shape = BedrockRequests.EmbeddingShape.of(model);
        assertEquals(JSON.readTree(golden(name + ".invoke-request.json")),
                BedrockRequests.embeddings(golden(name + ".openai-request.json"), shape));
        // Cohere's body has no token count: Bedrock's X-Amzn-Bedrock-Input-Token-Count header (4 here) stands in
        Buffer answer = BedrockResponses.embeddings(Buffer.buffer(golden(name + ".invoke-response.json")), shape, model, 4, false);
        assertEquals(JSON.readTree(golden(name + ".openai-response.json")), JSON.readTree(answer.getBytes()));
    }

    @Test
    void throttlingKeepsBedrocksMessageAsARateLimitError() throws IOException {
        Buffer actual = BedrockResponses.errorBody(429, "ThrottlingException",
                Buffer.buffer(golden("throttled.bedrock-error.json")), "bedrock");
        assertEquals(JSON.readTree(golden("throttled.openai-error.json")), JSON.readTree(actual.getBytes()));
    }

    @Test
    void aRefusedSignatureNeverQuotesBedrocksCanonicalRequest() throws IOException {
        Buffer actual = BedrockResponses.errorBody(401, "InvalidSignatureException",
                Buffer.buffer(golden("bad-signature.bedrock-error.json")), "bedrock");
        assertEquals(JSON.readTree(golden("bad-signature.openai-error.json")), JSON.readTree(actual.getBytes()));
        assertFalse(actual.toString().contains("EXAMPLESESSIONTOKEN"));
    }

    @ParameterizedTest
    @CsvSource({
            "ThrottlingException, 429, 429", "ServiceQuotaExceededException, 400, 429",
            "ValidationException, 400, 400", "AccessDeniedException, 403, 403",
            "ModelNotReadyException, 429, 503", "ServiceUnavailableException, 503, 503",
            "ResourceNotFoundException, 404, 404", "ModelTimeoutException, 408, 504",
            "ModelErrorException, 424, 502", "InternalServerException, 500, 500",
            "UnrecognizedClientException, 403, 401", "InvalidSignatureException, 403, 401",
            "ExpiredTokenException, 403, 401", "SomethingNewException, 418, 418"})
    void errorTypesMapToTheStatusThatRetriesAndFallbackGoBy(String awsType, int httpStatus, int expected) {
        assertEquals(expected, BedrockResponses.ErrorKind.of(awsType, httpStatus).status());
    }

    @Test
    void theErrorTypeHeaderIsReadUpToItsNamespace() {
        assertEquals("ThrottlingException",
                BedrockResponses.errorType("ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"));
        assertEquals("ValidationException", BedrockResponses.errorType("ValidationException"));
        assertEquals(null, BedrockResponses.errorType(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "tool-use", "throttled-mid-stream"})
    void streamTranslationWholeAndSplitAtEveryByte(String name) throws IOException {
        List<JsonNode> expected = Golden.events(golden(name + ".openai-stream.sse"));
        for (List<JsonNode> actual : Golden.translateWholeAndByteByByte(
                () -> new BedrockStreamTranslator(ID, MODEL, CREATED, "bedrock"), frames(name + ".converse-stream.jsonl"))) {
            assertEquals(expected, actual);
        }
    }

    @Test
    void aStreamThatEndsBeforeMessageStopEndsWithAnErrorEvent() throws IOException {
        byte[] all = frames("text.converse-stream.jsonl");
        byte[] firstTwoFrames = java.util.Arrays.copyOf(all, frameEnd(all, 2));
        List<JsonNode> out = translate(Buffer.buffer(firstTwoFrames));
        assertEquals("[DONE]", out.get(out.size() - 1).asText());
        JsonNode error = out.get(out.size() - 2).path("error");
        assertEquals("api_error", error.path("type").asText());
        assertTrue(error.path("message").asText().contains("before messageStop"), error.toString());
    }

    @Test
    void aCorruptFrameEndsTheStreamWithAnErrorEvent() throws IOException {
        byte[] all = frames("text.converse-stream.jsonl");
        all[20] ^= 0x55; // inside the first frame's headers: its CRC no longer matches
        List<JsonNode> out = translate(Buffer.buffer(all));
        assertEquals(2, out.size(), out.toString());
        assertTrue(out.get(0).path("error").path("message").asText().contains("could not be decoded"));
    }

    @Test
    void anImageByLinkIsRefusedWithItsFieldPath() {
        String body = """
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}""";
        GatewayError e = assertThrows(GatewayError.class,
                () -> BedrockRequests.converse(body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, e.status());
        assertTrue(e.toJson().toString().contains("messages[0].content[0].image_url.url"), e.toJson().toString());
    }

    @Test
    void titanTakesOneTextPerCall() {
        String body = "{\"model\":\"m\",\"input\":[\"a\",\"b\"]}";
        GatewayError e = assertThrows(GatewayError.class, () -> BedrockRequests.embeddings(
                body.getBytes(StandardCharsets.UTF_8), BedrockRequests.EmbeddingShape.TITAN));
        assertTrue(e.getMessage().contains("one text per request"), e.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    /** The frames of a {@code .jsonl} golden file, encoded as Bedrock sends them. */
    private static byte[] frames(String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : new String(golden(name), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode frame = JSON.readTree(line);
            Map<String, HeaderValue> headers = new LinkedHashMap<>();
            frame.get("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), HeaderValue.fromString(h.getValue().asText())));
            new Message(headers, frame.get("payload").toString().getBytes(StandardCharsets.UTF_8)).encode(out);
        }
        return out.toByteArray();
    }

    /** Where the {@code n}th frame ends: each frame starts with its total length (big-endian int32). */
    private static int frameEnd(byte[] frames, int n) {
        int at = 0;
        for (int i = 0; i < n; i++) {
            at += java.nio.ByteBuffer.wrap(frames, at, 4).getInt();
        }
        return at;
    }

    private static List<JsonNode> translate(Buffer in) {
        ResponseTranslator.StreamTranslator st = new BedrockStreamTranslator(ID, MODEL, CREATED, "bedrock");
        return Golden.events(Buffer.buffer().appendBuffer(st.onChunk(in)).appendBuffer(st.onEnd()).getBytes());
    }
}
