package dev.switchboard.gateway.snapshot;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.teststack.ControlPlaneProcess;
import dev.switchboard.teststack.LocalStack;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * End to end, as an operator and an application would see it: a model created through the control plane's admin API
 * a moment ago answers the official OpenAI SDK through a gateway that was already running. The control plane is its
 * packaged jar in a process of its own; the gateway is the one under test, watching the control plane's bucket.
 */
@QuarkusTest
@TestProfile(AdminApiToSdkTest.Profile.class)
class AdminApiToSdkTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String UPSTREAM_KEY = "sk-upstream-e2e-given-in-clear";

    static ControlPlaneProcess controlPlane;
    static FakeOpenAi openAi;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Resource.class));
        }
    }

    public static class Resource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            openAi = FakeOpenAi.start();
            controlPlane = ControlPlaneProcess.builder(LocalStack.get().natsUrl()).schemaPrefix("gw_e2e").start();
            // it boots while the gateway does
            try {
                return Map.of(
                        FeedSettings.NATS_URL, LocalStack.get().natsUrl(),
                        FeedSettings.BUCKET, controlPlane.bucket,
                        FeedSettings.CACHE_FILE, Files.createTempDirectory("switchboard-e2e")
                                .resolve("snapshot.json.gz").toString(),
                        FeedSettings.NATS_RETRY_INTERVAL, "200ms",
                        "switchboard.master-key", controlPlane.masterKey);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void stop() {
            if (controlPlane != null) {
                controlPlane.close();
            }
            if (openAi != null) {
                openAi.close();
            }
        }
    }

    @TestHTTPResource("/v1")
    URL v1;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aModelCreatedThroughTheAdminApiAnswersTheOpenAiSdkThroughARunningGateway() throws Exception {
        controlPlane.awaitReady(Duration.ofSeconds(25));

        post("/admin/v1/provider-accounts", """
                {"name": "e2e", "type": "openai-compatible", "base_url": "%s",
                 "auth": {"type": "api-key", "api_key": "%s"}, "models": [{"id": "gpt-4o-mini"}]}
                """.formatted(openAi.baseUrl(), UPSTREAM_KEY));
        post("/admin/v1/service-accounts", "{\"name\": \"e2e-app\"}");
        String key = post("/admin/v1/api-keys", "{\"name\": \"e2e-key\", \"subject\": \"service_account:e2e-app\"}")
                .body().get("key").asText();
        long revision = post("/admin/v1/access-rules",
                "{\"name\": \"e2e-chat\", \"subjects\": [\"service_account:e2e-app\"], \"models\": [\"e2e/gpt-4o-mini\"]}")
                .revision();

        Snapshots.await(Duration.ofSeconds(10), () -> gatewayRevision() >= revision,
                "the gateway did not apply revision " + revision + " from the control plane");
        OpenAIClient client = Gateway.sdk(v1, key);
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("e2e/gpt-4o-mini").addUserMessage("Hello through the control plane").build());

        assertEquals(FakeOpenAi.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        RecordedRequest upstream = openAi.lastRequest();
        assertEquals("Bearer " + UPSTREAM_KEY, upstream.header("authorization"),
                "the key given in clear was sealed by the control plane and opened by the gateway");
        assertEquals("gpt-4o-mini", upstream.bodyJson().get("model").asText());
    }

    private long gatewayRevision() {
        Map<String, Object> data = given().get("/q/health/ready").then().extract().path("checks.find { it.name == 'config' }.data");
        return "nats".equals(data.get("source")) ? ((Number) data.get("revision")).longValue() : -1;
    }

    private record Answer(JsonNode body, long revision) {
    }

    private Answer post(String path, String json) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(controlPlane.baseUrl() + path))
                .header("Authorization", "Bearer " + controlPlane.adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), path + ": " + response.body());
        return new Answer(JSON.readTree(response.body()),
                Long.parseLong(response.headers().firstValue("Switchboard-Revision").orElseThrow()));
    }
}
