package dev.switchboard.gateway;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static dev.switchboard.gateway.support.GatewayTestResource.BOB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import dev.switchboard.testsupport.fakes.StreamGate;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jakarta.inject.Inject;
import dev.switchboard.gateway.routing.RoutingStats;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway as the official OpenAI Java SDK sees it, end to end to the fake upstream. */
@QuarkusTest
class OpenAiSdkTest {

    @TestHTTPResource("/v1")
    URL v1;

    @TestHTTPResource("/api/llm")
    URL apiLlm;

    FakeOpenAi openAi;

    /** Earlier tests fail targets on purpose; each test here starts with every target healthy. */
    @Inject
    RoutingStats routingStats;

    @BeforeEach
    void resetUpstream() {
        openAi = GatewayTestResource.openAi;
        openAi.reset();
        routingStats.forget();
    }

    private static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hello").build();
    }

    @Test
    void chatCompletionReachesTheUpstreamWithItsModelIdAndTheProviderKey() {
        OpenAIClient client = Gateway.sdk(v1, ALICE_KEY);

        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
                .create(chat("fake/gpt-4o-mini"));
        ChatCompletion completion = raw.parse();

        assertEquals(200, raw.statusCode());
        assertEquals(List.of("fake/gpt-4o-mini"), raw.headers().values("x-tfy-resolved-model"));
        assertEquals(FakeOpenAi.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        assertEquals(1, openAi.requestCount());
        RecordedRequest upstream = openAi.lastRequest();
        assertEquals("/v1/chat/completions", upstream.path());
        assertEquals("gpt-4o-mini", upstream.bodyJson().get("model").asText());
        assertEquals("Bearer sk-upstream-secret-value", upstream.header("authorization"));
        assertCallerKeyNotForwarded(upstream, ALICE_KEY);
    }

    @Test
    void streamingChunksReachTheClientBeforeTheUpstreamSendsTheNextOne() {
        OpenAIClient client = Gateway.sdk(v1, ALICE_KEY);
        StreamGate gate = openAi.holdStreamAfterFirstChunk();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(chat("fake/gpt-4o-mini"))) {
            Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
            // the fake has flushed the role chunk and "Hello", and sends nothing more until the gate opens
            String first = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> firstContent(chunks),
                    "the first chunk did not reach the client while the upstream held the rest back");
            assertEquals("Hello", first);
            // the fake marks itself holding just after it flushed the first chunk, so the client may read that chunk first
            assertTrue(gate.awaitHeld(Duration.ofSeconds(5)));
            assertTrue(gate.isHolding(), "the upstream must still be holding when the client has the first chunk");

            gate.release();
            StringBuilder rest = new StringBuilder();
            chunks.forEachRemaining(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(rest::append)));
            assertEquals(" from fake-openai", rest.toString());
        } finally {
            gate.release();
        }
        RecordedRequest upstream = openAi.lastRequest();
        assertEquals("gpt-4o-mini", upstream.bodyJson().get("model").asText());
        assertTrue(upstream.bodyJson().get("stream").asBoolean());
        assertEquals("Bearer sk-upstream-secret-value", upstream.header("authorization"));
        assertCallerKeyNotForwarded(upstream, ALICE_KEY);
    }

    private static String firstContent(Iterator<ChatCompletionChunk> chunks) {
        while (chunks.hasNext()) {
            for (ChatCompletionChunk.Choice choice : chunks.next().choices()) {
                String content = choice.delta().content().orElse("");
                if (!content.isEmpty()) {
                    return content;
                }
            }
        }
        throw new AssertionError("the stream ended without content");
    }

    @Test
    void streamingWithUsageDeliversTheUsageChunkAndTheResolvedModelHeader() {
        OpenAIClient client = Gateway.sdk(v1, ALICE_KEY);
        openAi.setUsage(11, 3);
        var params = chat("assistant").toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw = client.chat().completions().withRawResponse()
                .createStreaming(params); StreamResponse<ChatCompletionChunk> stream = raw.parse()) {
            assertEquals(List.of("fake/gpt-4o-mini"), raw.headers().values("x-tfy-resolved-model"));
            List<ChatCompletionChunk> all = stream.stream().toList();
            var usage = all.get(all.size() - 1).usage().orElseThrow();
            assertEquals(11, usage.promptTokens());
            assertEquals(3, usage.completionTokens());
        }
        assertEquals("gpt-4o-mini", openAi.lastRequest().bodyJson().get("model").asText());
    }

    @Test
    void embeddingsPassThrough() {
        OpenAIClient client = Gateway.sdk(v1, ALICE_KEY);
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("fake/text-embedding-3-small").input("the quick brown fox").build());

        assertEquals(1, response.data().size());
        assertEquals(FakeOpenAi.DEFAULT_EMBEDDING_DIMENSIONS, response.data().get(0).embedding().size());
        RecordedRequest upstream = openAi.lastRequest();
        assertEquals("/v1/embeddings", upstream.path());
        assertEquals("text-embedding-3-small", upstream.bodyJson().get("model").asText());
        assertEquals("Bearer sk-upstream-secret-value", upstream.header("authorization"));
        assertCallerKeyNotForwarded(upstream, ALICE_KEY);
    }

    @Test
    void modelListShowsOnlyTheModelsTheCallerMayUse() {
        Set<String> bob = Gateway.sdk(v1, BOB_KEY).models().list().data().stream().map(Model::id)
                .collect(Collectors.toSet());
        Set<String> alice = Gateway.sdk(v1, ALICE_KEY).models().list().data().stream().map(Model::id)
                .collect(Collectors.toSet());

        assertEquals(Set.of("fake/gpt-4o-mini"), bob);
        assertEquals(Set.of("fake/gpt-4o-mini", "fake/gpt-4o", "fake/text-embedding-3-small", "unreachable/any",
                "assistant"), alice);
        assertEquals(0, openAi.requestCount(), "the model list is the gateway's own; it never asks the upstream");
    }

    @Test
    void sdkSeesAForbiddenModelAsPermissionDenied() {
        OpenAIClient client = Gateway.sdk(v1, BOB_KEY);
        PermissionDeniedException e = assertThrows(PermissionDeniedException.class,
                () -> client.chat().completions().create(chat("fake/gpt-4o")));
        assertEquals(403, e.statusCode());
        assertEquals(0, openAi.requestCount());
    }

    @Test
    void apiLlmAliasServesTheSdk() {
        OpenAIClient client = Gateway.sdk(apiLlm, BOB_KEY);

        ChatCompletion completion = client.chat().completions().create(chat("fake/gpt-4o-mini"));
        assertEquals(FakeOpenAi.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        assertEquals("gpt-4o-mini", openAi.lastRequest().bodyJson().get("model").asText());
        assertEquals(List.of("fake/gpt-4o-mini"), client.models().list().data().stream().map(Model::id).toList());

        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(chat("fake/gpt-4o-mini"))) {
            String text = stream.stream().flatMap(c -> c.choices().stream())
                    .map(ch -> ch.delta().content().orElse("")).collect(Collectors.joining());
            assertEquals("Hello from fake-openai", text);
        }
    }

    private static void assertCallerKeyNotForwarded(RecordedRequest upstream, String callerKey) {
        for (Map.Entry<String, List<String>> header : upstream.headers().entrySet()) {
            for (String value : header.getValue()) {
                assertFalse(value.contains(callerKey), "the caller's key was forwarded in " + header.getKey());
            }
        }
        assertFalse(upstream.bodyAsString().contains(callerKey));
    }
}
