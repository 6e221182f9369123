package dev.switchboard.gateway.provider.anthropic.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.pipeline.LlmRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;

/**
 * An Anthropic {@code POST /v1/messages} body as the gateway reads it ({@link LlmRequest#parse}), translates it for an
 * OpenAI-compatible target ({@link AnthropicToOpenAi}) and estimates its tokens ({@link TokenEstimate}, for
 * {@code count_tokens}). Whatever the bytes, the only exceptions are the 400s the endpoint answers in Anthropic's shape
 * ({@link GatewayError} and {@link AnthropicInboundError}); a translated request is always one the chat endpoint
 * accepts, so a caller's mistake is never blamed on the gateway's own translation. Seeds: {@code MessagesFuzzTestInputs/}.
 */
@Tag("fuzz")
class MessagesFuzzTest {

    @FuzzTest(maxDuration = "15s")
    @DictionaryFile(resourcePath = "/dev/switchboard/gateway/fuzz/openai.dict")
    void messagesBody(byte[] body) {
        LlmRequest request;
        try {
            request = LlmRequest.parse(Endpoint.MESSAGES, body);
        } catch (GatewayError refused) {
            assertEquals(400, refused.status());
            return;
        }
        try {
            assertTrue(TokenEstimate.inputTokens(body) >= 0);
        } catch (AnthropicInboundError refused) {
            assertEquals(400, refused.status());
        }
        byte[] chat;
        try {
            chat = AnthropicToOpenAi.request(body, "gpt-target").toString().getBytes(StandardCharsets.UTF_8);
        } catch (AnthropicInboundError refused) {
            assertEquals(400, refused.status());
            return;
        }
        LlmRequest translated = LlmRequest.parse(Endpoint.CHAT_COMPLETIONS, chat);
        assertEquals("gpt-target", translated.model());
        assertEquals(request.stream(), translated.stream());
    }
}
