package dev.switchboard.controlplane.console;

import static dev.switchboard.teststack.Browser.open;
import static dev.switchboard.teststack.Browser.signIn;
import static dev.switchboard.teststack.Browser.waitFor;
import static dev.switchboard.teststack.Browser.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.controlplane.support.FakeApprovalHolder;
import dev.switchboard.controlplane.telemetry.Telemetry;
import dev.switchboard.controlplane.telemetry.TelemetryKind;
import dev.switchboard.model.approval.ApprovalWire;
import dev.switchboard.teststack.Browser;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * The console's operations pages in a real headless Chromium: approvals decided for a call an MCP gateway replica
 * holds (through the gateways' NATS contract), the request log and the tool-call audit filtered after known rows went
 * through NATS into ClickHouse.
 */
@QuarkusTest
@ExtendWith(Browser.class)
class ConsoleOperationsBrowserTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration DECISION_WAIT = Duration.ofSeconds(30);

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
    void anAdminApprovesAndDeniesPendingToolCallsAndAViewerCannot() throws Exception {
        try (FakeApprovalHolder replica = new FakeApprovalHolder(ControlPlaneTestStack.natsUrl,
                ControlPlaneTestStack.approvalsBucket, ControlPlaneTestStack.approvalsPrefix, "mcp-gateway-7.pod")) {
            ObjectNode args = JSON.createObjectNode().put("repository", "acme/payments").put("branch", "main");
            ApprovalWire.Entry wipe = replica.hold("user:erin", "github", "delete_branch", args, List.of("team:sre"));
            ApprovalWire.Entry drop = replica.hold("user:erin", "warehouse", "drop_table",
                    JSON.createObjectNode().put("table", "orders"), List.of("user:dave"));

            signIn(ControlPlaneTestStack.viewerToken);
            open("/console/approvals");
            WebElement row = waitFor(By.cssSelector("#pending-approvals tr[data-approval='" + wipe.id() + "']"));
            assertTrue(row.getText().contains("delete_branch") && row.getText().contains("acme/payments"),
                    row.getText());
            assertTrue(row.getText().contains("user:erin") && row.getText().contains("team:sre"), row.getText());
            assertTrue(driver.findElements(By.cssSelector("form.decide")).isEmpty(), "a viewer gets no buttons");
            assertEquals(403, viewerPost("/console/approvals/" + wipe.id() + "/decide", "decision=approve"));
            assertEquals(null, replica.nextDecision(Duration.ofMillis(200)), "a viewer's decision never leaves");

            driver.manage().deleteAllCookies();
            signIn(ControlPlaneTestStack.adminToken);
            open("/console/approvals");
            WebElement pending = waitFor(By.cssSelector("#pending-approvals tr[data-approval='" + wipe.id() + "']"));
            Browser.snapshot("approvals");
            pending.findElement(By.name("reason")).sendKeys("change ticket 4411");
            pending.findElement(By.cssSelector("button.approve")).click();

            WebElement notice = waitFor(By.id("approval-notice"));
            assertTrue(notice.getText().contains("delete_branch on github: approved by console:admin-token"),
                    notice.getText());
            ApprovalWire.DecideRequest sent = replica.nextDecision(DECISION_WAIT);
            assertNotNull(sent, "the holder got the decision");
            assertEquals(new ApprovalWire.DecideRequest(wipe.id(), "console:admin-token", true, "change ticket 4411"),
                    sent);
            WebElement settled = waitFor(By.cssSelector("#settled-approvals tr[data-approval='" + wipe.id() + "']"));
            assertTrue(settled.getText().contains("approved") && settled.getText().contains("console:admin-token")
                    && settled.getText().contains("change ticket 4411"), settled.getText());
            assertTrue(driver.findElements(By.cssSelector("#pending-approvals tr[data-approval='" + wipe.id() + "']"))
                    .isEmpty(), "no longer pending");

            driver.findElement(By.cssSelector("#pending-approvals tr[data-approval='" + drop.id() + "'] button.deny"))
                    .click();
            waitUntil(d -> d.findElement(By.id("approval-notice")).getText().contains("drop_table on warehouse:"
                    + " denied by console:admin-token"));
            ApprovalWire.DecideRequest denied = replica.nextDecision(DECISION_WAIT);
            assertEquals(new ApprovalWire.DecideRequest(drop.id(), "console:admin-token", false, null), denied);
            assertNotNull(waitFor(By.id("no-pending")));
            Browser.snapshot("approvals-decided");
            assertEquals(List.of(), Browser.consoleErrors(), "no script error and no CSP violation");
        }
    }

    @Test
    void aCallSettledMeanwhileIsNotDecidedTwice() throws Exception {
        try (FakeApprovalHolder replica = new FakeApprovalHolder(ControlPlaneTestStack.natsUrl,
                ControlPlaneTestStack.approvalsBucket, ControlPlaneTestStack.approvalsPrefix, "mcp-gateway-8")) {
            ApprovalWire.Entry call = replica.hold("user:erin", "github", "merge", JSON.createObjectNode(),
                    List.of("team:sre"));
            signIn(ControlPlaneTestStack.adminToken);
            open("/console/approvals");
            WebElement row = waitFor(By.cssSelector("#pending-approvals tr[data-approval='" + call.id() + "']"));
            // someone decides it elsewhere (another console, the gateway's own API) while the page is open
            try (Connection nc = Nats.connect(ControlPlaneTestStack.natsUrl)) {
                var reply = nc.request(ApprovalWire.decideSubject(ControlPlaneTestStack.approvalsPrefix,
                                ApprovalWire.holderToken("mcp-gateway-8")), ApprovalWire.encode(
                                new ApprovalWire.DecideRequest(call.id(), "user:dave", false, "not now")),
                        Duration.ofSeconds(10));
                assertEquals(ApprovalWire.Result.APPLIED, ApprovalWire.decodeReply(reply.getData()).result());
            }
            replica.nextDecision(DECISION_WAIT);
            row.findElement(By.cssSelector("button.approve")).click();
            WebElement notice = waitFor(By.id("approval-notice"));
            assertTrue(notice.getText().contains("was settled already: denied by user:dave"), notice.getText());
            assertEquals(null, replica.nextDecision(Duration.ofMillis(500)), "nothing sent to the holder");
        }
    }

    @Test
    void theRequestLogFiltersPagesAndShowsEveryAttempt() throws Exception {
        Telemetry.awaitTables();
        String model = "log-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < 53; i++) {
            rows.add(Telemetry.requestLog(model + "-ok-" + i, "user:alice", model, now.minusSeconds(120 + i), 200));
        }
        ObjectNode retried = Telemetry.requestLog(model + "-retried", "user:bob", model, now.minusSeconds(30), 200);
        retried.put("resolved_model", "backup/" + model);
        retried.put("attempts", "[{\"target\":\"primary/" + model + "\",\"status\":503,\"latency_ms\":40.0},"
                + "{\"target\":\"primary/" + model + "\",\"status\":-1,\"latency_ms\":5000.0},"
                + "{\"target\":\"backup/" + model + "\",\"status\":200,\"latency_ms\":80.0}]");
        retried.putArray("metadata_keys").add("ticket");
        retried.putArray("metadata_values").add("T-99");
        retried.put("prompt", "[{\"role\":\"user\",\"content\":\"summarize the payroll file\"}]");
        retried.put("prompt_truncated", 0);
        retried.put("completion", "the payroll file says");
        retried.put("completion_truncated", 0);
        rows.add(retried);
        ObjectNode refused = Telemetry.requestLog(model + "-refused", "user:bob", model, now.minusSeconds(20), 429);
        refused.put("attempts", "[]");
        refused.put("limit_rule", "bob-per-minute");
        rows.add(refused);
        try (Connection nc = Nats.connect(ControlPlaneTestStack.natsUrl)) {
            Telemetry.ensureStream(nc);
            Telemetry.publish(nc, Telemetry.subject(TelemetryKind.REQUEST_LOGS), model, Telemetry.body(rows));
        }
        Telemetry.await("the rows in ClickHouse", Duration.ofSeconds(60),
                () -> Telemetry.countQuietly(TelemetryKind.REQUEST_LOGS, "requested_model = '" + model + "'") == 55);

        signIn(ControlPlaneTestStack.adminToken);
        open("/console/requests?model=" + model);
        waitFor(By.id("request-log"));
        assertEquals(50, logRows().size(), "50 a page");
        assertEquals(model + "-refused", logRows().get(0).getAttribute("data-request-id"), "newest first");
        driver.findElement(By.id("page-older")).click();
        waitUntil(d -> d.findElement(By.id("page-number")).getText().equals("page 2"));
        assertEquals(5, logRows().size());
        assertTrue(driver.findElements(By.id("page-older")).isEmpty());
        assertEquals(model + "-ok-52", logRows().get(4).getAttribute("data-request-id"), "the oldest last");

        // subject and status
        open("/console/requests");
        setField("filter-model", model);
        setField("filter-subject", "user:bob");
        setField("filter-status", "429");
        driver.findElement(By.id("filter-apply")).click();
        waitUntil(d -> d.getCurrentUrl().contains("status=429"));
        assertEquals(List.of(model + "-refused"), ids());
        WebElement refusedRow = logRows().get(0);
        refusedRow.findElement(By.cssSelector("[data-toggle-detail]")).click();
        WebElement refusedDetail = refusedRow.findElement(By.cssSelector("tr.log-detail"));
        waitUntil(d -> refusedDetail.isDisplayed());
        assertTrue(refusedDetail.getText().contains("refused by\nbob-per-minute"), refusedDetail.getText());
        assertTrue(refusedDetail.getText().contains("No provider was called."), refusedDetail.getText());

        // a metadata key=value, and the detail with every attempt and, for an admin, the payloads
        open("/console/requests?model=" + model + "&meta=ticket%3DT-99");
        waitFor(By.id("request-log"));
        assertEquals(List.of(model + "-retried"), ids());
        WebElement row = logRows().get(0);
        assertFalse(row.findElement(By.cssSelector("tr.log-detail")).isDisplayed(), "closed until opened");
        row.findElement(By.cssSelector("[data-toggle-detail]")).click();
        WebElement detail = row.findElement(By.cssSelector("tr.log-detail"));
        waitUntil(d -> detail.isDisplayed());
        List<String> attempts = detail.findElements(By.cssSelector("table.attempts tbody tr")).stream()
                .map(WebElement::getText).toList();
        assertEquals(List.of("1 primary/" + model + " 503 40.0 ms", "2 primary/" + model + " no answer 5000.0 ms",
                "3 backup/" + model + " 200 80.0 ms"), attempts);
        assertTrue(detail.getText().contains("ticket=T-99"), detail.getText());
        assertTrue(detail.getText().contains("summarize the payroll file"), "an admin sees the prompt");
        Browser.snapshot("request-log");

        // a filter the API refuses shows its error beside the field
        open("/console/requests?model=" + model + "&status=teapot&meta=no-equals-sign");
        assertEquals("must be an integer", waitFor(By.cssSelector(".field-error[data-field='status']")).getText());
        assertTrue(waitFor(By.cssSelector(".field-error[data-field='meta']")).getText().contains("key=value"));
        assertEquals("teapot", driver.findElement(By.id("filter-status")).getAttribute("value"));

        // a viewer sees the request but not its payloads
        driver.manage().deleteAllCookies();
        signIn(ControlPlaneTestStack.viewerToken);
        open("/console/requests?model=" + model + "&meta=ticket%3DT-99");
        waitFor(By.id("request-log"));
        assertEquals(List.of(model + "-retried"), ids());
        assertFalse(driver.getPageSource().contains("summarize the payroll file"), "a viewer sees no prompt");
        assertFalse(driver.getPageSource().contains("the payroll file says"), "a viewer sees no completion");
        assertEquals(List.of(), Browser.consoleErrors(), "no script error and no CSP violation");
    }

    @Test
    void theToolCallAuditFiltersByServerAndOutcomeAndNamesWhoApproved() throws Exception {
        Telemetry.awaitTables();
        String server = "srv-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ObjectNode approved = Telemetry.toolCall(server + "-1", "user:erin", server, "delete_branch", "ok",
                now.minusSeconds(40));
        approved.put("approval", "{\"id\":\"ab12\",\"channel\":\"api\",\"decision\":\"approved\","
                + "\"decided_by\":\"console:admin-token\",\"waited_ms\":5300}");
        ObjectNode denied = Telemetry.toolCall(server + "-2", "user:erin", server, "drop_table", "denied",
                now.minusSeconds(30));
        denied.put("approval", "{\"id\":\"cd34\",\"channel\":\"api\",\"decision\":\"denied\","
                + "\"decided_by\":\"user:dave\",\"waited_ms\":900}");
        ObjectNode plain = Telemetry.toolCall(server + "-3", "user:frank", server, "read_file", "ok",
                now.minusSeconds(20));
        plain.putNull("approval");
        try (Connection nc = Nats.connect(ControlPlaneTestStack.natsUrl)) {
            Telemetry.ensureStream(nc);
            Telemetry.publish(nc, Telemetry.subject(TelemetryKind.TOOL_CALLS), server,
                    Telemetry.body(List.of(approved, denied, plain)));
        }
        Telemetry.await("the rows in ClickHouse", Duration.ofSeconds(60),
                () -> Telemetry.countQuietly(TelemetryKind.TOOL_CALLS, "server = '" + server + "'") == 3);

        signIn(ControlPlaneTestStack.adminToken);
        open("/console/tool-calls?server=" + server);
        waitFor(By.id("tool-call-log"));
        assertEquals(List.of(server + "-3", server + "-2", server + "-1"), ids());
        open("/console/tool-calls?server=" + server + "&outcome=ok&subject=user%3Aerin");
        waitFor(By.id("tool-call-log"));
        assertEquals(List.of(server + "-1"), ids());
        WebElement row = logRows().get(0);
        assertEquals("approved by console:admin-token", row.findElement(By.cssSelector("td.approved-by")).getText());
        row.findElement(By.cssSelector("[data-toggle-detail]")).click();
        WebElement detail = row.findElement(By.cssSelector("tr.log-detail"));
        waitUntil(d -> detail.isDisplayed());
        assertTrue(detail.findElement(By.cssSelector("pre.approval")).getText().contains("\"waited_ms\" : 5300"));
        assertTrue(detail.getText().contains("/tmp/a"), "an admin sees the arguments");
        Browser.snapshot("tool-calls");

        driver.manage().deleteAllCookies();
        signIn(ControlPlaneTestStack.viewerToken);
        open("/console/tool-calls?server=" + server + "&outcome=ok&subject=user%3Aerin");
        waitFor(By.id("tool-call-log"));
        assertFalse(driver.getPageSource().contains("/tmp/a"), "a viewer sees no arguments");
    }

    @Test
    void theMcpPageShowsServersPoliciesVirtualServersAndGuardrailsAndAUsersManagedMcpJsonButNoSecret() {
        String token = "ghp-console-mcp-token-7d21c0";
        String webhookToken = "wh-console-token-55aa";
        Admin.post("/admin/v1/mcp-servers", """
                {"name": "github", "url": "http://127.0.0.1:9/github/mcp",
                 "auth": {"type": "bearer", "token": "%s"}}""".formatted(token)).then().statusCode(201);
        Admin.post("/admin/v1/tool-policies", """
                {"name": "alice-github", "subjects": ["user:alice"], "server": "github", "deny": ["delete_repository"],
                 "require_approval": ["create_issue"], "approvers": ["user:bob"]}""").then().statusCode(201);
        Admin.post("/admin/v1/tool-policies", """
                {"name": "ml-search", "subjects": ["team:ml"], "server": "base-mcp", "allow": ["search"]}""")
                .then().statusCode(201);
        Admin.post("/admin/v1/virtual-mcp-servers", """
                {"name": "research", "tools": ["base-mcp/search", "github/search_issues"]}""").then().statusCode(201);
        Admin.post("/admin/v1/guardrails", """
                {"name": "tool-dlp", "type": "webhook", "hooks": ["mcp_pre_tool"], "mcp_servers": ["github"],
                 "webhook": {"url": "http://127.0.0.1:9/verdict", "token": "%s"}}""".formatted(webhookToken))
                .then().statusCode(201);

        signIn(ControlPlaneTestStack.viewerToken);
        open("/console/mcp");
        WebElement server = waitFor(By.cssSelector("#mcp-servers tr[data-name='github']"));
        assertTrue(server.getText().contains("bearer") && server.getText().contains("***"), server.getText());
        WebElement policy = driver.findElement(By.cssSelector("#tool-policies tr[data-name='alice-github']"));
        assertTrue(policy.getText().contains("delete_repository") && policy.getText().contains("create_issue by user:bob"),
                policy.getText());
        assertTrue(driver.findElement(By.cssSelector("#virtual-mcp-servers tr[data-name='research']")).getText()
                .contains("github/search_issues"));
        WebElement guardrail = driver.findElement(By.cssSelector("#mcp-guardrails tr[data-name='tool-dlp']"));
        assertTrue(guardrail.getText().contains("mcp_pre_tool") && guardrail.getText().contains("servers github")
                && guardrail.getText().contains("(token ***)"), guardrail.getText());
        String html = driver.getPageSource();
        assertFalse(html.contains(token) || html.contains(webhookToken), "no secret in the page");
        assertFalse(html.contains("v1:"), "no sealed value in the page");

        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("managed-for"))).selectByValue("user:alice");
        driver.findElement(By.id("managed-show")).click();
        String managed = waitFor(By.id("managed-mcp")).getText();
        // alice: github through her policy, base-mcp through team ml, research through either
        assertEquals(List.of("base-mcp", "github", "research"), fieldNames(managed).stream().sorted().toList());
        assertTrue(managed.contains("\"url\" : \"http://localhost:8082/mcp/v1/github/mcp\""), managed);
        assertTrue(managed.contains("Bearer ${SWITCHBOARD_API_KEY}"), managed);
        assertTrue(driver.findElement(By.id("managed-settings")).getText()
                .contains("http://localhost:8082/mcp/v1/research/*"));
        Browser.resize(1280, 1400); // the whole page, managed-mcp.json included
        Browser.snapshot("mcp");
        Browser.resize(1280, 900);

        open("/console/mcp?for=service_account%3Aci");
        assertEquals(List.of(), fieldNames(waitFor(By.id("managed-mcp")).getText()), "no policy names ci");
        open("/console/mcp?for=user%3Anobody");
        assertTrue(waitFor(By.id("managed-error")).getText().contains("no user or service account user:nobody"));
    }

    private static List<String> fieldNames(String json) {
        try {
            List<String> names = new ArrayList<>();
            JSON.readTree(json).fieldNames().forEachRemaining(names::add);
            return names;
        } catch (java.io.IOException e) {
            throw new AssertionError(json, e);
        }
    }

    private List<WebElement> logRows() {
        return driver.findElements(By.cssSelector("table.log tbody.log-row"));
    }

    private List<String> ids() {
        return logRows().stream().map(r -> r.getAttribute("data-request-id")).toList();
    }

    private void setField(String id, String value) {
        WebElement field = waitFor(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    /** A change sent with the page's own CSRF token, as a script of the page could. */
    private int viewerPost(String path, String form) {
        Object status = ((JavascriptExecutor) driver).executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                var token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token'];
                fetch(arguments[0], {method: 'POST', headers: {'X-CSRF-Token': token,
                    'Content-Type': 'application/x-www-form-urlencoded'}, body: arguments[1]})
                  .then(function (r) { done(r.status); });""", path, form);
        return ((Number) status).intValue();
    }

}
