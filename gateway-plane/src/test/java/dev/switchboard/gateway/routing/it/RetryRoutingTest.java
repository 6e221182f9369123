package dev.switchboard.gateway.routing.it;

import static dev.switchboard.gateway.routing.it.RoutingIt.KEY;
import static dev.switchboard.gateway.routing.it.RoutingIt.PRIMARY;
import static dev.switchboard.gateway.routing.it.RoutingIt.SECONDARY;
import static dev.switchboard.gateway.routing.it.RoutingIt.attempts;
import static dev.switchboard.gateway.routing.it.RoutingIt.counts;
import static dev.switchboard.gateway.routing.it.RoutingIt.primary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.gateway.routing.RoutingStats;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries on a 429 wait as long as the upstream's {@code Retry-After} asks, up to {@code max_retry_after_ms}; once the
 * retries are spent, the 429 (a fallback status) moves the request on to the next target.
 */
@QuarkusTest
@TestProfile(RoutingItProfile.class)
class RetryRoutingTest {

    @TestHTTPResource("/v1")
    URL v1;

    @Inject
    RoutingStats stats;

    @Inject
    RowQueue<RequestLog> logs;

    private final List<RequestLog> seen = new ArrayList<>();

    @BeforeEach
    void isolate() {
        RoutingIt.reset(stats, logs);
    }

    private HttpResponseFor<ChatCompletion> sdkChat(String model, String requestId) {
        return Gateway.sdk(v1, KEY).chat().completions().withRawResponse().create(ChatCompletionCreateParams.builder()
                .model(model).addUserMessage("Say hello").putAdditionalHeader("x-request-id", requestId).build());
    }

    @Test
    void retryAfterIsHonouredAndThePrimaryServesTheRetry() {
        primary().rateLimitNext(1);
        String id = RoutingIt.newRequestId();
        long start = System.nanoTime();

        HttpResponseFor<ChatCompletion> raw = sdkChat("retry-after", id);

        long elapsed = RoutingIt.millisSince(start);
        assertEquals(200, raw.statusCode());
        assertEquals(List.of(PRIMARY), raw.headers().values("x-tfy-resolved-model"));
        assertEquals(FakeOpenAi.DEFAULT_CONTENT, raw.parse().choices().get(0).message().content().orElseThrow());
        assertEquals(List.of(2, 0, 0), counts());
        // Retry-After: 1 replaces the configured delay of 50 ms
        RoutingIt.assertGapsAtLeast(primary(), 1000);
        assertTrue(elapsed >= 1000, "served after " + elapsed + " ms");
        assertTrue(elapsed < 3000, "served after " + elapsed + " ms");
        assertEquals(List.of(PRIMARY + " 429", PRIMARY + " 200"), attempts(RoutingIt.logOf(logs, seen, id)));
    }

    @Test
    void retryAfterIsCappedByMaxRetryAfterMs() {
        primary().rateLimitNext(30);
        String id = RoutingIt.newRequestId();
        long start = System.nanoTime();

        HttpResponseFor<ChatCompletion> raw = sdkChat("retry-after-capped", id);

        long elapsed = RoutingIt.millisSince(start);
        assertEquals(200, raw.statusCode());
        assertEquals(List.of(PRIMARY), raw.headers().values("x-tfy-resolved-model"));
        assertEquals(List.of(2, 0, 0), counts());
        // Retry-After: 30 asked for 30 s; max_retry_after_ms: 200 allows 200 ms
        long gap = RoutingIt.gapMillis(primary().requests().get(0), primary().requests().get(1));
        assertTrue(gap >= 200 && gap < 1500, "the retry came " + gap + " ms after the 429");
        assertTrue(elapsed < 2000, "served after " + elapsed + " ms");
        assertEquals(List.of(PRIMARY + " 429", PRIMARY + " 200"), attempts(RoutingIt.logOf(logs, seen, id)));
    }

    @Test
    void a429AfterTheRetriesAreSpentFallsBack() {
        primary().next(2, FakeOpenAi.Behaviour.rateLimit(0));
        String id = RoutingIt.newRequestId();

        HttpResponseFor<ChatCompletion> raw = sdkChat("retry-after", id);

        assertEquals(200, raw.statusCode());
        assertEquals(List.of(SECONDARY), raw.headers().values("x-tfy-resolved-model"));
        // attempts: 1 retry, then the fallback
        assertEquals(List.of(2, 1, 0), counts());
        assertEquals(List.of(PRIMARY + " 429", PRIMARY + " 429", SECONDARY + " 200"),
                attempts(RoutingIt.logOf(logs, seen, id)));
    }
}
