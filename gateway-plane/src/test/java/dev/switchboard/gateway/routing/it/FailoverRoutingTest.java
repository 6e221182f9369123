package dev.switchboard.gateway.routing.it;

import static dev.switchboard.gateway.routing.it.RoutingIt.KEY;
import static dev.switchboard.gateway.routing.it.RoutingIt.PRIMARY;
import static dev.switchboard.gateway.routing.it.RoutingIt.SECONDARY;
import static dev.switchboard.gateway.routing.it.RoutingIt.attempts;
import static dev.switchboard.gateway.routing.it.RoutingIt.counts;
import static dev.switchboard.gateway.routing.it.RoutingIt.primary;
import static dev.switchboard.gateway.routing.it.RoutingIt.secondary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
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
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Priority failover as the official OpenAI Java SDK sees it: retries of the primary on its retry statuses (counted,
 * {@code delay_ms} apart), then the secondary; a connect error falls back at once; a status that is not a fallback
 * status (400) is the caller's answer, as the upstream gave it.
 */
@QuarkusTest
@TestProfile(RoutingItProfile.class)
class FailoverRoutingTest {

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

    private static ChatCompletionCreateParams chat(String model, String requestId) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hello")
                .putAdditionalHeader("x-request-id", requestId).build();
    }

    @Test
    void primaryAnswering503BeyondItsRetriesFailsOverToTheSecondary() {
        primary().always(FakeOpenAi.Behaviour.fail(503));
        String id = RoutingIt.newRequestId();
        OpenAIClient client = Gateway.sdk(v1, KEY);

        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(chat("failover", id));
        ChatCompletion completion = raw.parse();

        assertEquals(200, raw.statusCode());
        assertEquals(List.of(SECONDARY), raw.headers().values("x-tfy-resolved-model"));
        assertEquals(FakeOpenAi.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        // retry_config {attempts: 2, delay_ms: 150}: the first try and 2 retries, at least 150 ms apart
        assertEquals(List.of(3, 1, 0), counts());
        RoutingIt.assertGapsAtLeast(primary(), 150);
        assertEquals("gpt-4o-mini", secondary().lastRequest().bodyJson().get("model").asText());
        assertEquals("Bearer sk-upstream-secondary", secondary().lastRequest().header("authorization"));

        RequestLog log = RoutingIt.logOf(logs, seen, id);
        assertEquals("failover", log.requestedModel());
        assertEquals(SECONDARY, log.resolvedModel());
        assertEquals(200, log.status());
        assertNull(log.errorCode());
        assertEquals(List.of(PRIMARY + " 503", PRIMARY + " 503", PRIMARY + " 503", SECONDARY + " 200"), attempts(log));
        // the retries' waits are part of the request, not of any one attempt
        double attemptsMs = log.attempts().stream().mapToDouble(RequestLog.Attempt::latencyMs).sum();
        assertTrue(log.attempts().stream().allMatch(a -> a.latencyMs() >= 0), log.toString());
        assertTrue(log.latencyMs() >= attemptsMs + 2 * 150 - 1, log.toString());
    }

    @Test
    void connectErrorFallsBackToTheNextTargetAtOnce() {
        String id = RoutingIt.newRequestId();
        OpenAIClient client = Gateway.sdk(v1, KEY);

        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
                .create(chat("closed-first", id));

        assertEquals(200, raw.statusCode());
        assertEquals(List.of(SECONDARY), raw.headers().values("x-tfy-resolved-model"));
        assertEquals(FakeOpenAi.DEFAULT_CONTENT, raw.parse().choices().get(0).message().content().orElseThrow());
        assertEquals(List.of(0, 1, 0), counts());
        RequestLog log = RoutingIt.logOf(logs, seen, id);
        // a connect error is not retried (-1: no answer came)
        assertEquals(List.of("closed/gpt-4o-mini -1", SECONDARY + " 200"), attempts(log));
        assertEquals(SECONDARY, log.resolvedModel());
    }

    @Test
    void aStatusThatIsNoFallbackStatusIsTheCallersAnswerAsItIs() {
        String upstreamError = "{\"error\":{\"message\":\"primary says: 'messages' is malformed\","
                + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":null}}";
        primary().failNext(400, upstreamError);
        String id = RoutingIt.newRequestId();

        RoutingIt.Reply r = RoutingIt.send("chat/completions", RoutingIt.chat("failover"), Map.of("x-request-id", id));

        assertEquals(400, r.status(), r.body());
        assertEquals(upstreamError, r.body());
        assertEquals(PRIMARY, r.header("x-tfy-resolved-model"));
        // 400 is neither a retry status nor a fallback status: one try, no fallback
        assertEquals(List.of(1, 0, 0), counts());
        RequestLog log = RoutingIt.logOf(logs, seen, id);
        assertEquals(400, log.status());
        assertEquals(List.of(PRIMARY + " 400"), attempts(log));
    }
}
