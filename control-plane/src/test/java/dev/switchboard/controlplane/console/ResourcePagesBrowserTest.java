package dev.switchboard.controlplane.console;

import static dev.switchboard.teststack.Browser.open;
import static dev.switchboard.teststack.Browser.waitFor;
import static dev.switchboard.teststack.Browser.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.controlplane.support.Snapshots;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.sync.SnapshotWire;
import dev.switchboard.teststack.Browser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The Providers and models and the Access pages in a real headless Chromium, with the YAML editor (the forms are
 * {@link ResourceFormsBrowserTest}'s): create a provider account and a model (then read them back through the admin
 * API and the snapshot in NATS), edit a virtual model with the route preview,
 * an API key shown once, errors beside their line, stale edits, paging and search, and a viewer who changes nothing
 * and sees no secret. Each test starts signed out from the base config.
 */
@QuarkusTest
@ExtendWith(Browser.class)
class ResourcePagesBrowserTest {

    /** Provider keys typed into the console or given to the admin API: no page may ever show them. */
    static final String TYPED_KEY = "sk-typed-in-console-7c2f01";
    static final String API_GIVEN_KEY = "sk-provider-resource-pages-3a9d44";

    @TestHTTPResource("/")
    URL base;

    WebDriver driver;

    @BeforeEach
    void signedOut() {
        Admin.reset();
        driver = Browser.signedOut(base.toString());
    }

    @AfterAll
    static void quit() {
        Browser.quit();
    }

    @Test
    void createAProviderAccountAndAModelThenTheAdminApiAndTheSnapshotHaveThem() throws Exception {
        Browser.signIn(ControlPlaneTestStack.adminToken);
        open("/console/resources/provider-accounts/new?editor=yaml");
        setValue(waitFor(By.id("resource-yaml")), """
                name: acme
                type: openai-compatible
                base_url: http://127.0.0.1:9/v1
                auth:
                  type: api-key
                  api_key: %s
                """.formatted(TYPED_KEY));
        driver.findElement(By.id("create")).click();
        WebElement outcome = waitFor(By.id("resource-outcome"));
        assertTrue(outcome.getText().contains("Created the provider account acme"), outcome.getText());
        waitUntil(d -> d.getCurrentUrl().endsWith("/console/resources/provider-accounts/acme?editor=yaml"));
        String shown = driver.findElement(By.id("resource-yaml")).getAttribute("value");
        assertTrue(shown.contains("***") && !shown.contains(TYPED_KEY), "the saved key shows masked: " + shown);
        assertFalse(driver.getPageSource().contains(TYPED_KEY));
        JsonPath account = Admin.get("/admin/v1/provider-accounts/acme").then().statusCode(200).extract().jsonPath();
        assertEquals("***", account.getString("auth.api_key.sealed"));

        open("/console/resources/models/new?editor=yaml");
        waitFor(By.id("model-account")).sendKeys("acme");
        setValue(driver.findElement(By.id("resource-yaml")), """
                id: gpt-acme
                price:
                  input_per_million_usd: 2.5
                  output_per_million_usd: 10
                """);
        driver.findElement(By.id("create")).click();
        outcome = waitFor(By.id("resource-outcome"));
        assertTrue(outcome.getText().contains("Created the model acme/gpt-acme"), outcome.getText());
        JsonPath model = Admin.get("/admin/v1/provider-accounts/acme/models/gpt-acme").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(2.5f, model.getFloat("price.input_per_million_usd"));

        // what the gateways get: the snapshot in NATS has the model under its account, and the key only sealed
        Snapshots.Fetched fetched = Snapshots.awaitRevision(Admin.head(), Duration.ofSeconds(30));
        ConfigSnapshot snapshot = SnapshotWire.decode(fetched.content());
        assertTrue(snapshot.model("acme/gpt-acme").isPresent(), "the snapshot serves acme/gpt-acme");
        assertFalse(new String(fetched.content(), StandardCharsets.UTF_8).contains(TYPED_KEY));

        open("/console/resources/models?q=acme");
        WebElement row = waitFor(By.cssSelector("#resources tr[data-name='acme/gpt-acme']"));
        assertTrue(row.getText().contains("$2.5 in / $10 out per 1M tokens"), row.getText());
        assertEquals(1, driver.findElements(By.cssSelector("#resources tbody tr[data-name]")).size());
        assertEquals(List.of(), Browser.consoleErrors(), "no script error and no CSP violation");
        Browser.snapshot("models-list");
        open("/console/resources/provider-accounts/acme?editor=yaml");
        waitFor(By.id("resource-yaml"));
        Browser.snapshot("provider-account");
    }

