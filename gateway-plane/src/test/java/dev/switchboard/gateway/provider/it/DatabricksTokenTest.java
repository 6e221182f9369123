package dev.switchboard.gateway.provider.it;

import static dev.switchboard.gateway.provider.it.ProviderItResource.CHAT_ENDPOINT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.testsupport.fakes.FakeDatabricks;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Databricks credentials as the gateway handles them: service-principal tokens fetched once under concurrency, cached,
 * refreshed before they lapse, re-fetched once when the workspace refuses one; personal access tokens used as they
 * are. Each case uses its own account (its own service principal), so each starts with an empty token cache.
 */
@QuarkusTest
@TestProfile(ProviderItProfile.class)
class DatabricksTokenTest {

    @TestHTTPResource("/v1")
    URL v1;

    FakeDatabricks workspace;
    OpenAIClient client;

    @BeforeEach
    void reset() {
        workspace = ProviderItResource.databricks;
        workspace.reset();
        client = ProviderIt.sdk(v1);
    }

    @AfterEach
    void remember() {
        ProviderIt.rememberIssuedTokens(workspace);
        workspace.reset();
    }

    private static ChatCompletionCreateParams hi(String account) {
        return ChatCompletionCreateParams.builder().model(account + "/" + CHAT_ENDPOINT).addUserMessage("Hi").build();
    }

    private List<RecordedRequest> tokenCalls() {
        return workspace.requests().stream().filter(r -> r.path().equals(FakeDatabricks.TOKEN_PATH)).toList();
    }

    private List<RecordedRequest> invocations() {
        return workspace.requests().stream().filter(r -> r.path().endsWith("/invocations")).toList();
    }

    private static String bearer(RecordedRequest r) {
        return r.header("authorization").substring("Bearer ".length());
    }

