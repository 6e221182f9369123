package dev.switchboard.gateway.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.model.telemetry.TelemetryWire;
import dev.switchboard.teststack.Await;
import dev.switchboard.teststack.PrivateNats;
import dev.switchboard.teststack.ServiceProcess;
import dev.switchboard.testsupport.fakes.MisbehavingProvider;
import dev.switchboard.testsupport.fakes.MisbehavingProvider.Fault;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * A gateway as it ships, in its own process, in front of a provider that stalls (before its head, mid-body,
 * mid-stream), resets the connection, or answers garbage (not JSON, HTML, an SSE stream cut short): every request is
 * answered in full within a bound — a timeout or an error in the OpenAI shape, a reset connection when a passed-through
 * body cannot be mended, never a hang — and its request log, read from the gateway's NATS (a private one of this
 * test), says what happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIf(value = "dev.switchboard.teststack.PrivateNats#installed",
        disabledReason = "/usr/sbin/nats-server is not installed: this test runs a NATS of its own")
class ProviderFaultsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-sb-provider-faults-alice-0000";
    /** No answer may take longer than this; the provider's timeouts are 1 s, so reaching it means a hung request. */
    private static final Duration NEVER_HUNG = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private PrivateNats nats;
    private MisbehavingProvider provider;
    private ServiceProcess gateway;
    private Connection nc;
    private final Map<String, JsonNode> logs = new ConcurrentHashMap<>();

    @BeforeAll
    void start() throws Exception {
        nats = new PrivateNats().start();
        provider = MisbehavingProvider.start();
        nc = Nats.connect(nats.url());
        Dispatcher d = nc.createDispatcher(msg -> {
            for (String line : new String(msg.getData(), StandardCharsets.UTF_8).split("\n")) {
                try {
                    JsonNode row = JSON.readTree(line);
                    logs.put(row.path("request_id").asText(), row);
                } catch (IOException e) {
                    throw new IllegalStateException("a request-log row that is not JSON: " + line, e);
                }
            }
        });
        d.subscribe(TelemetryWire.REQUEST_LOGS);
        Path config = Files.createTempDirectory("switchboard-provider-faults").resolve("switchboard.yaml");
        Files.writeString(config, """
                provider_accounts:
                  - name: broken
                    type: openai-compatible
                    base_url: %s
                    auth: {type: api-key, api_key: sk-upstream-broken}
                    timeouts: {first_byte_ms: 1000, idle_ms: 1000}
                    models: [%s]
                users:
                  - {name: alice}
                api_keys:
                  - {name: alice-key, subject: user:alice, key_hash: %s}
                access_rules:
                  - {subjects: [user:alice], models: ["*"]}
                """.formatted(provider.baseUrl(), Arrays.stream(Fault.values())
                        .map(f -> "{id: " + f.model() + "}").collect(Collectors.joining(", ")),
                ApiKey.hashOf(KEY)));
        gateway = ServiceProcess.of("gateway-provider-faults", GatewayProcess.jar())
                .property("switchboard.config", config.toString())
                .property("switchboard.nats.url", nats.url())
                .property("switchboard.snapshot-cache", config.resolveSibling("snapshot.json.gz").toString())
                .property("switchboard.traces.export", "none")
                .start().awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
        if (nc != null) {
            nc.close();
        }
        if (provider != null) {
            provider.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    @Test
    void aStallBeforeTheHeadIsA504AfterFirstByteMs() {
        Answer a = call(Fault.STALL_BEFORE_HEADERS, false);
        a.assertOpenAiError(504, "upstream_timeout");
        a.assertLogged(504, "upstream_timeout");
    }

    @Test
    void aResetBeforeTheHeadIsA502() {
        Answer a = call(Fault.RESET_BEFORE_HEADERS, false);
        a.assertOpenAiError(502, "upstream_error");
        a.assertLogged(502, "upstream_error");
    }

    @Test
    void aJsonBodyThatStallsHalfWayIsCutAfterIdleMs() {
        Answer a = call(Fault.STALL_MID_BODY, false);
        // the head and the first bytes were relayed: a JSON body cannot be mended, so the connection is reset
        assertTrue(a.failure() != null, "the caller's connection is reset, not left waiting: " + a);
        a.assertLogged(502, "upstream_stream_broken");
    }

    @Test
    void aStreamThatStallsEndsWithATimeoutEventAfterIdleMs() {
        Answer a = call(Fault.STALL_MID_STREAM, true);
        a.assertStreamError("upstream_timeout");
        a.assertLogged(502, "upstream_stream_broken");
    }

    @Test
    void aStreamResetMidwayEndsWithAnErrorEvent() {
        Answer a = call(Fault.RESET_MID_STREAM, true);
        a.assertStreamError("upstream_error");
        a.assertLogged(502, "upstream_stream_broken");
    }

    @Test
    void anHtmlPageBehindA200IsA502() {
        Answer a = call(Fault.WRONG_CONTENT_TYPE, false);
        a.assertOpenAiError(502, "upstream_error");
        assertTrue(a.body().contains("text/html"), a.toString());
        a.assertLogged(502, "upstream_error");
    }

    /**
     * A stream that ends cleanly without OpenAI's {@code [DONE]} is, to the gateway, a stream that ended: relayed as it
     * came, never held open, logged as a 200 (what routing.md promises, an error event, is for a stream that breaks).
     */
    @Test
    void aStreamThatEndsWithoutDoneIsRelayedAsItEnded() {
        Answer a = call(Fault.TRUNCATED_SSE, true);
        assertEquals(200, a.status(), a.toString());
        assertTrue(a.body().contains("\"content\":\"Hello\"") && !a.body().contains("[DONE]"), a.toString());
        JsonNode row = a.awaitLog();
        assertEquals(200, row.path("status").asInt(), row.toString());
        assertTrue(row.path("error_code").isMissingNode(), "no error: the column left out, null in the table; " + row);
    }

    /**
     * A body that says JSON but is not: an OpenAI-compatible answer is passed through as it comes, unparsed, so the
     * caller gets it as it was; the request log records the 200 with the usage unknown (-1).
     */
    @Test
    void aBodyThatIsNotJsonIsPassedThroughWithItsUsageUnknown() {
        Answer a = call(Fault.INVALID_JSON, false);
        assertEquals(200, a.status(), a.toString());
        assertEquals("{\"id\":\"chatcmpl-x\",\"choices\":[{\"message\":", a.body());
        JsonNode row = a.awaitLog();
        assertEquals(200, row.path("status").asInt(), row.toString());
        assertEquals(-1, row.path("prompt_tokens").asInt(), row.toString());
        assertEquals(-1, row.path("completion_tokens").asInt(), row.toString());
    }

    /** What the caller got (status, content type, body, or the exception that ended it) and the request id. */
    private record Answer(String requestId, int status, String contentType, String body, String failure,
                          Map<String, JsonNode> logs) {

        void assertOpenAiError(int expectedStatus, String code) {
            assertEquals(expectedStatus, status, this.toString());
            assertTrue(contentType.startsWith("application/json"), this.toString());
            JsonNode error = parse(body).path("error");
            assertEquals(code, error.path("code").asText(), this.toString());
            assertTrue(error.path("message").asText().contains("broken/"), "the message names the target: " + this);
            assertTrue(error.has("type") && error.has("param"), this.toString());
        }

        void assertStreamError(String code) {
            assertEquals(200, status, this.toString());
            assertTrue(body.contains("\"content\":\"Hello\""), "what came before the fault was relayed: " + this);
            int error = body.indexOf("data: {\"error\":");
            assertTrue(error > 0, "an error event: " + this);
            String event = body.substring(error + 6, body.indexOf('\n', error));
            assertEquals(code, parse(event).path("error").path("code").asText(), this.toString());
            assertTrue(body.stripTrailing().endsWith("data: [DONE]"), "a clean end: " + this);
        }

        JsonNode awaitLog() {
            Await.until(Duration.ofSeconds(30), "the request log of " + requestId, () -> logs.containsKey(requestId));
            return logs.get(requestId);
        }

        void assertLogged(int expectedStatus, String code) {
            JsonNode row = awaitLog();
            assertEquals(expectedStatus, row.path("status").asInt(), row.toString());
            assertEquals(code, row.path("error_code").asText(), row.toString());
        }

        private static JsonNode parse(String json) {
            try {
                return JSON.readTree(json);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + json, e);
            }
        }
    }

    private Answer call(Fault fault, boolean stream) {
        String id = "faults-" + fault.model() + "-" + UUID.randomUUID();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .timeout(NEVER_HUNG)
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .header("x-request-id", id)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"broken/" + fault.model() + "\",\"stream\":"
                        + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        try {
            // the whole answer, body included, within the bound (a request's own timeout ends at the head)
            HttpResponse<String> r = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .get(NEVER_HUNG.toSeconds(), TimeUnit.SECONDS);
            return new Answer(id, r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body(), null,
                    logs);
        } catch (TimeoutException e) {
            throw new AssertionError(fault + ": no whole answer within " + NEVER_HUNG.toSeconds() + " s: a hung request");
        } catch (ExecutionException e) {
            return new Answer(id, -1, "", "", e.getCause().toString(), logs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