    @Test
    void editAVirtualModelAsYamlWithTheRoutePreview() {
        Browser.signIn(ControlPlaneTestStack.adminToken);
        open("/console/resources/virtual-models/base-assistant?editor=yaml");
        waitUntil(d -> share(d, "base/chat").equals("100%"));

        setValue(driver.findElement(By.id("resource-yaml")), """
                name: base-assistant
                routing_config:
                  type: weight-based-routing
                  load_balance_targets:
                    - target: base/chat
                      weight: 75
                    - target: base/spare
                      weight: 25
                """);
        waitUntil(d -> share(d, "base/spare").equals("25%"));
        assertEquals("75%", share(driver, "base/chat"));
        assertTrue(driver.findElement(By.id("preview-summary")).getText().contains("weight-based-routing"));
        assertEquals(List.of(), Browser.consoleErrors(), "no script error and no CSP violation");
        Browser.snapshot("virtual-model-preview");

        long before = Admin.head();
        driver.findElement(By.id("save")).click();
        WebElement outcome = waitFor(By.id("resource-outcome"));
        assertTrue(outcome.getText().contains("Saved as revision " + (before + 1)), outcome.getText());
        JsonPath vm = Admin.get("/admin/v1/virtual-models/base-assistant").then().statusCode(200).extract()
                .jsonPath();
        assertEquals("weight-based-routing", vm.getString("routing_config.type"));
        assertEquals(List.of(75, 25), vm.getList("routing_config.load_balance_targets.weight"));
        assertEquals(String.valueOf(before + 1), driver.findElement(By.id("resource-version-shown")).getText());
    }

    @Test
    void aNewApiKeyIsShownOnceThenOnlyItsName() {
        Browser.signIn(ControlPlaneTestStack.adminToken);
        open("/console/resources/api-keys/new");
        waitFor(By.id("f-name")).sendKeys("ci-deploy");
        driver.findElement(By.id("f-subject")).sendKeys("service_account:ci");
        driver.findElement(By.id("create")).click();
        String key = waitFor(By.id("new-key")).getText().strip();
        assertTrue(key.startsWith("sk-sb-"), key);
        assertTrue(driver.findElement(By.id("copy-key")).isDisplayed());
        assertEquals(ApiKey.hashOf(key), Admin.get("/admin/v1/api-keys/ci-deploy").jsonPath().getString("key_hash"),
                "the key shown is the key stored (as its hash)");
        assertFalse(driver.getPageSource().contains("sha256:"), "not even the hash is in the page");
        Browser.snapshot("api-key-created");

        driver.navigate().refresh();
        waitUntil(d -> d.findElement(By.id("resource-name")).getText().equals("ci-deploy"));
        assertTrue(driver.findElements(By.id("new-key")).isEmpty());
        assertFalse(driver.getPageSource().contains(key), "after a reload the key is gone");
        open("/console/resources/api-keys?q=ci-");
        WebElement row = waitFor(By.cssSelector("#resources tr[data-name='ci-deploy']"));
        assertTrue(row.getText().contains("service_account:ci"), row.getText());
        assertFalse(driver.getPageSource().contains(key));
    }

    @Test
    void aValidationErrorShowsBesideItsLineAndNothingIsSaved() {
        long start = Admin.head();
        Browser.signIn(ControlPlaneTestStack.adminToken);
        open("/console/resources/virtual-models/base-assistant?editor=yaml");
        WebElement editor = waitFor(By.id("resource-yaml"));
        String yaml = editor.getAttribute("value").replace("base/chat", "base/missing");
        setValue(editor, yaml);
        waitFor(By.id("preview-problems"));

        driver.findElement(By.id("save")).click();
        WebElement error = waitFor(By.cssSelector("#resource-errors li.field-error"));
        assertTrue(error.getAttribute("data-path").startsWith("routing_config.load_balance_targets[0]"),
                error.getAttribute("data-path"));
        WebElement line = error.findElement(By.cssSelector("[data-goto-line]"));
        assertEquals(String.valueOf(ConsoleBrowserTest.lineOf(yaml, "base/missing")),
                line.getAttribute("data-goto-line"), error.getText());
        line.click();
        String selected = (String) ((JavascriptExecutor) driver).executeScript(
                "var e = document.getElementById('resource-yaml'); return e.value.substring(e.selectionStart, e.selectionEnd);");
        assertTrue(selected.contains("base/missing"), selected);
        assertEquals(start, Admin.head(), "nothing is half-saved");
        Browser.snapshot("resource-validation-error");
    }

    @Test
    void aStaleEditIsRefusedAndOffersToReload() {
        Browser.signIn(ControlPlaneTestStack.adminToken);
        open("/console/resources/users/alice");
        WebElement editor = waitFor(By.id("resource-yaml"));
        setValue(editor, editor.getAttribute("value").replace("alice@example.com", "alice@console.example"));
        Admin.put("/admin/v1/users/alice", "{\"name\": \"alice\", \"email\": \"alice@elsewhere.example\"}")
                .then().statusCode(200); // someone else, meanwhile

        driver.findElement(By.id("save")).click();
        WebElement error = waitFor(By.id("resource-error"));
        assertTrue(error.getText().contains("This user changed since you opened it"), error.getText());
        assertEquals("alice@elsewhere.example", Admin.get("/admin/v1/users/alice").jsonPath().getString("email"));
        Browser.snapshot("resource-stale");

        driver.findElement(By.id("reload-resource")).click();
        waitUntil(d -> d.findElement(By.id("resource-yaml")).getAttribute("value")
                .contains("alice@elsewhere.example"));
    }

