package dev.switchboard.gateway.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.pipeline.LlmRequest;
import org.junit.jupiter.api.Tag;

/**
 * An OpenAI {@code POST /v1/chat/completions} body, as the gateway reads it and as each adapter rewrites it: parsed once
 * ({@link LlmRequest#parse}), forwarded with only the model changed (OpenAI-compatible targets) or without it
 * (Databricks), or translated to an Anthropic Messages request. Whatever the bytes, the only exception is a
 * {@link GatewayError} (a 400 in the OpenAI shape), and a rewritten body reads back as the same request.
 * Seeds: {@code ChatCompletionsFuzzTestInputs/}; fuzzing: docs/testing.md.
 */
@Tag("fuzz")
class ChatCompletionsFuzzTest {

    @FuzzTest(maxDuration = "15s")
    @DictionaryFile(resourcePath = "/dev/switchboard/gateway/fuzz/openai.dict")
    void chatCompletionsBody(byte[] body) {
        LlmRequest request;
        try {
            request = LlmRequest.parse(Endpoint.CHAT_COMPLETIONS, body);
        } catch (GatewayError refused) {
            assertEquals(400, refused.status());
            return;
        }
        LlmRequest renamed = LlmRequest.parse(Endpoint.CHAT_COMPLETIONS,
                request.bodyWithModel("provider-model-id").getBytes());
        assertEquals("provider-model-id", renamed.model());
        assertEquals(request.stream(), renamed.stream());
        assertEquals(request.maxTokens(), renamed.maxTokens());
        // the body left for a Databricks target (whose URL names the model) has no model member at all
        GatewayError withoutModel = assertThrows(GatewayError.class,
                () -> LlmRequest.parse(null, request.bodyWithoutModel().getBytes()));
        assertEquals("you must provide a model parameter.", withoutModel.getMessage());
        try {
            AnthropicRequests.toMessagesRequest(body, "claude-target", 4096);
        } catch (GatewayError refused) {
            assertEquals(400, refused.status());
        }
    }
}
