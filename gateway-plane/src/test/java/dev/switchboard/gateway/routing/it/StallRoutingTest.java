package dev.switchboard.gateway.routing.it;

import static dev.switchboard.gateway.routing.it.RoutingIt.KEY;
import static dev.switchboard.gateway.routing.it.RoutingIt.PRIMARY;
import static dev.switchboard.gateway.routing.it.RoutingIt.SECONDARY;
import static dev.switchboard.gateway.routing.it.RoutingIt.attempts;
import static dev.switchboard.gateway.routing.it.RoutingIt.counts;
import static dev.switchboard.gateway.routing.it.RoutingIt.primary;
import static dev.switchboard.gateway.routing.it.RoutingIt.secondary;
import static dev.switchboard.gateway.routing.it.RoutingIt.tertiary;
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
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stalled upstream: past its account's {@code first_byte_ms} (1 s here) it is a timeout and the request falls back;
 * when every target stalls, {@code request_timeout_ms} (5 s for {@code deadline}, less than the 62 s the first-byte
 * budgets would allow) bounds the whole request, which ends in a 504 in the OpenAI error shape. The stalls outlast every
 * budget, and the tests assert only what no delay of the machine can change: lower bounds on the time taken, and which
 * targets were tried in which order.
 */
@QuarkusTest
@TestProfile(RoutingItProfile.class)
class StallRoutingTest {

    /** Longer than any budget here, however late a timer fires: a stalled upstream never answers within a test. */
    private static final Duration STALL = Duration.ofSeconds(90);
    /** The accounts' first_byte_ms and the virtual model deadline's request_timeout_ms, in routing-it/gateway.yaml. */
    private static final long FIRST_BYTE_MS = 1000;
    private static final long DEADLINE_MS = 5000;
    private static final String PATIENT = "patient/gpt-4o-mini";

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

    @Test
    void aStallBeyondFirstByteMsTimesOutAndFallsBack() {
        primary().stallNext(STALL);
        String id = RoutingIt.newRequestId();
        long start = System.nanoTime();

        HttpResponseFor<ChatCompletion> raw = Gateway.sdk(v1, KEY).chat().completions().withRawResponse()
                .create(ChatCompletionCreateParams.builder().model("failover").addUserMessage("Say hello")
                        .putAdditionalHeader("x-request-id", id).build());

        long elapsed = RoutingIt.millisSince(start);
        assertEquals(200, raw.statusCode());
        assertEquals(List.of(SECONDARY), raw.headers().values("x-tfy-resolved-model"));
        assertEquals(FakeOpenAi.DEFAULT_CONTENT, raw.parse().choices().get(0).message().content().orElseThrow());
        assertTrue(elapsed >= FIRST_BYTE_MS, "served after " + elapsed + " ms, before the first-byte budget ran out");
        // a timeout is not retried: one try at the primary, then the secondary
        assertEquals(List.of(1, 1, 0), counts());
        RequestLog log = RoutingIt.logOf(logs, seen, id);
        assertEquals(List.of(PRIMARY + " -1", SECONDARY + " 200"), attempts(log));
        assertTrue(log.attempts().get(0).latencyMs() >= FIRST_BYTE_MS - 1, log.toString());
    }

    @Test
    void whenEveryTargetStallsTheRequestDeadlineBoundsTheWholeRequest() {
        primary().always(FakeOpenAi.Behaviour.stall(STALL));
        secondary().always(FakeOpenAi.Behaviour.stall(STALL));
        tertiary().always(FakeOpenAi.Behaviour.stall(STALL));
        String id = RoutingIt.newRequestId();
        long start = System.nanoTime();

        Response r = RoutingIt.post(RoutingIt.chat("deadline"), Map.of("x-request-id", id));

        long elapsed = RoutingIt.millisSince(start);
        Gateway.assertError(r, 504, "api_error", "upstream_timeout", null, null);
        assertTrue(elapsed >= DEADLINE_MS - 5, "answered after " + elapsed + " ms, before the deadline");
        RequestLog log = RoutingIt.logOf(logs, seen, id);
        assertEquals(504, log.status());
        assertEquals("upstream_timeout", log.errorCode());
        // the primary used its whole first-byte budget, the second target (a 60 s budget) what was left of the
        // deadline, and when that ran out no time was left for the third
        assertEquals(List.of(PRIMARY + " -1", PATIENT + " -1"), attempts(log));
        assertTrue(log.attempts().get(0).latencyMs() >= FIRST_BYTE_MS - 1, log.toString());
        assertEquals(1, primary().requestCount());
        assertEquals(1, secondary().requestCount());
        assertEquals(0, tertiary().requestCount(), "the deadline, not the first-byte budgets, ended the request");
    }
}
