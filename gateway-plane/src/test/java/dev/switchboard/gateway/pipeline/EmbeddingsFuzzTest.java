package dev.switchboard.gateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import org.junit.jupiter.api.Tag;

/**
 * An OpenAI {@code POST /v1/embeddings} body as the gateway reads it and forwards it (only the model renamed):
 * whatever the bytes, the only exception is a 400 {@link GatewayError}. Seeds: {@code EmbeddingsFuzzTestInputs/}.
 */
@Tag("fuzz")
class EmbeddingsFuzzTest {

    @FuzzTest(maxDuration = "15s")
    @DictionaryFile(resourcePath = "/dev/switchboard/gateway/fuzz/openai.dict")
    void embeddingsBody(byte[] body) {
        LlmRequest request;
        try {
            request = LlmRequest.parse(Endpoint.EMBEDDINGS, body);
        } catch (GatewayError refused) {
            assertEquals(400, refused.status());
            return;
        }
        LlmRequest renamed = LlmRequest.parse(Endpoint.EMBEDDINGS, request.bodyWithModel("text-embedding-3-small")
                .getBytes());
        assertEquals("text-embedding-3-small", renamed.model());
    }
}
