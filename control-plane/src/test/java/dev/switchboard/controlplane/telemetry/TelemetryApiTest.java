package dev.switchboard.controlplane.telemetry;

import static dev.switchboard.controlplane.telemetry.Telemetry.requestLog;
import static dev.switchboard.controlplane.telemetry.Telemetry.toolCall;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ClickHouseHttp;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /admin/v1/request-logs} and {@code /admin/v1/tool-calls} over rows in the real ClickHouse. */
@QuarkusTest
@QuarkusTestResource(value = ControlPlaneTestStack.class, restrictToAnnotatedClass = false)
class TelemetryApiTest {

    /** A subject of this class's own, so other tests' rows do not show. */
    static final String WHO = "api-" + UUID.randomUUID();
    static final String LOGS = "/admin/v1/request-logs";
    static final String TOOLS = "/admin/v1/tool-calls";
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00.250Z");

    @BeforeAll
    static void rows() throws Exception {
        Telemetry.awaitTables();
        List<ObjectNode> logs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ObjectNode log = requestLog(WHO + "-r" + i, WHO, i % 2 == 0 ? "chat" : "spare",
                    T0.plus(i, ChronoUnit.MINUTES), i == 3 ? 429 : 200);
            if (i >= 2) { // r2..r4 carry x-tfy-metadata; r2 and r4 for customer acme
                log.withArray("metadata_keys").add("customer_id").add("env");
                log.withArray("metadata_values").add(i == 3 ? "globex" : "acme").add("prod");
            }
            logs.add(log);
        }
        ClickHouseHttp.insert(Telemetry.table(TelemetryKind.REQUEST_LOGS), new String(Telemetry.body(logs),
                StandardCharsets.UTF_8));
        ObjectNode truncated = toolCall(WHO + "-t2", WHO, "files", "write", "error", T0.plusSeconds(120));
        truncated.put("request", "{\"path\":\"/tmp/very-lo");
        truncated.put("request_truncated", 1);
        truncated.putNull("approval");
        ClickHouseHttp.insert(Telemetry.table(TelemetryKind.TOOL_CALLS), new String(Telemetry.body(List.of(
                toolCall(WHO + "-t0", WHO, "files", "read", "ok", T0),
                toolCall(WHO + "-t1", WHO, "search", "query", "ok", T0.plusSeconds(60)),
                truncated)), StandardCharsets.UTF_8));
    }

    /** {@code path?k=v&...}, the values given raw and encoded once by RestAssured. */
    private static Response call(String path, String... params) {
        var spec = Admin.admin();
        for (int i = 0; i < params.length; i += 2) {
            spec = spec.queryParam(params[i], params[i + 1]);
        }
        return Admin.kept(spec.get(path));
    }

    private static JsonNode items(String path, String... params) {
        Response r = call(path, params);
        assertEquals(200, r.statusCode(), r.asString());
        return Admin.json(r).get("items");
    }

    private static List<String> ids(JsonNode items) {
        List<String> ids = new ArrayList<>();
        items.forEach(i -> ids.add(i.get("request_id").asText().substring(WHO.length() + 1)));
        return ids;
    }

    @Test
    void aRowStoredTwiceShowsOnce() throws Exception {
        String who = "dup-" + UUID.randomUUID();
        ObjectNode a = requestLog(who + "-a", who, "chat", T0, 200).put("event_id", "gw-1-1");
        ObjectNode b = requestLog(who + "-b", who, "chat", T0.plusSeconds(1), 200).put("event_id", "gw-1-2");
        ObjectNode sameRequestId = requestLog(who + "-a", who, "chat", T0.plusSeconds(2), 200).put("event_id", "gw-1-3");
        ObjectNode older = requestLog(who + "-old", who, "chat", T0.plusSeconds(3), 200); // before event ids
        String table = Telemetry.table(TelemetryKind.REQUEST_LOGS);
        ClickHouseHttp.insert(table, new String(Telemetry.body(List.of(a, b, sameRequestId, older)), StandardCharsets.UTF_8));
        // a message delivered again after ClickHouse had taken it
        ClickHouseHttp.insert(table, new String(Telemetry.body(List.of(a, older)), StandardCharsets.UTF_8));
        assertEquals(6, Telemetry.count(TelemetryKind.REQUEST_LOGS, "subject = '" + who + "'"));

        List<String> shown = new ArrayList<>();
        items(LOGS, "subject", who).forEach(i -> shown.add(i.get("request_id").asText().substring(who.length() + 1)
                + "/" + i.path("event_id").asText()));
        assertEquals(List.of("old/", "a/gw-1-3", "b/gw-1-2", "a/gw-1-1"), shown,
                "one row per event; a caller's request id used twice is two events");

        ObjectNode call = toolCall(who + "-t", who, "files", "read", "ok", T0).put("event_id", "mcp-1-1");
        String tools = Telemetry.table(TelemetryKind.TOOL_CALLS);
        ClickHouseHttp.insert(tools, new String(Telemetry.body(List.of(call)), StandardCharsets.UTF_8));
        ClickHouseHttp.insert(tools, new String(Telemetry.body(List.of(call)), StandardCharsets.UTF_8));
        assertEquals(1, items(TOOLS, "subject", who).size());
    }

    @Test
    void requestLogsNewestFirstWithNestedJsonParsed() {
        JsonNode items = items(LOGS, "subject", WHO);
        assertEquals(List.of("r4", "r3", "r2", "r1", "r0"), ids(items));
        JsonNode r3 = items.get(1);
        assertEquals(429, r3.get("status").asInt());
        assertEquals("2026-03-01 10:03:00", r3.get("started_at").asText());
        assertEquals(T0.plus(3, ChronoUnit.MINUTES).toEpochMilli(), r3.get("started_at_ms").asLong());
        assertTrue(r3.get("started_at_ms").isNumber());
        assertTrue(r3.get("stream").isBoolean() && r3.get("stream").asBoolean());
        assertTrue(r3.get("prompt_tokens").isNumber());
        assertTrue(r3.get("attempts").isArray());
        assertEquals("acct/spare", r3.get("attempts").get(0).get("target").asText());
        assertTrue(r3.get("guardrails").isArray());
        assertTrue(r3.get("error_code").isNull());
        assertEquals(Telemetry.JSON.createObjectNode().put("limit", 100).get("limit"),
                Admin.json(call(LOGS, "subject", WHO)).get("limit"));
    }

    @Test
    void requestLogFilters() {
        assertEquals(List.of("r4", "r2", "r0"), ids(items(LOGS, "subject", WHO, "model", "chat")));
        assertEquals(List.of("r3", "r1"), ids(items(LOGS, "subject", WHO, "model", "acct/spare")));
        assertEquals(List.of("r3"), ids(items(LOGS, "subject", WHO, "status", "429")));
        assertEquals(List.of("r4", "r3"), ids(items(LOGS, "subject", WHO, "limit", "2")));
        // the next page starts after the rows skipped
        assertEquals(List.of("r2", "r1"), ids(items(LOGS, "subject", WHO, "limit", "2", "offset", "2")));
        assertEquals(List.of("r0"), ids(items(LOGS, "subject", WHO, "limit", "2", "offset", "4")));
        // since inclusive, until exclusive, to the millisecond; offsets other than Z are understood
        assertEquals(List.of("r2", "r1"), ids(items(LOGS, "subject", WHO,
                "since", "2026-03-01T10:01:00.250Z", "until", "2026-03-01T11:03:00.250+01:00")));
        assertEquals(List.of("r3", "r2"), ids(items(LOGS, "subject", WHO,
                "since", "2026-03-01T10:01:00.251Z", "until", "2026-03-01T10:03:00.251Z")));
        assertEquals(0, items(LOGS, "subject", WHO, "since", "2027-01-01T00:00:00Z").size());
        // "+01:00" left unencoded in a URL arrives as " 01:00"
        assertEquals(List.of("r4"), ids(Admin.json(Admin.get(LOGS + "?subject=" + WHO
                + "&since=2026-03-01T11:04:00+01:00")).get("items")));
    }

    @Test
    void requestLogsShowAndFilterTheirMetadata() {
        JsonNode items = items(LOGS, "subject", WHO);
        assertEquals(Telemetry.JSON.createObjectNode().put("customer_id", "acme").put("env", "prod"),
                items.get(0).get("metadata"));
        assertEquals(Telemetry.JSON.createObjectNode(), items.get(4).get("metadata"), "no metadata: empty object");
        assertFalse(items.get(0).has("metadata_keys"));
        assertEquals(List.of("r4", "r2"), ids(items(LOGS, "subject", WHO, "metadata.customer_id", "acme")));
        assertEquals(List.of("r3"), ids(items(LOGS, "subject", WHO, "metadata.customer_id", "globex",
                "metadata.env", "prod")));
        assertEquals(0, items(LOGS, "subject", WHO, "metadata.customer_id", "acme' OR '1'='1").size());
        assertEquals(0, items(LOGS, "subject", WHO, "metadata.env", "staging").size());
        assertPaths(List.of("metadata.a b"), LOGS, "metadata.a b", "x");
        assertPaths(List.of("metadata.x')] OR 1=1 --"), LOGS, "metadata.x')] OR 1=1 --", "x");
        assertPaths(List.of("metadata." + "k".repeat(65)), LOGS, "metadata." + "k".repeat(65), "x");
    }

    @Test
    void toolCallsAndTheirFilters() {
        JsonNode items = items(TOOLS, "subject", WHO);
        assertEquals(List.of("t2", "t1", "t0"), ids(items));
        JsonNode t2 = items.get(0);
        assertEquals("{\"path\":\"/tmp/very-lo", t2.get("request").asText(), "a cut payload stays text");
        assertTrue(t2.get("request_truncated").asBoolean());
        assertTrue(t2.get("approval").isNull());
        JsonNode t0 = items.get(2);
        assertEquals("/tmp/a", t0.get("request").get("path").asText());
        assertEquals("approved", t0.get("approval").get("decision").asText());
        assertEquals("pass", t0.get("guardrails").get(0).get("outcome").asText());
        assertFalse(t0.get("response_truncated").asBoolean());
        assertEquals(1234, t0.get("latency_us").asLong());
        assertTrue(t0.get("at_ms").isNumber());

        assertEquals(List.of("t2", "t0"), ids(items(TOOLS, "subject", WHO, "server", "files")));
        assertEquals(List.of("t0"), ids(items(TOOLS, "subject", WHO, "server", "files", "tool", "read")));
        assertEquals(List.of("t2"), ids(items(TOOLS, "subject", WHO, "outcome", "error")));
        assertEquals(List.of("t2", "t1", "t0"), ids(items(TOOLS, "subject", WHO, "session_id", "s-1")));
        assertEquals(List.of("t1", "t0"), ids(items(TOOLS, "subject", WHO,
                "until", "2026-03-01T10:01:00.251Z", "limit", "1000")));
    }

    @Test
    void valuesAreQuotedNotInterpreted() {
        for (String nasty : List.of(WHO + "' OR '1'='1", "x' OR 1=1 --", "\\", "x\\' OR 1=1 --", "'; DROP TABLE x")) {
            assertEquals(0, items(LOGS, "subject", nasty).size(), nasty);
            assertEquals(0, items(TOOLS, "subject", WHO, "tool", nasty).size(), nasty);
        }
    }

    @Test
    void badFiltersAre400WithEveryFieldPath() {
        Response r = call(LOGS, "since", "yesterday", "status", "abc", "limit", "0", "subject", "a\nb",
                "model", "m".repeat(300));
        assertEquals(400, r.statusCode(), r.asString());
        assertEquals("application/problem+json", r.contentType());
        JsonNode body = Admin.json(r);
        List<String> paths = new ArrayList<>();
        body.get("errors").forEach(e -> paths.add(e.get("path").asText()));
        assertEquals(List.of("since", "subject", "model", "status", "limit"), paths, body.toString());

        assertPaths(List.of("limit"), LOGS, "limit", "1001");
        assertPaths(List.of("limit"), LOGS, "limit", "ten");
        assertPaths(List.of("until"), LOGS, "until", "2026-03-01T10:00:00");
        assertPaths(List.of("until"), LOGS, "since", "2026-03-02T00:00:00Z", "until", "2026-03-01T00:00:00Z");
        assertPaths(List.of("tool"), TOOLS, "tool", "t\u0000");
        // an empty value is no filter
        assertEquals(3, items(TOOLS + "?server=&subject=" + WHO).size());
        assertPaths(List.of("outcome", "limit"), TOOLS, "outcome", "a\tb", "limit", "-5");
    }

    private static void assertPaths(List<String> expected, String path, String... params) {
        Response r = call(path, params);
        assertEquals(400, r.statusCode(), path + ": " + r.asString());
        List<String> paths = new ArrayList<>();
        Admin.json(r).get("errors").forEach(e -> paths.add(e.get("path").asText()));
        assertEquals(expected, paths, path);
    }

    @Test
    void sameAuthAsTheRestOfTheAdminApi() {
        given().get("/admin/v1/request-logs").then().statusCode(401);
        given().get("/admin/v1/tool-calls").then().statusCode(401);
        Admin.as("not-the-token").get("/admin/v1/tool-calls").then().statusCode(401);
        String viewer = ControlPlaneTestStack.idp.token(Map.of("sub", "viewer@example.com",
                "aud", ControlPlaneTestStack.AUDIENCE, "roles", List.of("viewer")), Duration.ofMinutes(5));
        Admin.as(viewer).get("/admin/v1/request-logs").then().statusCode(403);
        String admin = ControlPlaneTestStack.idp.token(Map.of("sub", "ops@example.com",
                "aud", ControlPlaneTestStack.AUDIENCE, "roles", List.of(ControlPlaneTestStack.ADMIN_ROLE)),
                Duration.ofMinutes(5));
        Admin.as(admin).get("/admin/v1/tool-calls?subject=" + WHO).then().statusCode(200);
    }

    @Test
    void clickHouseAwayIs503AndTheRestOfTheApiWorks() {
        ControlPlaneTestStack.clickhouseProxy.down();
        try {
            Response r = call(LOGS, "subject", WHO);
            assertEquals(503, r.statusCode(), r.asString());
            assertEquals("application/problem+json", r.contentType());
            assertEquals("ClickHouse unavailable", Admin.json(r).get("title").asText());
            Admin.get("/admin/v1/users").then().statusCode(200);
            // bad input is still bad input
            assertEquals(400, Admin.get("/admin/v1/tool-calls?limit=0").statusCode());
        } finally {
            ControlPlaneTestStack.clickhouseProxy.up();
        }
        // back within moments: the client's broken pooled connections are replaced on the next calls
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        Response r = call(LOGS, "subject", WHO);
        while (r.statusCode() == 503 && System.nanoTime() < deadline) {
            r = call(LOGS, "subject", WHO);
        }
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(5, Admin.json(r).get("items").size());
    }
}
