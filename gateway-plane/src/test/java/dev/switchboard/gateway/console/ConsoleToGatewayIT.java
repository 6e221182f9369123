package dev.switchboard.gateway.console;

import static dev.switchboard.teststack.Browser.open;
import static dev.switchboard.teststack.Browser.waitFor;
import static dev.switchboard.teststack.Browser.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.gateway.faults.GatewayProcess;
import dev.switchboard.teststack.Await;
import dev.switchboard.teststack.Browser;
import dev.switchboard.teststack.ControlPlaneProcess;
import dev.switchboard.teststack.PrivateNats;
import dev.switchboard.teststack.ServiceProcess;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The console's promise end to end, in processes as they ship: a person signs in to the control plane's console in
 * Chromium, adds a provider account with a model (the Config page: the whole config as YAML, a dry run, apply) and an
 * API key (read once from the Access page), and an OpenAI SDK with that key then gets its answer from the account's
 * upstream through a gateway that learnt all of it over NATS only. One control plane, one gateway, a NATS of this
 * test's own, and a fake OpenAI upstream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(Browser.class)
@EnabledIf(value = "dev.switchboard.teststack.PrivateNats#installed",
        disabledReason = "/usr/sbin/nats-server is not installed: this test runs a NATS of its own")
class ConsoleToGatewayIT {

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    /** The provider account's key, typed into the console: the upstream must receive it, no page may show it. */
    private static final String UPSTREAM_KEY = "sk-upstream-console-to-gateway-41d7c2";
    private static final String ANSWER = "Hello from the upstream the console configured";

    /** What the person types on the Config page: an account at the fake with one model, and who may use it. */
    private static final String CONFIG = """
            provider_accounts:
              - name: upstream
                type: openai-compatible
                base_url: %s
                auth:
                  type: api-key
                  api_key: %s
                models:
                  - id: gpt-4o-mini
            service_accounts:
              - name: console-caller
            access_rules:
              - name: console-caller-chat
                subjects: [service_account:console-caller]
                models: [upstream/gpt-4o-mini]
            """;

    private PrivateNats nats;
    private FakeOpenAi upstream;
    private ControlPlaneProcess controlPlane;
    private ServiceProcess gateway;
    private WebDriver driver;

    @BeforeAll
    void startTheStack() throws Exception {
        nats = new PrivateNats().start();
        upstream = FakeOpenAi.start();
        upstream.setContent(ANSWER);
        controlPlane = ControlPlaneProcess.builder(nats.url()).schemaPrefix("gw_console").start();
        gateway = GatewayProcess.fed("console", nats.url(), controlPlane.bucket, controlPlane.masterKey,
                Files.createTempDirectory("switchboard-console-to-gateway").resolve("snapshot.json.gz")).start();
        controlPlane.awaitReady(START);
        driver = Browser.signedOut(controlPlane.baseUrl());
    }

