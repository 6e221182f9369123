package dev.switchboard.gateway.provider.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testsupport.fakes.FakeAzureOpenAi;
import dev.switchboard.testsupport.fakes.FakeBedrock;
import dev.switchboard.testsupport.fakes.FakeGoogle;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One virtual model across three clouds, through the official OpenAI Java SDK: Bedrock first (throttled, retried once),
 * then Azure OpenAI (unavailable, or throttled too), then Gemini, which answers. Each fake speaks its provider's wire
 * format and checks its authentication (SigV4, Azure's api-key, Gemini's API key); the caller sees one OpenAI answer.
 */
@QuarkusTest
@TestProfile(ProviderItProfile.class)
class ProviderFailoverTest {

    @TestHTTPResource("/v1")
    URL v1;

    FakeBedrock bedrock;
    FakeAzureOpenAi azure;
    FakeGoogle google;
    OpenAIClient client;

    @BeforeEach
    void reset() {
        bedrock = ProviderItResource.bedrock;
        azure = ProviderItResource.azure;
        google = ProviderItResource.google;
        bedrock.reset();
        azure.reset();
        google.reset();
        client = ProviderIt.sdk(v1);
    }

    @Test
    void aThrottledBedrockFailsOverToAzureAndOnToGemini() {
        bedrock.throttleNext(2);
        azure.next(FakeAzureOpenAi.Behaviour.fail(503, "ServiceUnavailable", "The service is temporarily unavailable."));

        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("bedrock-azure-gemini")
                        .addSystemMessage("You are terse.").addUserMessage("Say hello").build());

        assertEquals(List.of("chain-gemini/gemini-2.5-flash"), raw.headers().values("x-tfy-resolved-model"));
        ChatCompletion completion = raw.parse();
        assertEquals(FakeGoogle.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().get(0).finishReason());
        assertTrue(completion.usage().orElseThrow().totalTokens() > 0);

        assertEquals(2, bedrock.requestCount(), "Bedrock throttled twice: the try and its one retry");
        assertEquals(0, bedrock.signatureRejections());
        assertEquals(1, azure.apiRequests().size(), "Azure unavailable once, no retry configured");
        assertEquals(1, google.apiRequests().size());
        RecordedRequest gemini = google.apiRequests().get(0);
        assertEquals("/v1beta/models/gemini-2.5-flash:generateContent", gemini.path());
        assertEquals("You are terse.",
                gemini.bodyJson().get("systemInstruction").get("parts").get(0).get("text").asText());
    }

    @Test
    void aStreamFailsOverTheSameWayBeforeItsFirstByte() {
        bedrock.throttleNext(2);
        azure.next(FakeAzureOpenAi.Behaviour.rateLimit(1));

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("bedrock-azure-gemini-stream").addUserMessage("Say hello")
                        .build())) {
            chunks = stream.stream().toList();
        }

        assertEquals(FakeGoogle.DEFAULT_CONTENT, ProviderIt.content(chunks));
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), ProviderIt.finishReasons(chunks));
        assertTrue(chunks.get(chunks.size() - 1).usage().isPresent(), "a final usage chunk");
        assertEquals(2, bedrock.requestCount());
        assertTrue(bedrock.lastRequest().path().endsWith("/converse-stream"));
        assertEquals(1, azure.apiRequests().size(), "Azure throttled once, no retry configured");
        assertEquals(1, google.apiRequests().size());
        assertTrue(google.apiRequests().get(0).path().endsWith(":streamGenerateContent"));
    }
}
