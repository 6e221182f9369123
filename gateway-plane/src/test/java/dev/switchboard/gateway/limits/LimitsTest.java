package dev.switchboard.gateway.limits;

import static dev.switchboard.gateway.limits.LimitsProfile.ALICE_KEY;
import static dev.switchboard.gateway.limits.LimitsProfile.CAROL_KEY;
import static dev.switchboard.gateway.limits.LimitsProfile.DAVE_KEY;
import static dev.switchboard.gateway.limits.LimitsProfile.ERIN_KEY;
import static dev.switchboard.gateway.limits.LimitsProfile.FRANK_KEY;
import static dev.switchboard.gateway.limits.LimitsProfile.GINA_KEY;
import static dev.switchboard.gateway.limits.LimitsProfile.OPS_KEY;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.RateLimitException;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.testsupport.fakes.StreamGate;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rate limits and budgets as a caller meets them: OpenAI's and Anthropic's 429s and headers, through their SDKs. */
@QuarkusTest
@TestProfile(LimitsProfile.class)
class LimitsTest {

    private static final String CHAT = "{\"model\":\"%s\",\"max_tokens\":%d,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TestHTTPResource("/v1")
    URL gateway;

    @Inject
    ShiftedClock clock;

    @Inject
    RowQueue<RequestLog> logs;

    private final List<RequestLog> seen = new ArrayList<>();

    @BeforeEach
    void reset() {
        LimitsProfile.openAi.reset();
        logs.drain(Integer.MAX_VALUE);
    }

    /** Moves the clock forward to {@code seconds} into the next minute: every test gets fresh minute windows. */
    private void standAt(double seconds) {
        Instant nextMinute = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        clock.set(nextMinute.plusMillis((long) (seconds * 1000)));
    }

