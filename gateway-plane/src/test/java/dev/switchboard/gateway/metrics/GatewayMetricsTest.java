package dev.switchboard.gateway.metrics;

import static dev.switchboard.gateway.metrics.MetricsProfile.ALICE_KEY;
import static dev.switchboard.gateway.metrics.MetricsProfile.BOB_KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.gateway.limits.ShiftedClock;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.teststack.LocalStack;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.testsupport.prometheus.GrafanaDashboard;
import dev.switchboard.testsupport.prometheus.PrometheusText;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's {@code /q/metrics} after a known set of requests, read by a real exposition-format parser: successes,
 * an upstream 5xx retried and then fallen back from, a rate limit's 429, a guardrail's block, a stream and an unknown
 * model; and the Grafana dashboard's PromQL against the series on that page.
 */
@QuarkusTest
@TestProfile(MetricsProfile.class)
class GatewayMetricsTest {

    private static final String CHAT = "{\"model\":\"%s\",\"stream\":%s,\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}";
    private static final String AWS_KEY = "AKIAQ3EGRUZ7XK5TWBNM";
    private static final String MINI = "primary/gpt-4o-mini";
    private static final String FALLBACK = "secondary/gpt-4o-mini";
    private static final String STREAMED = "primary/gpt-4o";
    /** Every label our series may carry: none names a user, a key or a team. */
    private static final Set<String> LABELS = Set.of("endpoint", "model", "provider_account", "status_class", "le",
            "type", "target", "guardrail", "hook", "outcome", "blocked", "kind", "rule", "source", "publisher");

    @Inject
    ShiftedClock clock;

    private static PrometheusText page;
    private static boolean sent;

    @AfterAll
    static void dropStream() throws Exception {
        try (Connection nats = Nats.connect(LocalStack.get().natsUrl())) {
            nats.jetStreamManagement().deleteStream(MetricsProfile.STREAM);
        } catch (Exception ignored) {
            // the stream may not have been made
        }
    }

