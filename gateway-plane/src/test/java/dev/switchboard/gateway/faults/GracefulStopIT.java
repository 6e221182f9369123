package dev.switchboard.gateway.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.config.ApiKey;
import dev.switchboard.teststack.Await;
import dev.switchboard.teststack.ServiceProcess;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.testsupport.fakes.StreamGate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway as it ships, stopped (SIGTERM, what Kubernetes sends on a rollout) while a stream is in flight: the stream
 * is relayed to its end, a request arriving meanwhile is still answered (its connection closed after it, so that a
 * keep-alive client reconnects to another replica), and the process exits by itself once the stream has ended
 * (quarkus.shutdown.timeout in application.properties; the chart's shutdown values).
 */
class GracefulStopIT {

    private static final String KEY = "sk-sb-graceful-stop-alice-000000";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private FakeOpenAi provider;
    private ServiceProcess gateway;

    @BeforeEach
    void start() throws IOException {
        provider = FakeOpenAi.start();
        Path config = Files.createTempDirectory("switchboard-graceful-stop").resolve("switchboard.yaml");
        Files.writeString(config, """
                provider_accounts:
                  - name: fake
                    type: openai-compatible
                    base_url: %s
                    auth: {type: api-key, api_key: sk-upstream-graceful}
                    models: [{id: gpt-4o-mini}]
                users:
                  - {name: alice}
                api_keys:
                  - {name: alice-key, subject: user:alice, key_hash: %s}
                access_rules:
                  - {subjects: [user:alice], models: ["*"]}
                """.formatted(provider.baseUrl(), ApiKey.hashOf(KEY)));
        gateway = ServiceProcess.of("gateway-graceful-stop", GatewayProcess.jar())
                .property("switchboard.config", config.toString())
                .property("switchboard.traces.export", "none")
                .start().awaitReady(Duration.ofSeconds(120));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    void aStopRelaysTheStreamInFlightToItsEndThenExits() throws Exception {
        StreamGate gate = provider.holdStreamAfterFirstChunk();
        CompletableFuture<HttpResponse<String>> stream = HTTP.sendAsync(chat(true), HttpResponse.BodyHandlers.ofString());
        assertTrue(gate.awaitHeld(Duration.ofSeconds(60)), "the provider's stream began");

        CompletableFuture<Integer> exit = gateway.terminate();
        Await.until(Duration.ofSeconds(60), "the gateway has begun to stop", () -> gateway.logContains(
                "Waiting for HTTP requests to complete"));
        // A client of its own: a pooled connection the gateway has closed would fail for the client's reasons.
        HttpResponse<String> meanwhile = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(chat(false), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, meanwhile.statusCode(), meanwhile.body());
        assertEquals("close", meanwhile.headers().firstValue("connection").orElse(""), "connection closed after it");
        assertFalse(exit.isDone(), "the gateway waits for the stream in flight");
        assertFalse(stream.isDone(), "the stream is still open");

        gate.release();
        HttpResponse<String> answer = stream.get(60, TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode());
        assertTrue(answer.body().contains("fake-openai"), answer.body());
        assertTrue(answer.body().trim().endsWith("data: [DONE]"), answer.body());

        exit.get(60, TimeUnit.SECONDS);
        assertFalse(gateway.alive(), "the gateway exited once the stream had ended");
    }

    private HttpRequest chat(boolean stream) {
        return HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model": "fake/gpt-4o-mini", "stream": %s,
                         "messages": [{"role": "user", "content": "hello"}]}""".formatted(stream)))
                .build();
    }
}
