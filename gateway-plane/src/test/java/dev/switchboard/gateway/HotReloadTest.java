package dev.switchboard.gateway;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The standalone config file is watched: a valid edit applies without a restart, an invalid one is refused and the
 * previous config keeps serving. Each test edits the shared config file and restores it before it ends.
 */
@QuarkusTest
class HotReloadTest {

    private static final String MODELS_ANCHOR = "      - id: gpt-4o\n";
    private static final String WITH_GPT_41 = MODELS_ANCHOR + "      - id: gpt-4.1\n";
    private static final Duration RELOAD = Duration.ofSeconds(5);

    @TestHTTPResource("/v1")
    URL v1;

    private FakeOpenAi openAi;
    private Path file;
    private String original;

    @BeforeEach
    void remember() throws IOException {
        openAi = GatewayTestResource.openAi;
        openAi.reset();
        file = GatewayTestResource.configFile;
        original = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(original.contains(MODELS_ANCHOR));
    }

    @AfterEach
    void restore() {
        write(original);
        Gateway.await(RELOAD, "the original config to be back in service",
                () -> lastRefusedEdit() == null && !aliceModels().contains("fake/gpt-4.1"));
    }

    @Test
    void validEditAppliesWithoutRestart() {
        long before = revision();
        chat("fake/gpt-4.1").then().statusCode(404);

        write(original.replace(MODELS_ANCHOR, WITH_GPT_41));
        Gateway.await(RELOAD, "the edit to be applied", () -> revision() > before);

        ChatCompletion completion = Gateway.sdk(v1, ALICE_KEY).chat().completions().create(
                ChatCompletionCreateParams.builder().model("fake/gpt-4.1").addUserMessage("hi").build());
        assertEquals(FakeOpenAi.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        assertEquals("gpt-4.1", openAi.lastRequest().bodyJson().get("model").asText());
        assertTrue(aliceModels().contains("fake/gpt-4.1"));
        JsonPath ready = readiness();
        assertEquals("UP", ready.getString("status"));
        assertNull(ready.get("checks.find { it.name == 'config' }.data.last_refused_edit"));
    }

    @Test
    void editWithAnUnknownFieldIsRefusedAndTheOldConfigKeepsServing() {
        assertRefused(original.replace(MODELS_ANCHOR, WITH_GPT_41)
                        .replace("    type: openai-compatible\n    base_url: " + GatewayTestResource.openAi.baseUrl(),
                                "    type: openai-compatible\n    colour: blue\n    base_url: "
                                        + GatewayTestResource.openAi.baseUrl()),
                "provider_accounts[0].colour");
    }

    @Test
    void editWithAZeroWeightIsRefusedAndTheOldConfigKeepsServing() {
        String edited = original.replace(MODELS_ANCHOR, WITH_GPT_41)
                .replace("type: priority-based-routing", "type: weight-based-routing")
                .replace("{target: fake/gpt-4o, priority: 1}", "{target: fake/gpt-4o, weight: 0}")
                .replace("{target: fake/gpt-4o-mini, priority: 0}", "{target: fake/gpt-4o-mini, weight: 100}");
        assertRefused(edited, "virtual_models[0].routing_config.load_balance_targets[0].weight");
    }

    @Test
    void brokenYamlNextToASecretIsRefusedWithoutShowingTheSecret() throws IOException {
        String edited = original.replace(MODELS_ANCHOR, WITH_GPT_41)
                .replace("api_key: sk-upstream-secret-value}", "api_key: sk-upstream-secret-value}}");
        String refusal = assertRefused(edited, "line 5");
        assertFalse(refusal.contains("sk-upstream-secret-value"), "the refusal shows the provider key: " + refusal);
        String log = Files.readString(GatewayTestResource.logFile, StandardCharsets.UTF_8);
        assertFalse(log.contains("sk-upstream-secret-value"), "the log shows the provider key");
    }

    /** Writes {@code edited}, waits for its refusal naming {@code path}, and checks the old config still serves. */
    private String assertRefused(String edited, String path) {
        long before = revision();
        write(edited);
        String refusal = Gateway.awaitValue(RELOAD, "the edit to be refused",
                () -> java.util.Optional.ofNullable(lastRefusedEdit()));

        assertTrue(refusal.contains(path), refusal);
        JsonPath ready = readiness();
        assertEquals("UP", ready.getString("status"));
        assertEquals(before, ready.getLong("checks.find { it.name == 'config' }.data.revision"));
        chat("fake/gpt-4o-mini").then().statusCode(200);
        Gateway.assertError(chat("fake/gpt-4.1"), 404, "invalid_request_error", "model_not_found", "model", null);
        assertFalse(aliceModels().contains("fake/gpt-4.1"));
        return refusal;
    }

    private static io.restassured.response.Response chat(String model) {
        return given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
    }

    private List<String> aliceModels() {
        return Gateway.sdk(v1, ALICE_KEY).models().list().data().stream().map(Model::id).toList();
    }

    private static JsonPath readiness() {
        return given().get("/q/health/ready").then().extract().jsonPath();
    }

    private static long revision() {
        return readiness().getLong("checks.find { it.name == 'config' }.data.revision");
    }

    private static String lastRefusedEdit() {
        return readiness().getString("checks.find { it.name == 'config' }.data.last_refused_edit");
    }

    /** Replaces the file in one step, so the watcher never reads half of it. */
    private void write(String content) {
        try {
            Path tmp = Files.createTempFile(file.getParent(), "switchboard-edit", ".yaml");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