    private static Response chat(String key, String model, boolean stream, String content) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body(CHAT.formatted(model, stream, content)).post("/v1/chat/completions");
    }

    private static PrometheusText scrape() {
        return PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    /** The known traffic, sent once; every test reads the page it left. */
    private synchronized PrometheusText page() {
        if (page != null) {
            return page;
        }
        assertFalse(sent, "the traffic was sent, and failed: see the first failing test");
        sent = true;
        // nothing before: the counts below are exact
        assertEquals(0, scrape().sum("switchboard_gateway_requests_total"));
        // bob's one request per minute: both of his requests inside the same minute
        clock.set(clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES).plusSeconds(5));
        MetricsProfile.primary.setUsage(10, 5);
        MetricsProfile.secondary.setUsage(10, 5);
        chat(ALICE_KEY, MINI, false, "hi").then().statusCode(200);
        chat(ALICE_KEY, MINI, false, "hi").then().statusCode(200);
        MetricsProfile.primary.next(2, FakeOpenAi.Behaviour.fail(500));
        chat(ALICE_KEY, "assistant", false, "hi").then().statusCode(200).header("x-tfy-resolved-model", FALLBACK);
        chat(BOB_KEY, MINI, false, "hi").then().statusCode(200);
        chat(BOB_KEY, MINI, false, "hi").then().statusCode(429);
        chat(ALICE_KEY, MINI, false, "my key is " + AWS_KEY).then().statusCode(400);
        assertTrue(chat(ALICE_KEY, STREAMED, true, "hi").then().statusCode(200).extract().asString()
                .contains("[DONE]"));
        int unknown = chat(ALICE_KEY, "nowhere/no-such-model", false, "hi").statusCode();
        assertTrue(unknown >= 400 && unknown < 500, "an unknown model is a 4xx, got " + unknown);

        Gateway.await(Duration.ofSeconds(10), "the telemetry series on /q/metrics",
                () -> scrape().names().contains("switchboard_telemetry_dropped_rows_total"));
        Gateway.await(Duration.ofSeconds(10), "8 requests on /q/metrics",
                () -> scrape().sum("switchboard_gateway_requests_total") == 8);
        page = scrape();
        return page;
    }

    @Test
    void requestsAreCountedByEndpointModelProviderAccountAndStatusClass() {
        PrometheusText p = page();
        assertEquals("counter", p.type("switchboard_gateway_requests_total"));
        // alice twice and bob once; the assistant's fallback served from the secondary
        assertEquals(3, p.sum("switchboard_gateway_requests_total", "endpoint", "chat_completions", "model", MINI,
                "provider_account", "primary", "status_class", "2xx"));
        assertEquals(1, p.sum("switchboard_gateway_requests_total", "model", FALLBACK, "status_class", "2xx"));
        assertEquals(1, p.sum("switchboard_gateway_requests_total", "model", STREAMED, "status_class", "2xx"));
        // the 429, the guardrail's 400, the unknown model
        assertEquals(3, p.sum("switchboard_gateway_requests_total", "status_class", "4xx"));
        assertEquals(0, p.sum("switchboard_gateway_requests_total", "status_class", "5xx"));
        // a model the config does not have is never a label value
        assertEquals(1, p.sum("switchboard_gateway_requests_total", "model", "unknown", "provider_account", "none"));
        assertTrue(p.matching("switchboard_gateway_requests_total", "model", "nowhere/no-such-model").isEmpty());
    }

    @Test
    void latenciesAreHistogramsWithTheFixedBuckets() {
        PrometheusText p = page();
        assertEquals("histogram", p.type("switchboard_gateway_request_duration_seconds_bucket"));
        assertEquals(8, p.sum("switchboard_gateway_request_duration_seconds_count"));
        assertEquals(8, p.sum("switchboard_gateway_overhead_duration_seconds_count"));
        assertEquals(8, p.sum("switchboard_gateway_request_duration_seconds_bucket", "le", "+Inf"));
        // one attempt each for alice's two and bob's first; two at the primary before the fallback
        assertEquals(5, p.sum("switchboard_gateway_upstream_duration_seconds_count", "model", MINI));
        assertEquals(1, p.sum("switchboard_gateway_upstream_duration_seconds_count", "model", FALLBACK));
        assertEquals(1, p.sum("switchboard_gateway_upstream_duration_seconds_count", "model", STREAMED));
        Set<String> bounds = new TreeSet<>();
        p.matching("switchboard_gateway_request_duration_seconds_bucket", "model", MINI, "endpoint",
                "chat_completions").forEach(s -> bounds.add(s.labels().get("le")));
        assertEquals(new TreeSet<>(List.of("0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "20.0", "30.0",
                "60.0", "120.0", "300.0", "+Inf")), bounds);
        assertTrue(p.sum("switchboard_gateway_request_duration_seconds_sum") > 0);
    }

    @Test
    void timeToFirstTokenIsRecordedForStreamsOnly() {
        PrometheusText p = page();
        assertEquals(1, p.sum("switchboard_gateway_time_to_first_token_seconds_count"));
        assertEquals(1, p.sum("switchboard_gateway_time_to_first_token_seconds_count", "model", STREAMED));
    }

    @Test
    void tokensAndCostAreSummedByModel() {
        PrometheusText p = page();
        assertEquals(30, p.sum("switchboard_gateway_tokens_total", "model", MINI, "type", "input"));
        assertEquals(15, p.sum("switchboard_gateway_tokens_total", "model", MINI, "type", "output"));
        assertEquals(10, p.sum("switchboard_gateway_tokens_total", "model", FALLBACK, "type", "input"));
        // 3 × (10 × $1 + 5 × $2) per million
        assertEquals(6e-5, p.sum("switchboard_gateway_cost_usd_total", "model", MINI), 1e-12);
        assertTrue(p.matching("switchboard_gateway_cost_usd_total", "model", FALLBACK).isEmpty(),
                "the secondary has no price: no cost");
    }

    @Test
    void retriesAndFallbacksAreCountedByTheTargetThatFailed() {
        PrometheusText p = page();
        assertEquals(1, p.sum("switchboard_gateway_retries_total", "target", MINI));
        assertEquals(1, p.sum("switchboard_gateway_fallbacks_total", "target", MINI));
        assertEquals(1, p.sum("switchboard_gateway_retries_total"));
        assertEquals(1, p.sum("switchboard_gateway_fallbacks_total"));
    }

    @Test
    void everyConfiguredTargetHasAHealthGauge() {
        PrometheusText p = page();
        assertEquals("gauge", p.type("switchboard_gateway_target_healthy"));
        Set<String> targets = new TreeSet<>();
        p.matching("switchboard_gateway_target_healthy").forEach(s -> targets.add(s.labels().get("target")));
        assertEquals(Set.of(MINI, FALLBACK, STREAMED), targets);
        assertEquals(1, p.sum("switchboard_gateway_target_healthy", "target", FALLBACK));
    }

    @Test
    void guardrailBlocksAndLimitRefusalsAreCountedByRule() {
        PrometheusText p = page();
        assertEquals(1, p.sum("switchboard_gateway_guardrail_verdicts_total", "guardrail", "no-cloud-keys",
                "hook", "llm_input", "blocked", "true"));
        assertEquals(1, p.sum("switchboard_gateway_limit_refusals_total", "kind", "rate_limit", "rule", "bob-rpm"));
        assertEquals(1, p.sum("switchboard_gateway_limit_refusals_total"));
    }

    @Test
    void noSeriesIsPerUser() {
        for (PrometheusText.Sample s : page().samples()) {
            if (!s.name().startsWith("switchboard_")) {
                continue;
            }
            assertTrue(LABELS.containsAll(s.labels().keySet()), s.name() + " has labels " + s.labels().keySet());
            for (String value : s.labels().values()) {
                assertFalse(value.contains("alice") || value.contains("bob-key") || value.contains("sk-"),
                        s.name() + " names a caller: " + s.labels());
            }
        }
    }

    @Test
    void theDashboardUsesOnlySeriesTheGatewayExposes() {
        Set<String> exposed = page().names();
        Set<String> used = GrafanaDashboard.series();
        assertTrue(used.size() > 10, "the dashboard's series: " + used);
        for (String expression : GrafanaDashboard.expressions()) {
            assertFalse(GrafanaDashboard.seriesIn(expression).isEmpty(), "no series of ours in " + expression);
        }
        for (String name : used) {
            if (name.startsWith("switchboard_mcp_")) {
                continue; // the MCP gateway's test checks these
            }
            assertTrue(name.startsWith("switchboard_gateway_") || name.startsWith("switchboard_telemetry_")
                    || name.startsWith("switchboard_config_"), "a series of neither service: " + name);
            assertTrue(exposed.contains(name), "the dashboard uses " + name + ", which the gateway does not expose");
        }
    }
}
