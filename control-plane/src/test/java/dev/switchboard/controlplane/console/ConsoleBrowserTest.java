package dev.switchboard.controlplane.console;

import static dev.switchboard.teststack.Browser.open;
import static dev.switchboard.teststack.Browser.signIn;
import static dev.switchboard.teststack.Browser.waitFor;
import static dev.switchboard.teststack.Browser.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.controlplane.telemetry.Telemetry;
import dev.switchboard.controlplane.telemetry.TelemetryKind;
import dev.switchboard.teststack.Browser;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The console in a real headless Chromium: sign-in and out, roles, config as code (dry run, apply, restore, diffs,
 * validation errors beside their line, stale edits), the overview after traffic. Each test starts signed out from the
 * base config.
 */
@QuarkusTest
@ExtendWith(Browser.class)
class ConsoleBrowserTest {

    /** A provider key given in clear through the admin API: no console page may ever show it. */
    static final String PROVIDER_KEY = "sk-provider-console-test-5b1e9d";

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

    /**
     * The overview's request total. Its figures are ClickHouse's: on a loaded machine the analytics query can miss its
     * timeout, and the page then says so ({@code #analytics-unavailable}) instead of showing them. The page is asked
     * again, up to three times, and a notice that persists is the failure's message.
     */
    private WebElement totals() {
        String notice = null;
        for (int i = 0; i < 3; i++) {
            waitUntil(d -> !d.findElements(By.id("total-requests")).isEmpty()
                    || !d.findElements(By.id("analytics-unavailable")).isEmpty());
            if (!driver.findElements(By.id("total-requests")).isEmpty()) {
                return waitFor(By.id("total-requests"));
            }
            notice = driver.findElement(By.id("analytics-unavailable")).getText();
            driver.navigate().refresh();
        }
        throw new AssertionError("the overview showed no figures, three times: " + notice);
    }

    @Test
    void signInAndOut() {
        open("/console/config");
        assertTrue(driver.getCurrentUrl().endsWith("/console/sign-in"), driver.getCurrentUrl());
        Browser.snapshot("sign-in");

        signIn("not-the-token");
        assertTrue(waitFor(By.id("sign-in-error")).getText().contains("does not sign in"));

        signIn(ControlPlaneTestStack.adminToken);
        totals();
        assertEquals("admin", driver.findElement(By.id("role")).getText());
        assertEquals("admin-token", driver.findElement(By.id("signed-in-as")).getText());

        driver.findElement(By.id("sign-out")).click();
        waitUntil(d -> d.getCurrentUrl().endsWith("/console/sign-in"));
        open("/console/overview");
        assertTrue(driver.getCurrentUrl().endsWith("/console/sign-in"), "signed out: " + driver.getCurrentUrl());
        assertEquals(List.of(), Browser.consoleErrors(), "no script error and no CSP violation");
    }

