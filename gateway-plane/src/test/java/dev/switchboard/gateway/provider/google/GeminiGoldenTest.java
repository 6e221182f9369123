package dev.switchboard.gateway.provider.google;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.Golden;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden files of the Gemini translation (src/test/resources/golden/gemini): what goes in, and what must come out,
 * compared as JSON (key order and spacing do not matter, every value does).
 */
class GeminiGoldenTest {

    private static final Golden GOLDEN = new Golden("gemini");
    private static final long CREATED = 1795636800L;

    @ParameterizedTest
    @ValueSource(strings = {"chat-basic", "tools-roundtrip"})
    void requestTranslation(String name) {
        assertEquals(GOLDEN.json(name + ".gemini-request.json"),
                GeminiRequests.toGenerateContent(GOLDEN.bytes(name + ".openai-request.json")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "function-call", "max-tokens"})
    void answerTranslation(String name) {
        Buffer out = GeminiResponses.completion(GeminiResponses.parse(Buffer.buffer(GOLDEN.bytes(name + ".gemini-response.json"))),
                "gemini-2.5-flash", CREATED);
        assertEquals(GOLDEN.json(name + ".openai-response.json"), Golden.tree(out));
    }

    @ParameterizedTest
    @ValueSource(strings = {"prompt-blocked", "safety-stop"})
    void safetyBlocksAreContentFilterErrors(String name) {
        Buffer body = Buffer.buffer(GOLDEN.bytes(name + ".gemini-response.json"));
        // through the adapter's translator: a 200 that is a refusal becomes a 400
        var chat = chatTranslator();
        int status = chat.status(200, body);
        assertEquals(400, status);
        assertEquals(GOLDEN.json(name + ".openai-error.json"), Golden.tree(chat.body(status, body)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rate-limited:429", "bad-request:400"})
    void googleErrorsBecomeOpenAiErrors(String nameAndStatus) {
        String name = nameAndStatus.split(":")[0];
        int status = Integer.parseInt(nameAndStatus.split(":")[1]);
        Buffer out = GeminiResponses.errorBody(status, Buffer.buffer(GOLDEN.bytes(name + ".gemini-error.json")));
        assertEquals(GOLDEN.json(name + ".openai-error.json"), Golden.tree(out));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "function-call", "safety", "cut"})
    void streamTranslationEventByEventWholeAndSplitAtEveryByte(String name) {
        var expected = Golden.events(GOLDEN.bytes(name + ".openai-stream.sse"));
        for (var actual : Golden.translateWholeAndByteByByte(
                () -> new GeminiStreamTranslator("gemini-2.5-flash", CREATED), GOLDEN.bytes(name + ".gemini-stream.sse"))) {
            assertEquals(expected, actual);
        }
    }

    @Test
    void embeddingsGoToBatchEmbedContentsAndVertexPredict() {
        var ask = GeminiEmbeddings.read(GOLDEN.bytes("embeddings-batch.openai-request.json"));
        assertEquals(GOLDEN.json("embeddings-batch.gemini-request.json"),
                GeminiEmbeddings.geminiRequest(ask, "gemini-embedding-001"));
        assertEquals(GOLDEN.json("embeddings-batch.vertex-request.json"), GeminiEmbeddings.vertexRequest(ask));
        assertEquals(GOLDEN.json("embeddings-batch.openai-response.json"), Golden.tree(GeminiEmbeddings.response(
                Buffer.buffer(GOLDEN.bytes("embeddings-batch.gemini-response.json")), ask, "gemini-embedding-001")));
        assertEquals(GOLDEN.json("embeddings-batch.vertex-openai-response.json"), Golden.tree(GeminiEmbeddings.response(
                Buffer.buffer(GOLDEN.bytes("embeddings-batch.vertex-response.json")), ask, "gemini-embedding-001")));
    }

    @Test
    void oneInputGoesToEmbedContentAndBase64IsLittleEndianFloat32() {
        var ask = GeminiEmbeddings.read("{\"model\":\"m\",\"input\":\"hi\",\"encoding_format\":\"base64\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(Golden.tree("{\"content\":{\"parts\":[{\"text\":\"hi\"}]}}"), GeminiEmbeddings.geminiRequest(ask, "m"));
        Buffer out = GeminiEmbeddings.response(Buffer.buffer("{\"embedding\":{\"values\":[1.0,-2.5]}}"), ask, "m");
        byte[] bytes = Base64.getDecoder().decode(Golden.tree(out).path("data").path(0).path("embedding").asText());
        var floats = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(List.of(1.0f, -2.5f), List.of(floats.getFloat(), floats.getFloat()));
    }

    @Test
    void aToolMessageWithoutItsCallIsA400NamingTheField() {
        GatewayError e = assertThrows(GatewayError.class, () -> GeminiRequests.toGenerateContent(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"tool\",\"tool_call_id\":\"nope\",\"content\":\"1\"}]}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, e.status());
        assertEquals("messages[1].tool_call_id", Golden.tree(e.toJson()).path("error").path("param").asText());
    }

    @Test
    void unknownRoleAndNonFunctionToolsAre400s() {
        GatewayError role = assertThrows(GatewayError.class, () -> GeminiRequests.toGenerateContent(
                "{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("messages[0].role", Golden.tree(role.toJson()).path("error").path("param").asText());
        GatewayError tool = assertThrows(GatewayError.class, () -> GeminiRequests.toGenerateContent(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"custom\",\"custom\":{}}]}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals("tools[0].type", Golden.tree(tool.toJson()).path("error").path("param").asText());
    }

    @Test
    void tokenArraysCannotBeEmbedded() {
        GatewayError e = assertThrows(GatewayError.class, () -> GeminiEmbeddings.read(
                "{\"model\":\"m\",\"input\":[[1,2,3]]}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("input[0]", Golden.tree(e.toJson()).path("error").path("param").asText());
    }

    private static dev.switchboard.gateway.provider.ResponseTranslator chatTranslator() {
        return GeminiAdapter.chatTranslatorFor("gemini-2.5-flash", CREATED);
    }
}
