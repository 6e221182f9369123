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
import org.openqa.selenium.support.ui.Select;

/**
 * The resource forms in a real headless Chromium: a provider account and a model created in forms and served (the
 * snapshot the gateways load has them), a validation error beside its field with what was typed kept, a virtual
 * model's targets edited with the route preview following, a stale edit refused, and a viewer's read-only form. Each
 * test starts signed out from the base config.
 */
@QuarkusTest
@ExtendWith(Browser.class)
class ResourceFormsBrowserTest {

    static final String TYPED_KEY = "sk-typed-in-the-form-51be07";

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
    void createAProviderAccountAndAModelInFormsAndTheGatewaysSnapshotServesIt() throws Exception {
        Browser.signIn(ControlPlaneTestStack.adminToken);
        open("/console/resources/provider-accounts");
        waitFor(By.id("new-resource")).click();
        type("f-name", "acme");
        choose("f-type", "openai-compatible");
        type("f-base-url", "http://127.0.0.1:9/v1");
        choose("f-auth-type", "api-key");
        type("f-auth-api-key", TYPED_KEY);
        driver.findElement(By.id("create")).click();
        WebElement outcome = waitFor(By.id("resource-outcome"));
        assertTrue(outcome.getText().contains("Created the provider account acme"), outcome.getText());
        waitUntil(d -> d.getCurrentUrl().endsWith("/console/resources/provider-accounts/acme"));
        WebElement key = driver.findElement(By.id("f-auth-api-key"));
        assertEquals("", key.getAttribute("value"), "the key is never sent back");
        assertTrue(driver.findElement(By.id("f-auth-api-key-hint")).getText().contains("stored, sealed"));
        assertFalse(driver.getPageSource().contains(TYPED_KEY));
        assertEquals("***", Admin.get("/admin/v1/provider-accounts/acme").jsonPath().getString("auth.api_key.sealed"));

        open("/console/resources/models/new");
        choose("f-account", "acme");
        type("f-id", "gpt-acme");
        type("f-price-input-per-million-usd", "2.5");
        type("f-price-output-per-million-usd", "10");
        driver.findElement(By.id("create")).click();
        outcome = waitFor(By.id("resource-outcome"));
        assertTrue(outcome.getText().contains("Created the model acme/gpt-acme"), outcome.getText());
        waitUntil(d -> d.getCurrentUrl().endsWith("/console/resources/models/acme/gpt-acme"));
        assertEquals("2.5", driver.findElement(By.id("f-price-input-per-million-usd")).getAttribute("value"));
        JsonPath model = Admin.get("/admin/v1/provider-accounts/acme/models/gpt-acme").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(2.5f, model.getFloat("price.input_per_million_usd"));
        assertEquals(List.of(), Browser.consoleErrors(), "no script error and no CSP violation");
        Browser.snapshot("model-form");

        // served: the snapshot in NATS that the gateways load has the model under its account, the key only sealed
        Snapshots.Fetched fetched = Snapshots.awaitRevision(Admin.head(), Duration.ofSeconds(30));
        ConfigSnapshot snapshot = SnapshotWire.decode(fetched.content());
        assertTrue(snapshot.model("acme/gpt-acme").isPresent(), "the snapshot serves acme/gpt-acme");
        assertFalse(new String(fetched.content(), StandardCharsets.UTF_8).contains(TYPED_KEY));

        open("/console/resources/models?q=gpt-acme");
        WebElement row = waitFor(By.cssSelector("#resources tr[data-name='acme/gpt-acme']"));
        assertTrue(row.getText().contains("$2.5 in / $10 out per 1M tokens"), row.getText());
        open("/console/resources/provider-accounts/acme");
        waitFor(By.id("f-auth-api-key"));
        Browser.snapshot("provider-account-form");
    }