    @Test
    void fiftyConcurrentRequestsMakeExactlyOneTokenCall() throws Exception {
        // a slow token endpoint: all fifty requests arrive while the one token call is still open
        workspace.setTokenDelay(Duration.ofMillis(1500));
        int n = 50;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit((Callable<String>) () -> {
                    go.await();
                    return client.chat().completions().create(hi("dbx-burst")).choices().get(0).message().content()
                            .orElseThrow();
                }));
            }
            go.countDown();
            for (Future<String> answer : answers) {
                assertEquals(FakeDatabricks.DEFAULT_CONTENT, answer.get(20, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(1, workspace.tokenCalls(), "single flight: one token call for fifty requests");
        RecordedRequest tokenCall = tokenCalls().get(0);
        assertEquals("POST", tokenCall.method());
        assertEquals("grant_type=client_credentials&scope=all-apis", tokenCall.bodyAsString());
        assertEquals("Basic " + Base64.getEncoder().encodeToString((ProviderItResource.SP_BURST_ID + ":"
                + ProviderItResource.SP_BURST_SECRET).getBytes(StandardCharsets.UTF_8)), tokenCall.header("authorization"));
        List<RecordedRequest> calls = invocations();
        assertEquals(n, calls.size());
        Set<String> tokens = new HashSet<>();
        calls.forEach(c -> tokens.add(bearer(c)));
        assertEquals(1, tokens.size(), "all fifty carried the one issued token");
        assertTrue(tokenCall.receivedAt().isBefore(calls.get(0).receivedAt()), "no invocation before the token");

        // and the token stays cached
        client.chat().completions().create(hi("dbx-burst"));
        assertEquals(1, workspace.tokenCalls());
    }

    @Test
    void tokenNearExpiryIsRefreshedBeforeItLapses() throws Exception {
        // issued tokens live 64 s; the gateway refreshes 60 s before expiry, so it may use one for 4 s only
        workspace.setTokenLifetime(Duration.ofSeconds(64));
        client.chat().completions().create(hi("dbx-expiry"));
        long fetchedAt = System.nanoTime();
        client.chat().completions().create(hi("dbx-expiry"));
        assertEquals(1, workspace.tokenCalls(), "a fresh token is reused");
        String first = bearer(invocations().get(0));
        assertEquals(first, bearer(invocations().get(1)));

        long wait = Duration.ofMillis(4300).toNanos() - (System.nanoTime() - fetchedAt);
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000 + 1);
        }
        client.chat().completions().create(hi("dbx-expiry"));

        assertEquals(2, workspace.tokenCalls(), "the token is refreshed ahead of its expiry");
        String second = bearer(invocations().get(2));
        assertNotEquals(first, second);
        // the old token had not lapsed yet: the workspace still accepts it (a refresh ahead of time, not a recovery)
        assertEquals(200, invokeDirectly(first));
    }

    @Test
    void staleTokenIsRecoveredByOneRefetchInvisibleToTheCaller() {
        client.chat().completions().create(hi("dbx-stale"));
        List<RecordedRequest> before = invocations();
        String stale = bearer(before.get(before.size() - 1));
        workspace.reset();
        workspace.revokeIssuedTokens();

        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(hi("dbx-stale"));

        assertEquals(200, raw.statusCode());
        assertEquals(FakeDatabricks.DEFAULT_CONTENT, raw.parse().choices().get(0).message().content().orElseThrow());
        assertEquals(1, workspace.tokenCalls(), "one re-fetch");
        List<RecordedRequest> calls = invocations();
        assertEquals(2, calls.size(), "the refused call and its one retry");
        assertEquals(stale, bearer(calls.get(0)), "the cached token was tried first");
        assertNotEquals(stale, bearer(calls.get(1)), "the retry carried the new token");

        // the new token is cached: no further token call
        client.chat().completions().create(hi("dbx-stale"));
        assertEquals(1, workspace.tokenCalls());
    }

    @Test
    void aSecond401IsNotRetriedAgain() {
        client.chat().completions().create(hi("dbx-stale"));
        workspace.reset();
        workspace.next(2, FakeDatabricks.Behaviour.fail(401, "UNAUTHENTICATED", "Invalid access token."));

        UnauthorizedException e = assertThrows(UnauthorizedException.class,
                () -> client.chat().completions().create(hi("dbx-stale")));

        assertEquals(401, e.statusCode());
        assertEquals("authentication_error", e.type().orElseThrow());
        assertEquals("UNAUTHENTICATED", e.code().orElseThrow());
        assertEquals(2, invocations().size(), "one retry, no loop");
        assertEquals(1, workspace.tokenCalls());
    }

    @Test
    void personalAccessTokenIsSentAsItIs() {
        ChatCompletion completion = client.chat().completions().create(hi("dbx-pat"));

        assertEquals(FakeDatabricks.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        assertEquals(0, workspace.tokenCalls(), "a PAT needs no token call");
        RecordedRequest call = invocations().get(0);
        assertEquals("Bearer " + ProviderItResource.PAT, call.header("authorization"));
        assertEquals("/serving-endpoints/" + CHAT_ENDPOINT + "/invocations", call.path());
        assertTrue(!call.bodyJson().has("model"));

        // a refused PAT cannot be renewed: the 401 reaches the caller after one try
        workspace.failNext(401, "UNAUTHENTICATED", "Invalid access token.");
        assertEquals(401, assertThrows(UnauthorizedException.class,
                () -> client.chat().completions().create(hi("dbx-pat"))).statusCode());
        assertEquals(2, invocations().size());
        assertEquals(0, workspace.tokenCalls());
    }

    @Test
    void refusedClientSecretIsA502WithoutTheSecret() {
        ProviderIt.Raw raw = ProviderIt.post(v1, "/chat/completions",
                "{\"model\":\"dbx-wrong-secret/" + CHAT_ENDPOINT + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertEquals(502, raw.status(), raw.body());
        assertEquals(Gateway.parse("""
                {"error":{"message":"The upstream of 'dbx-wrong-secret/llama-chat' failed: its credentials could not be obtained.",
                 "type":"api_error","param":null,"code":"upstream_error"}}"""), Gateway.parse(raw.body()));
        assertEquals(1, workspace.tokenCalls());
        assertEquals(0, invocations().size(), "no serving call without a token");
        ProviderIt.assertNoSecret("the 502", raw.everything(), ProviderItResource.SECRETS);
    }

    /** Calls the chat endpoint of the workspace directly with {@code token}; returns the status. */
    private int invokeDirectly(String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(workspace.invocationsUrl(CHAT_ENDPOINT)))
                .header("authorization", "Bearer " + token).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