    @AfterAll
    void stopTheStack() {
        Browser.quit();
        for (AutoCloseable c : new AutoCloseable[] {gateway, controlPlane, upstream, nats}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.out.println("[ConsoleToGatewayIT] closing " + c + ": " + e);
            }
        }
    }

    @Test
    void anAccountModelAndKeyMadeInTheConsoleAreServedByTheGatewayFromTheUpstream() {
        Browser.signIn(controlPlane.adminToken);
        assertEquals("admin", waitFor(By.id("role")).getText(), "signed in with the admin token");

        long applied = applyOnTheConfigPage(CONFIG.formatted(upstream.baseUrl(), UPSTREAM_KEY));
        open("/console/config");
        String shown = waitFor(By.id("config-yaml")).getAttribute("value");
        assertTrue(shown.contains(upstream.baseUrl()) && shown.contains("***"),
                "the account is there, its key masked: " + shown);
        assertFalse(shown.contains(UPSTREAM_KEY) || driver.getPageSource().contains(UPSTREAM_KEY),
                "the console shows the provider key");

        String apiKey = createApiKeyOnTheAccessPage("console-caller-key", "service_account:console-caller");
        long head = controlPlane.head();
        assertTrue(head > applied, "the key is a revision after the config: " + head + " after " + applied);
        assertEquals(List.of(), Browser.consoleErrors(), "no script error and no CSP violation");

        // the gateway knows nothing but what reaches it over NATS: the snapshot of the key's revision
        gateway.awaitReady(START);
        Await.until(CATCH_UP, "the gateway serves revision " + head, () -> GatewayProcess.revision(gateway) >= head);

        OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey(apiKey)
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
        ChatCompletion answer;
        try {
            answer = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("upstream/gpt-4o-mini").addUserMessage("Who answers?").build());
        } catch (RuntimeException e) {
            throw new AssertionError("no answer from the gateway for the console's key and model: " + e + "\nits log:\n"
                    + gateway.logTail(), e);
        }
        assertEquals(ANSWER, answer.choices().get(0).message().content().orElseThrow(),
                "the answer is the upstream's");

        List<RecordedRequest> chats = upstream.requests().stream()
                .filter(r -> r.path().equals("/v1/chat/completions")).toList();
        assertEquals(1, chats.size(), "the upstream saw the one chat: " + chats);
        RecordedRequest seen = chats.get(0);
        assertEquals("Bearer " + UPSTREAM_KEY, seen.header("Authorization"),
                "the gateway called the upstream with the account's key typed into the console");
        assertEquals("gpt-4o-mini", seen.bodyJson().path("model").asText(), "the upstream's own model id");
        assertTrue(seen.bodyAsString().contains("Who answers?"), seen.bodyAsString());
    }

    /**
     * Types {@code yaml} over the whole config on the Config page, checks that the dry run lists what it creates and
     * applies nothing, then applies it; returns the revision the page says it was applied as.
     */
    private long applyOnTheConfigPage(String yaml) {
        open("/console/config");
        long base = Long.parseLong(waitFor(By.id("config-revision")).getText().strip());
        WebElement editor = waitFor(By.id("config-yaml"));
        editor.clear();
        editor.sendKeys(yaml);

        driver.findElement(By.id("dry-run")).click();
        WebElement outcome = waitFor(By.id("config-outcome"));
        assertTrue(outcome.getText().contains("Dry run against revision " + base), outcome.getText());
        for (String[] created : new String[][] {{"provider_accounts", "upstream"}, {"models", "upstream/gpt-4o-mini"},
                {"service_accounts", "console-caller"}, {"access_rules", "console-caller-chat"}}) {
            WebElement change = waitFor(By.cssSelector("li[data-kind='" + created[0] + "'][data-name='" + created[1]
                    + "']"));
            assertTrue(change.getText().startsWith("created"), change.getText());
        }
        assertFalse(driver.getPageSource().contains(UPSTREAM_KEY), "the dry run shows the provider key");
        assertEquals(base, controlPlane.head(), "a dry run applies nothing");

        long applied = base + 1;
        driver.findElement(By.id("apply")).click();
        waitUntil(d -> d.findElement(By.id("config-outcome")).getText().contains("Applied as revision " + applied));
        return applied;
    }

    /**
     * Creates a key on the Access page and reads it where the page shows it, once, as a person copies it. The page's
     * YAML editor is asked for by name ({@code ?editor=yaml}), so that a form offered in its place by default does not
     * change what this test types.
     */
    private String createApiKeyOnTheAccessPage(String name, String subject) {
        open("/console/resources/api-keys/new?editor=yaml");
        WebElement editor = waitFor(By.id("resource-yaml"));
        editor.clear();
        editor.sendKeys("name: " + name + "\nsubject: " + subject + "\n");
        driver.findElement(By.id("create")).click();
        String key = waitFor(By.id("new-key")).getText().strip();
        assertTrue(key.startsWith("sk-sb-"), "a new gateway key: " + key);
        return key;
    }
}