    private static Response chat(String key, String model, int maxTokens) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body(CHAT.formatted(model, maxTokens)).post("/v1/chat/completions");
    }

    @Test
    void theThirdRequestInAMinuteIs429WithOpenAisHeadersAndNeverReachesTheProvider() {
        standAt(10);
        chat(ALICE_KEY, "fake/gpt-4o-mini", 10).then().statusCode(200)
                .header("x-ratelimit-limit-requests", "2").header("x-ratelimit-remaining-requests", "1")
                .header("x-ratelimit-reset-requests", containsString("s"));
        chat(ALICE_KEY, "fake/gpt-4o-mini", 10).then().statusCode(200).header("x-ratelimit-remaining-requests", "0");
        Response third = chat(ALICE_KEY, "fake/gpt-4o-mini", 10);
        int retryAfter = Integer.parseInt(third.header("retry-after"));
        assertTrue(retryAfter > 30 && retryAfter <= 50, "Retry-After: the seconds left in the minute, " + retryAfter);
        third.then().statusCode(429)
                .header("x-ratelimit-remaining-requests", "0")
                .body("error.type", equalTo("requests"))
                .body("error.code", equalTo("rate_limit_exceeded"))
                .body("error.message", containsString("Rate limit 'alice-rpm' reached: 2 requests per minute"));
        assertEquals(2, LimitsProfile.openAi.requestCount(), "a refused request never reaches the provider");

        RequestLog refused = Gateway.awaitLog(logs, seen, l -> l.status() == 429);
        assertEquals("alice-rpm", refused.limitRule());
        assertEquals("rate_limit_exceeded", refused.errorCode());
        assertTrue(refused.attempts().isEmpty(), "no target was tried, none fell back");
    }

    @Test
    void theOpenAiSdkWaitsForRetryAfterAndThenSucceeds() throws Exception {
        OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(gateway.toString().replace("localhost", "127.0.0.1"))
                .apiKey(ERIN_KEY).maxRetries(2).timeout(Duration.ofSeconds(30)).build();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("fake/gpt-4o-mini")
                .addUserMessage("hi").build();
        // The clock stands still 3 s before a minute's end, however long the machine takes: one request per minute, so
        // the second is refused with Retry-After: 3. Once the refusal is logged the clock moves to the next minute,
        // and the SDK's try after its 3 s wait gets through (should the move come later, its second try does).
        Instant nextMinute = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        clock.stopAt(nextMinute.minusSeconds(3));
        sdk.chat().completions().create(params);
        long start = System.nanoTime();
        CompletableFuture<ChatCompletion> second = CompletableFuture.supplyAsync(
                () -> sdk.chat().completions().create(params));
        RequestLog refused = Gateway.awaitLog(logs, seen, l -> l.status() == 429);
        clock.stopAt(nextMinute);
        ChatCompletion answer = second.get(60, TimeUnit.SECONDS);
        long waitedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals("erin-rpm", refused.limitRule());
        assertEquals("Hello from fake-openai", answer.choices().get(0).message().content().orElseThrow());
        assertTrue(waitedMs >= 2_900, "the SDK retried after Retry-After (3 s), not at once: waited " + waitedMs + " ms");
        assertEquals(2, LimitsProfile.openAi.requestCount(), "the refused try never reached the provider");
    }

    @Test
    void onTheMessagesEndpointTheRefusalIsAnthropics() {
        standAt(20);
        chat(ALICE_KEY, "fake/gpt-4o-mini", 10);
        chat(ALICE_KEY, "fake/gpt-4o-mini", 10);
        given().header("x-api-key", ALICE_KEY).header("anthropic-version", "2023-06-01").contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/messages").then().statusCode(429)
                .header("retry-after", org.hamcrest.Matchers.notNullValue())
                .header("anthropic-ratelimit-requests-limit", "2")
                .header("anthropic-ratelimit-requests-remaining", "0")
                .header("anthropic-ratelimit-requests-reset", containsString("Z"))
                .body("type", equalTo("error"))
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.message", containsString("alice-rpm"));

        AnthropicClient anthropic = AnthropicOkHttpClient.builder()
                .baseUrl(gateway.toString().replace("localhost", "127.0.0.1").replaceAll("/v1$", ""))
                .apiKey(ALICE_KEY).maxRetries(0).build();
        RateLimitException e = assertThrows(RateLimitException.class, () -> anthropic.messages().create(
                MessageCreateParams.builder().model("fake/gpt-4o-mini").maxTokens(10).addUserMessage("hi").build()));
        assertTrue(e.getMessage().contains("alice-rpm"), e.getMessage());
    }

    @Test
    void aBudgetRefusesOnceItIsSpentButNotTheModelsItDoesNotCover() {
        LimitsProfile.openAi.setUsage(1000, 500); // 0.001 + 0.001 USD: the first call spends the whole budget
        chat(CAROL_KEY, "fake/gpt-4o-mini", 100).then().statusCode(200);
        chat(CAROL_KEY, "fake/gpt-4o-mini", 100).then().statusCode(429)
                .header("retry-after", org.hamcrest.Matchers.notNullValue())
                .body("error.type", equalTo("insufficient_quota"))
                .body("error.code", equalTo("budget_exceeded"))
                .body("error.message", containsString("Budget 'carol-daily' (0.001 USD per day) has no room left"));
        chat(CAROL_KEY, "fake/gpt-4o", 100).then().statusCode(200);

        RequestLog spent = Gateway.awaitLog(logs, seen, l -> l.status() == 200
                && "fake/gpt-4o-mini".equals(l.requestedModel()) && l.subject().equals("user:carol"));
        assertEquals(List.of("budget|carol-daily|day|user:carol"), spent.limitKeys());
    }

    /**
     * A model priced per image: the budget reserves the images asked for ({@code n}) and settles to the images the
     * answer holds. Of a 0.10 USD budget at 0.04 USD an image, three asked for are refused before any provider call;
     * two asked for and one answered spend 0.04, which leaves room for one more, and then none.
     */
    @Test
    void aBudgetReservesTheImagesAskedForAndSettlesToTheImagesAnswered() {
        String oneImage = "{\"created\":1733000000,\"data\":[{\"url\":\"https://images.example.com/1.png\"}]}";
        images(3).then().statusCode(429).body("error.code", equalTo("budget_exceeded"));
        assertEquals(0, LimitsProfile.openAi.requestCount(), "refused before any provider call");

        LimitsProfile.openAi.respondWith(200, "application/json", oneImage.getBytes(StandardCharsets.UTF_8));
        images(2).then().statusCode(200);
        RequestLog first = Gateway.awaitLog(logs, seen, l -> l.subject().equals("user:gina") && l.status() == 200);
        assertEquals(0.04, first.costUsd(), 1e-12);
        assertEquals(List.of("budget|gina-daily|day|user:gina"), first.limitKeys());

        LimitsProfile.openAi.respondWith(200, "application/json", oneImage.getBytes(StandardCharsets.UTF_8));
        images(1).then().statusCode(200);
        // its log is queued once its cost is settled
        Gateway.awaitLog(logs, seen, l -> l.subject().equals("user:gina") && l.status() == 200);
        images(1).then().statusCode(429).body("error.code", equalTo("budget_exceeded"));
        assertEquals(2, LimitsProfile.openAi.requestCount());
    }

    private static Response images(int n) {
        return given().header("Authorization", "Bearer " + GINA_KEY).contentType("application/json")
                .body("{\"model\":\"fake/dall-e-3\",\"prompt\":\"a red fox\",\"n\":" + n + "}")
                .post("/v1/images/generations");
    }

    @Test
    void aTeamsOwnKeyIsLimitedLikeAnyOther() {
        standAt(30);
        chat(OPS_KEY, "fake/gpt-4o", 10).then().statusCode(200).header("x-ratelimit-limit-requests", "1");
        chat(OPS_KEY, "fake/gpt-4o", 10).then().statusCode(429)
                .body("error.message", containsString("Rate limit 'ops-key-rpm' reached"));
    }

    @Test
    void eachMetadataValueGetsItsOwnCounterAndLeavingItOutDoesNotEscape() {
        standAt(5);
        daveFor("{\"customer_id\":\"acme\"}").then().statusCode(200);
        daveFor("{\"customer_id\":\"acme\"}").then().statusCode(429);
        daveFor("{\"customer_id\":\"globex\"}").then().statusCode(200);
        daveFor(null).then().statusCode(200);
        daveFor(null).then().statusCode(429);
    }

    private static Response daveFor(String metadata) {
        var request = given().header("Authorization", "Bearer " + DAVE_KEY).contentType("application/json")
                .body(CHAT.formatted("fake/gpt-4o", 10));
        if (metadata != null) {
            request.header("x-tfy-metadata", metadata);
        }
        return request.post("/v1/chat/completions");
    }

    @Test
    void fiftyConcurrentStreamsCannotSpendPastTheBudget() throws Exception {
        // each call reserves ~0.00404 USD (2,000 output tokens at 2 USD per 1M) and spends 0.00401: at most 4 fit in 0.02
        LimitsProfile.openAi.setUsage(10, 2000);
        List<StreamGate> gates = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            gates.add(LimitsProfile.openAi.holdStreamAfterFirstChunk());
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = "{\"model\":\"fake/gpt-4o-mini\",\"max_tokens\":2000,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        AtomicInteger refused = new AtomicInteger();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(gateway.toString().replace("localhost", "127.0.0.1")
                                    + "/chat/completions")).header("authorization", "Bearer " + FRANK_KEY)
                            .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> {
                        if (r != null && r.statusCode() == 429) {
                            refused.incrementAndGet();
                        }
                    }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (refused.get() + LimitsProfile.openAi.requestCount() < 50 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        int admitted = LimitsProfile.openAi.requestCount();
        gates.forEach(StreamGate::release);
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> r = call.get(20, TimeUnit.SECONDS);
            assertTrue(r.statusCode() == 200 || r.statusCode() == 429, "status " + r.statusCode());
            if (r.statusCode() == 429) {
                assertTrue(r.body().contains("budget_exceeded"), r.body());
            }
        }
        assertTrue(admitted >= 1 && admitted <= 4, "admitted " + admitted + " of 50 concurrent streams");
        assertEquals(50, admitted + refused.get());

        double spent = 0;
        for (int i = 0; i < admitted; i++) {
            spent += Gateway.awaitLog(logs, seen, l -> l.subject().equals("user:frank") && l.status() == 200).costUsd();
        }
        assertTrue(spent <= 0.02, "spent " + spent + " USD of a 0.02 USD budget");
        assertTrue(spent > 0, "the streams' usage was settled");
    }
}