    @Test
    void listsArePagedAndSearchedOnTheServerAndFitANarrowScreen() {
        StringBuilder users = new StringBuilder("  - {name: bob}\n");
        for (int i = 0; i < 120; i++) {
            users.append("  - {name: user-").append(String.format("%03d", i)).append("}\n");
        }
        Admin.importConfig(Admin.BASE_CONFIG.replace("  - {name: bob}\n", users.toString())).then().statusCode(200);
        Browser.signIn(ControlPlaneTestStack.adminToken);
        open("/console/resources/users");
        waitFor(By.id("resources"));
        List<String> first = names();
        assertEquals(ResourcePages.PAGE, first.size());
        assertEquals(List.of("alice", "bob", "user-000"), first.subList(0, 3));
        driver.findElement(By.id("next-page")).click();
        waitUntil(d -> d.getCurrentUrl().contains("after="));
        assertEquals("user-048", names().get(0));

        open("/console/resources/users");
        waitFor(By.id("search")).sendKeys("USER-11");
        waitUntil(d -> names().size() == 10);
        assertTrue(names().stream().allMatch(n -> n.startsWith("user-11")), names().toString());
        assertTrue(driver.getCurrentUrl().contains("q=USER-11"), "the search is in the URL: " + driver.getCurrentUrl());
        Browser.snapshot("users-search");

        Browser.resize(400, 900);
        for (String page : List.of("/console/resources/users", "/console/resources/provider-accounts/base",
                "/console/resources/models/new", "/console/resources/virtual-models/base-assistant")) {
            open(page);
            waitFor(By.id("role"));
            long overflow = (Long) ((JavascriptExecutor) driver).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertEquals(0L, overflow, page + " fits a narrow screen");
        }
        Browser.snapshot("virtual-model-narrow");
    }

    @Test
    void aViewerSeesEveryPageButNoSecretAndCannotChangeAnything() {
        Admin.post("/admin/v1/provider-accounts", """
                {"name": "keyed", "type": "openai", "auth": {"type": "api-key", "api_key": "%s"}}"""
                .formatted(API_GIVEN_KEY)).then().statusCode(201);
        Admin.post("/admin/v1/budgets", """
                {"name": "ml-monthly", "subjects": ["team:ml"], "limit_usd": 50, "per": "month"}""")
                .then().statusCode(201);
        long head = Admin.head();
        Browser.signIn(ControlPlaneTestStack.viewerToken);
        waitFor(By.id("role"));
        for (String page : List.of("/console/resources/provider-accounts", "/console/resources/provider-accounts/keyed",
                "/console/resources/models", "/console/resources/virtual-models/base-assistant",
                "/console/resources/users/alice", "/console/resources/api-keys", "/console/resources/budgets")) {
            open(page);
            waitFor(By.id("role"));
            String html = driver.getPageSource();
            assertFalse(html.contains(API_GIVEN_KEY), page + " shows the provider key");
            assertFalse(html.contains("v1:"), page + " shows a sealed value");
            for (String button : List.of("new-resource", "create", "save", "delete")) {
                assertTrue(driver.findElements(By.id(button)).isEmpty(), page + " offers " + button);
            }
        }
        assertTrue(driver.findElement(By.cssSelector("#resources tr[data-name='ml-monthly'] td.usage")).getText()
                .contains("no spend"));
        open("/console/resources/provider-accounts/keyed?editor=yaml");
        WebElement editor = waitFor(By.id("resource-yaml"));
        assertTrue(editor.getAttribute("readonly") != null, "the editor is read-only");
        assertTrue(editor.getAttribute("value").contains("***"));
        Browser.snapshot("provider-account-viewer");

        open("/console/resources/virtual-models/base-assistant");
        waitUntil(d -> share(d, "base/chat").equals("100%")); // the preview is a read: a viewer has it too

        // the page's own CSRF token does not make a viewer's change pass
        Object status = ((JavascriptExecutor) driver).executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                var token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token'];
                fetch('/console/resources/users/alice/delete', {method: 'POST', headers: {'X-CSRF-Token': token,
                    'Content-Type': 'application/x-www-form-urlencoded'}, body: 'version=0'})
                  .then(function (r) { done(r.status); });""");
        assertEquals(403L, ((Number) status).longValue());
        assertEquals(head, Admin.head());
        assertEquals(200, Admin.get("/admin/v1/users/alice").statusCode());
    }

    private List<String> names() {
        return driver.findElements(By.cssSelector("#resources tbody tr[data-name]")).stream()
                .map(r -> r.getAttribute("data-name")).toList();
    }

    private static String share(WebDriver d, String target) {
        List<WebElement> cells = d.findElements(By.cssSelector("#preview-targets tr[data-target='" + target
                + "'] td.share"));
        return cells.isEmpty() ? "" : cells.get(0).getText();
    }

    /** Sets the editor's text and tells the page, as typing would (the preview listens for input). */
    private void setValue(WebElement editor, String value) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];"
                + " arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", editor, value);
    }
}
