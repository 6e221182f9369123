package dev.switchboard.gateway.provider.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.provider.Golden;
import dev.switchboard.gateway.provider.ResponseTranslator;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Golden files of Azure OpenAI's answers as OpenAI callers get them (src/test/resources/golden/azure). */
class AzureGoldenTest {

    private static final Golden GOLDEN = new Golden("azure");
    private static final ResponseTranslator TRANSLATOR = AzureResponses.TRANSLATOR;

    /** The endpoints a target on Azure is tried for; the others are skipped before any call (EndpointSupport). */
    @Test
    void servesChatEmbeddingsResponsesAndAudioUploadsOnly() {
        AzureOpenAiAdapter adapter = new AzureOpenAiAdapter(null);
        for (Endpoint e : Endpoint.values()) {
            boolean expected = e == Endpoint.CHAT_COMPLETIONS || e == Endpoint.EMBEDDINGS || e == Endpoint.MESSAGES
                    || e == Endpoint.RESPONSES || e == Endpoint.AUDIO_TRANSCRIPTIONS
                    || e == Endpoint.AUDIO_TRANSLATIONS;
            assertTrue(adapter.serves(e) == expected, e + " served: " + adapter.serves(e));
        }
        assertFalse(adapter.serves(Endpoint.RERANK));
    }

    @Test
    void aPlainAnswerPassesAsItCame() {
        Buffer body = Buffer.buffer(GOLDEN.bytes("text.azure-response.json"));
        assertEquals(200, TRANSLATOR.status(200, body));
        assertSame(body, TRANSLATOR.body(200, body));
    }

    @Test
    void anAnswerCutByTheContentFilterIsA400ContentFilterError() {
        Buffer body = Buffer.buffer(GOLDEN.bytes("answer-filtered.azure-response.json"));
        int status = TRANSLATOR.status(200, body);
        assertEquals(400, status);
        assertEquals(GOLDEN.json("answer-filtered.openai-error.json"), Golden.tree(TRANSLATOR.body(status, body)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"prompt-filtered:400", "rate-limited:429", "deployment-not-found:404"})
    void azureErrorsBecomeOpenAiErrors(String nameAndStatus) {
        String name = nameAndStatus.split(":")[0];
        int status = Integer.parseInt(nameAndStatus.split(":")[1]);
        Buffer body = Buffer.buffer(GOLDEN.bytes(name + ".azure-error.json"));
        assertEquals(status, TRANSLATOR.status(status, body));
        assertEquals(GOLDEN.json(name + ".openai-error.json"), Golden.tree(TRANSLATOR.body(status, body)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "filtered"})
    void streamsPassEventByEventUntilTheContentFilterCutsThem(String name) {
        var expected = Golden.events(GOLDEN.bytes(name + ".openai-stream.sse"));
        for (var actual : Golden.translateWholeAndByteByByte(TRANSLATOR::stream, GOLDEN.bytes(name + ".azure-stream.sse"))) {
            assertEquals(expected, actual);
        }
    }
}