    @Test
    void aViewerCannotChangeAnythingAndSeesNoSecret() {
        Admin.post("/admin/v1/provider-accounts", """
                {"name": "keyed", "type": "openai", "auth": {"type": "api-key", "api_key": "%s"}}""".formatted(PROVIDER_KEY)).then().statusCode(201);
        long head = Admin.head();

        signIn(ControlPlaneTestStack.viewerToken);
        waitFor(By.id("role"));
        assertEquals("viewer", driver.findElement(By.id("role")).getText());
        open("/console/config");
        WebElement editor = waitFor(By.id("config-yaml"));
        assertTrue(editor.getAttribute("readonly") != null, "the editor is read-only");
        assertTrue(driver.findElements(By.id("apply")).isEmpty() && driver.findElements(By.id("dry-run")).isEmpty());
        assertTrue(driver.findElements(By.cssSelector("button.restore")).isEmpty());
        String yaml = editor.getAttribute("value");
        assertTrue(yaml.contains("name: keyed") && yaml.contains("***"), yaml);
        for (String page : List.of("/console/config", "/console/overview")) {
            open(page);
            waitFor(By.id("role"));
            String html = driver.getPageSource();
            assertFalse(html.contains(PROVIDER_KEY), page + " shows the provider key");
            assertFalse(html.contains("v1:"), page + " shows a sealed value");
        }
        Browser.snapshot("config-viewer");

        // the page's own CSRF token does not make a viewer's change pass
        open("/console/config");
        waitFor(By.id("config-yaml"));
        Object status = ((JavascriptExecutor) driver).executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                var token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token'];
                fetch('/console/config/apply', {method: 'POST', headers: {'X-CSRF-Token': token,
                    'Content-Type': 'application/x-www-form-urlencoded'},
                    body: 'base=' + document.getElementById('config-base').value + '&yaml=users%3A%20%5B%5D'})
                  .then(function (r) { done(r.status); });""");
        assertEquals(403L, ((Number) status).longValue());
        assertEquals(head, Admin.head());
    }

    @Test
    void aDryRunShowsTheDiffThenApplyThenRestoreTheEarlierRevision() {
        long start = Admin.head();
        signIn(ControlPlaneTestStack.adminToken);
        open("/console/config");
        WebElement editor = waitFor(By.id("config-yaml"));
        setValue(editor, withUser(editor.getAttribute("value"), "carol"));

        driver.findElement(By.id("dry-run")).click();
        WebElement outcome = waitFor(By.id("config-outcome"));
        assertTrue(outcome.getText().contains("Dry run against revision " + start), outcome.getText());
        assertCreated("users", "carol");
        assertEquals(start, Admin.head(), "a dry run applies nothing");
        Browser.snapshot("config-dry-run");

        driver.findElement(By.id("apply")).click();
        waitUntil(d -> d.findElement(By.id("config-outcome")).getText().contains("Applied as revision " + (start + 1)));
        assertEquals(start + 1, Admin.head());
        assertTrue(Admin.get("/admin/v1/users/carol").statusCode() == 200);
        WebElement row = waitFor(By.id("revision-" + (start + 1)));
        assertTrue(row.getText().contains("admin-token") && row.getText().contains("console: apply config"),
                row.getText());
        assertEquals(String.valueOf(start + 1), driver.findElement(By.id("config-revision")).getText());

        driver.findElement(By.id("restore-" + start)).click();
        driver.switchTo().alert().accept();
        waitUntil(d -> d.findElement(By.id("config-outcome")).getText()
                .contains("Revision " + start + " restored as revision " + (start + 2)));
        assertEquals(start + 2, Admin.head());
        assertEquals(404, Admin.get("/admin/v1/users/carol").statusCode());
        assertFalse(driver.findElement(By.id("config-yaml")).getAttribute("value").contains("carol"));
        waitFor(By.id("revision-" + (start + 2)));
        Browser.snapshot("config-revisions");
    }

    @Test
    void theDiffBetweenAnyTwoRevisions() {
        long start = Admin.head();
        Admin.post("/admin/v1/users", "{\"name\": \"dave\"}").then().statusCode(201);
        Admin.post("/admin/v1/teams", "{\"name\": \"infra\", \"members\": [\"dave\"]}").then().statusCode(201);
        signIn(ControlPlaneTestStack.adminToken);
        open("/console/config");
        waitFor(By.id("diff-from")).sendKeys(String.valueOf(start));
        WebElement to = driver.findElement(By.id("diff-to"));
        to.clear();
        to.sendKeys(String.valueOf(start + 2));
        driver.findElement(By.id("diff-show")).click();
        WebElement diff = waitFor(By.id("diff-result"));
        assertTrue(diff.getText().contains("Revision " + start + " → " + (start + 2)), diff.getText());
        assertCreated("users", "dave");
        assertCreated("teams", "infra");
    }

    @Test
    void aValidationErrorShowsBesideItsLine() {
        long start = Admin.head();
        signIn(ControlPlaneTestStack.adminToken);
        open("/console/config");
        WebElement editor = waitFor(By.id("config-yaml"));
        String yaml = editor.getAttribute("value").replace("target: base/chat", "target: base/missing");
        assertTrue(yaml.contains("base/missing"), yaml);
        setValue(editor, yaml);

        driver.findElement(By.id("apply")).click();
        WebElement error = waitFor(By.cssSelector("#config-errors li.field-error"));
        assertTrue(error.getAttribute("data-path").startsWith("virtual_models[0]"), error.getAttribute("data-path"));
        WebElement line = error.findElement(By.cssSelector("[data-goto-line]"));
        int expected = lineOf(yaml, "base/missing");
        assertEquals(String.valueOf(expected), line.getAttribute("data-goto-line"), error.getText());
        line.click();
        String selected = (String) ((JavascriptExecutor) driver).executeScript(
                "var e = document.getElementById('config-yaml'); return e.value.substring(e.selectionStart, e.selectionEnd);");
        assertTrue(selected.contains("base/missing"), selected);
        assertEquals(start, Admin.head(), "nothing is half-saved");
        Browser.snapshot("config-validation-error");
    }

    @Test
    void aStaleEditIsRefusedAndOffersToReload() {
        long start = Admin.head();
        signIn(ControlPlaneTestStack.adminToken);
        open("/console/config");
        WebElement editor = waitFor(By.id("config-yaml"));
        setValue(editor, withUser(editor.getAttribute("value"), "erin"));
        Admin.post("/admin/v1/users", "{\"name\": \"frank\"}").then().statusCode(201); // someone else, meanwhile

        driver.findElement(By.id("apply")).click();
        WebElement error = waitFor(By.id("config-error"));
        assertTrue(error.getText().contains("The config changed since you opened it"), error.getText());
        assertTrue(error.getText().contains("You edited revision " + start + "; revision " + (start + 1)
                + " is current"), error.getText());
        assertEquals(start + 1, Admin.head());
        assertEquals(404, Admin.get("/admin/v1/users/erin").statusCode());
        Browser.snapshot("config-stale");

        driver.findElement(By.id("reload-config")).click();
        waitUntil(d -> d.findElement(By.id("config-revision")).getText().equals(String.valueOf(start + 1)));
        assertTrue(driver.findElement(By.id("config-yaml")).getAttribute("value").contains("frank"));
    }

    @Test
    void theOverviewShowsTheTrafficFiguresAndWorksOnANarrowScreen() throws Exception {
        Telemetry.awaitTables();
        String model = "console-" + UUID.randomUUID().toString().substring(0, 8);
        List<ObjectNode> rows = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < 5; i++) {
            rows.add(Telemetry.requestLog(model + "-" + i, "alice", model, now.minusSeconds(60L * i), i == 4 ? 502 : 200));
        }
        try (Connection nc = Nats.connect(ControlPlaneTestStack.natsUrl)) {
            Telemetry.ensureStream(nc);
            Telemetry.publish(nc, Telemetry.subject(TelemetryKind.REQUEST_LOGS), model, Telemetry.body(rows));
        }
        Telemetry.await("the rows in ClickHouse", Duration.ofSeconds(30),
                () -> Telemetry.countQuietly(TelemetryKind.REQUEST_LOGS, "requested_model = '" + model + "'") == 5);

        signIn(ControlPlaneTestStack.adminToken);
        open("/console/overview?range=1h&group=model");
        long requests = Long.parseLong(totals().getText());
        assertTrue(requests >= 5, "requests " + requests);
        assertTrue(Long.parseLong(driver.findElement(By.id("total-errors")).getText()) >= 1);
        assertFalse(driver.findElement(By.id("total-cost")).getText().equals("$0.0000"));
        WebElement row = driver.findElement(By.xpath("//table[@id='by-group']//tr[td[1][text()='" + model + "']]"));
        assertTrue(row.getText().contains(model + " 5 1 50 100"), row.getText());
        // Chart.js drew into the canvases (a drawn canvas holds pixels that are not all transparent)
        waitUntil(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "var c = document.getElementById('chart-requests'); if (!c || !c.dataset.drawn) return false;"
                        + " var p = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                        + " for (var i = 3; i < p.length; i += 4) { if (p[i] !== 0) return true; } return false;")));
        assertEquals(List.of(), Browser.consoleErrors(), "no script error and no CSP violation");
        Browser.snapshot("overview");

        Browser.resize(400, 900);
        open("/console/overview?range=1h&group=model");
        totals();
        long overflow = (Long) ((JavascriptExecutor) driver).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertEquals(0L, overflow, "the page fits a narrow screen (tables scroll inside their box)");
        Browser.snapshot("overview-narrow");
    }


    private void assertCreated(String kind, String name) {
        WebElement change = waitFor(By.cssSelector("li[data-kind='" + kind + "'][data-name='" + name + "']"));
        assertTrue(change.getText().startsWith("created"), change.getText());
    }

    private void setValue(WebElement editor, String value) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];", editor, value);
    }

    /** The YAML with one more user, written at the indentation of the users already there. */
    static String withUser(String yaml, String name) {
        List<String> lines = new ArrayList<>(yaml.lines().toList());
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("- name: \"bob\"") || lines.get(i).strip().equals("- name: bob")) {
                String indent = lines.get(i).substring(0, lines.get(i).indexOf('-'));
                lines.add(i + 1, indent + "- name: " + name);
                return String.join("\n", lines) + "\n";
            }
        }
        throw new AssertionError("no user bob in\n" + yaml);
    }

    static int lineOf(String text, String needle) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(needle)) {
                return i + 1;
            }
        }
        throw new AssertionError(needle + " not in the text");
    }
}