    @Test
    void aValidationErrorShowsBesideItsFieldWithWhatWasTypedKeptAndNothingSaved() {
        long start = Admin.head();
        Browser.signIn(ControlPlaneTestStack.adminToken);
        open("/console/resources/models/new");
        choose("f-account", "base");
        type("f-id", "priced");
        type("f-price-input-per-million-usd", "-1");
        type("f-price-output-per-million-usd", "3");
        driver.findElement(By.id("create")).click();

        WebElement error = waitFor(By.id("f-price-input-per-million-usd-error"));
        assertTrue(error.getText().contains("must be >= 0"), error.getText());
        WebElement price = driver.findElement(By.id("f-price-input-per-million-usd"));
        assertEquals("true", price.getAttribute("aria-invalid"));
        assertTrue(price.getAttribute("aria-describedby").contains("f-price-input-per-million-usd-error"),
                price.getAttribute("aria-describedby"));
        assertEquals("-1", price.getAttribute("value"), "what was typed is kept");
        assertEquals("priced", driver.findElement(By.id("f-id")).getAttribute("value"));
        assertEquals("3", driver.findElement(By.id("f-price-output-per-million-usd")).getAttribute("value"));
        waitUntil(d -> "f-price-input-per-million-usd".equals(((JavascriptExecutor) d)
                .executeScript("return document.activeElement.id;"))); // the field in error has the focus
        assertTrue(driver.findElements(By.id("f-price-output-per-million-usd-error")).isEmpty());
        assertEquals(start, Admin.head(), "nothing is half-saved");
        Admin.get("/admin/v1/provider-accounts/base/models/priced").then().statusCode(404);
        Browser.snapshot("model-form-error");
    }

    @Test
    void editAVirtualModelsTargetsAndTheRoutePreviewFollows() {
        Browser.signIn(ControlPlaneTestStack.adminToken);
        open("/console/resources/virtual-models/base-assistant");
        waitUntil(d -> share(d, "base/chat").equals("100%"));
        assertEquals("base/chat", driver.findElement(By.id("target-0")).getAttribute("value"));

        choose("f-routing-config-type", "weight-based-routing");
        driver.findElement(By.id("priority-0")).clear();
        type("weight-0", "75");
        driver.findElement(By.id("add-target")).click();
        type("target-1", "base/spare");
        type("weight-1", "25");
        waitUntil(d -> share(d, "base/spare").equals("25%"));
        assertEquals("75%", share(driver, "base/chat"));
        assertTrue(driver.findElement(By.id("preview-summary")).getText().contains("weight-based-routing"));
        assertTrue(driver.findElements(By.id("preview-problems")).isEmpty(), "the edit is valid");

        // a third row naming no model: the preview says what Save would refuse, then the row goes again
        driver.findElement(By.id("add-target")).click();
        type("target-2", "base/missing");
        type("weight-2", "10");
        waitUntil(d -> !d.findElements(By.id("preview-problems")).isEmpty());
        driver.findElement(By.id("remove-target-2")).click();
        waitUntil(d -> d.findElements(By.id("target-2")).isEmpty());
        waitUntil(d -> d.findElements(By.id("preview-problems")).isEmpty() && share(d, "base/spare").equals("25%"));
        assertEquals(List.of(), Browser.consoleErrors(), "no script error and no CSP violation");
        Browser.snapshot("virtual-model-form");

        long before = Admin.head();
        driver.findElement(By.id("save")).click();
        WebElement outcome = waitFor(By.id("resource-outcome"));
        assertTrue(outcome.getText().contains("Saved as revision " + (before + 1)), outcome.getText());
        JsonPath vm = Admin.get("/admin/v1/virtual-models/base-assistant").then().statusCode(200).extract()
                .jsonPath();
        assertEquals("weight-based-routing", vm.getString("routing_config.type"));
        assertEquals(List.of("base/chat", "base/spare"), vm.getList("routing_config.load_balance_targets.target"));
        assertEquals(List.of(75, 25), vm.getList("routing_config.load_balance_targets.weight"));
        assertEquals(String.valueOf(before + 1), driver.findElement(By.id("resource-version-shown")).getText());
    }

    @Test
    void aTargetNamingNoModelIsRefusedBesideItsRow() {
        long start = Admin.head();
        Browser.signIn(ControlPlaneTestStack.adminToken);
        open("/console/resources/virtual-models/base-assistant");
        WebElement target = waitFor(By.id("target-0"));
        target.clear();
        target.sendKeys("base/missing");
        driver.findElement(By.id("save")).click();
        WebElement error = waitFor(By.id("target-0-error"));
        assertTrue(error.getText().contains("base/missing"), error.getText());
        assertEquals("target-0-error", driver.findElement(By.id("target-0")).getAttribute("aria-describedby"));
        assertEquals("base/missing", driver.findElement(By.id("target-0")).getAttribute("value"));
        assertEquals(start, Admin.head());
    }

    @Test
    void aStaleEditIsRefusedWithTheEditKeptAndOffersToReload() {
        Browser.signIn(ControlPlaneTestStack.adminToken);
        open("/console/resources/models/base/chat");
        type("f-price-input-per-million-usd", "1");
        Admin.put("/admin/v1/provider-accounts/base/models/chat", """
                {"id": "chat", "price": {"input_per_million_usd": 7, "output_per_million_usd": 7}}""")
                .then().statusCode(200); // someone else, meanwhile
        long head = Admin.head();

        driver.findElement(By.id("save")).click();
        WebElement error = waitFor(By.id("resource-error"));
        assertTrue(error.getText().contains("This model changed since you opened it"), error.getText());
        assertEquals("1", driver.findElement(By.id("f-price-input-per-million-usd")).getAttribute("value"),
                "the edit is still in the form");
        assertEquals(head, Admin.head(), "nothing saved");
        assertEquals(7f, Admin.get("/admin/v1/provider-accounts/base/models/chat").jsonPath()
                .getFloat("price.input_per_million_usd"));
        Browser.snapshot("model-form-stale");

        driver.findElement(By.id("reload-resource")).click();
        waitUntil(d -> d.findElement(By.id("f-price-input-per-million-usd")).getAttribute("value").equals("7"));
        assertEquals(String.valueOf(head), driver.findElement(By.id("resource-version-shown")).getText());
    }

    @Test
    void aViewerSeesTheFormsReadOnlyAndNoSecret() {
        Admin.post("/admin/v1/provider-accounts", """
                {"name": "keyed", "type": "openai", "auth": {"type": "api-key", "api_key": "%s"}}"""
                .formatted(TYPED_KEY)).then().statusCode(201);
        Browser.signIn(ControlPlaneTestStack.viewerToken);
        waitFor(By.id("role"));
        for (String page : List.of("/console/resources/provider-accounts/keyed", "/console/resources/models/base/chat",
                "/console/resources/virtual-models/base-assistant", "/console/resources/api-keys/new")) {
            open(page);
            waitFor(By.id("read-only"));
            assertFalse(driver.getPageSource().contains(TYPED_KEY), page);
            for (String button : List.of("create", "save", "delete", "add-target", "remove-target-0")) {
                assertTrue(driver.findElements(By.id(button)).isEmpty(), page + " offers " + button);
            }
            assertTrue(driver.findElements(By.cssSelector("#resource-form input:not([type=hidden])")).stream()
                    .noneMatch(WebElement::isEnabled), page + ": every field is read-only");
        }
        open("/console/resources/provider-accounts/keyed");
        assertEquals("", waitFor(By.id("f-auth-api-key")).getAttribute("value"));
        assertTrue(driver.findElement(By.id("f-auth-api-key-hint")).getText().contains("stored, sealed"));
        Browser.snapshot("provider-account-form-viewer");
        open("/console/resources/virtual-models/base-assistant");
        waitUntil(d -> share(d, "base/chat").equals("100%")); // the preview is a read: a viewer has it too
    }

    private static String share(WebDriver d, String target) {
        List<WebElement> cells = d.findElements(By.cssSelector("#preview-targets tr[data-target='" + target
                + "'] td.share"));
        return cells.isEmpty() ? "" : cells.get(0).getText();
    }

    /** Replaces a field's text as typing does (the preview listens for input events). */
    private void type(String id, String text) {
        WebElement field = waitFor(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

    private void choose(String id, String value) {
        new Select(waitFor(By.id(id))).selectByValue(value);
    }
}
