package dev.switchboard.controlplane.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ClickHouseHttp;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.controlplane.telemetry.ClickHouseStore;
import dev.switchboard.model.config.Period;
import dev.switchboard.model.limits.CounterKey;
import dev.switchboard.model.limits.CounterReport;
import dev.switchboard.model.limits.Family;
import dev.switchboard.model.limits.LimitsWire;
import dev.switchboard.model.limits.ThresholdCrossing;
import dev.switchboard.model.limits.Windows;
import dev.switchboard.model.telemetry.TelemetryWire;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The control plane's side of rate limits and budgets, against the real NATS and ClickHouse 18.16: the planes' counts
 * in the usage views, spent totals from the request log into the key-value bucket, threshold events recorded once and
 * posted once to a real HTTP server.
 */
@QuarkusTest
@QuarkusTestResource(value = ControlPlaneTestStack.class, restrictToAnnotatedClass = false)
class LimitsControlPlaneTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final String WEBHOOK_TOKEN = "hook-token-7c1e";
    static final DateTimeFormatter CH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    static final CounterKey MONTHLY = new CounterKey(Family.BUDGET, "ml-monthly", Period.MONTH, "team:ml", null);
    static final CounterKey DAILY = new CounterKey(Family.BUDGET, "ml-daily", Period.DAY, "team:ml", null);

    static Connection nc;
    static HttpServer webhook;
    static final List<String> hookBodies = new CopyOnWriteArrayList<>();
    static final List<String> hookQueries = new CopyOnWriteArrayList<>();
    static final AtomicInteger flakyCalls = new AtomicInteger();

    static final String CONFIG = """
            provider_accounts:
              - name: base
                type: openai-compatible
                base_url: http://127.0.0.1:9/v1
                models:
                  - id: chat
                    price: {input_per_million_usd: 1, output_per_million_usd: 2}
                  - id: spare
            virtual_models:
              - name: base-assistant
                routing_config:
                  type: priority-based-routing
                  load_balance_targets:
                    - {target: base/chat, priority: 0}
            users:
              - {name: alice, email: alice@example.com}
              - {name: bob}
            teams:
              - {name: ml, members: [alice]}
            service_accounts:
              - {name: ci}
            mcp_servers:
              - {name: base-mcp, url: http://127.0.0.1:9/mcp}
            rate_limits:
              - name: ml-rpm
                subjects: [team:ml, user:bob]
                requests: 100
                tokens: 50000
                per: minute
                counting: per_member
            budgets:
              - name: ml-monthly
                subjects: [team:ml]
                limit_usd: 10
                per: month
              - name: ml-daily
                subjects: [team:ml]
                models: [base/*]
                limit_usd: 2
                per: day
            """;

    @BeforeAll
    static void start() throws Exception {
        nc = Nats.connect(ControlPlaneTestStack.natsUrl);
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            hookBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            hookQueries.add(String.valueOf(exchange.getRequestURI().getRawQuery()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.createContext("/flaky", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(flakyCalls.incrementAndGet() <= 2 ? 503 : 200, -1);
            exchange.close();
        });
        webhook.start();
    }

    @AfterAll
    static void stop() throws Exception {
        nc.close();
        webhook.stop(0);
        String log = Files.readString(ControlPlaneTestStack.logFile);
        assertFalse(log.contains(WEBHOOK_TOKEN), "a webhook's query string reached the log");
    }

    @BeforeEach
    void config() {
        Admin.importConfig(CONFIG).then().statusCode(200);
    }

    // ---- usage views

    @Test
    void countsOfTwoReplicasAreSummedInBothUsageViews() throws Exception {
        long now = waitOutMinuteEnd();
        long minute = Windows.start(Period.MINUTE, now);
        long month = Windows.start(Period.MONTH, now);
        CounterKey alice = new CounterKey(Family.RATE_LIMIT, "ml-rpm", Period.MINUTE, "user:alice", null);
        CounterKey bob = new CounterKey(Family.RATE_LIMIT, "ml-rpm", Period.MINUTE, "user:bob", null);
        publishCounts("gw-a", List.of(new CounterReport(alice, minute, 7, 700, 500, 200, 0),
                new CounterReport(bob, minute, 3, 30, 20, 10, 0),
                new CounterReport(MONTHLY, month, 0, 0, 0, 0, 1_500_000)));
        publishCounts("gw-b", List.of(new CounterReport(alice, minute, 5, 100, 60, 40, 0),
                new CounterReport(MONTHLY, month, 0, 0, 0, 0, 2_250_000)));

        JsonNode budget = await("both replicas' spend", () -> Admin.get("/admin/v1/budgets/ml-monthly/usage"),
                b -> b.path("counters").size() == 1 && b.path("counters").get(0).path("spent_usd").asDouble() == 3.75);
        Admin.assertContains(Admin.json("""
                {"budget": "ml-monthly", "per": "month", "limit_usd": 10,
                 "counters": [{"member": "team:ml", "spent_usd": 3.75, "remaining_usd": 6.25, "percent": 37.5}],
                 "unpriced_models": ["base/spare"], "replicas_reporting": 2}"""), budget, "budget usage");
        assertEquals(Instant.ofEpochMilli(month).toString(), budget.get("period_start").asText());
        assertEquals(Instant.ofEpochMilli(Windows.end(Period.MONTH, month)).toString(),
                budget.get("period_end").asText());
        assertFalse(budget.path("counters").get(0).has("metadata"));

        JsonNode rate = await("both replicas' requests", () -> Admin.get("/admin/v1/rate-limits/ml-rpm/usage?top=1"),
                r -> r.path("top").size() == 1 && r.path("top").get(0).path("requests").asLong() == 12);
        String reset = Instant.ofEpochMilli(minute + 60_000).toString();
        Admin.assertContains(Admin.json("""
                {"rate_limit": "ml-rpm", "per": "minute", "limits": {"requests": 100, "tokens": 50000},
                 "metric": "requests", "counters": 2, "replicas_reporting": 2,
                 "top": [{"member": "user:alice", "requests": 12, "tokens": 800, "input_tokens": 560,
                          "output_tokens": 240, "remaining": 88, "reset_at": "%s"}]}""".formatted(reset)),
                rate, "rate-limit usage");
        assertEquals(reset, rate.get("reset_at").asText());

        JsonNode both = Admin.json(Admin.get("/admin/v1/rate-limits/ml-rpm/usage").then().statusCode(200).extract()
                .response());
        assertEquals(List.of("user:alice", "user:bob"),
                List.of(both.get("top").get(0).get("member").asText(), both.get("top").get(1).get("member").asText()));
    }

    @Test
    void aBudgetWithNoSpendYetShowsItsPeriodAndModelsItCannotPrice() {
        JsonNode daily = Admin.json(Admin.get("/admin/v1/budgets/ml-daily/usage").then().statusCode(200).extract()
                .response());
        long day = Windows.start(Period.DAY, System.currentTimeMillis());
        assertEquals(Instant.ofEpochMilli(day).toString(), daily.get("period_start").asText());
        assertEquals(Instant.ofEpochMilli(day + 86_400_000L).toString(), daily.get("period_end").asText());
        assertEquals(2.0, daily.get("limit_usd").asDouble());
        assertEquals("[\"base/spare\"]", daily.get("unpriced_models").toString(), "base/* covers the unpriced spare");
    }

    @Test
    void anUnknownBudgetOrRateLimitIs404InTheProblemShape() {
        Admin.get("/admin/v1/budgets/nope/usage").then().statusCode(404)
                .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("nope"));
        Admin.get("/admin/v1/rate-limits/nope/usage").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void aBadTopIs400NamingTheField() {
        for (String bad : List.of("0", "1001", "ten", "-3")) {
            Admin.get("/admin/v1/rate-limits/ml-rpm/usage?top=" + bad).then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].path", org.hamcrest.Matchers.equalTo("top"));
        }
        Admin.get("/admin/v1/rate-limits/ml-rpm/usage?top=1000").then().statusCode(200);
    }

    @Test
    void theUsageViewsNeedTheAdminCredential() {
        Admin.as("not-the-token").get("/admin/v1/budgets/ml-monthly/usage").then().statusCode(401);
    }

    // ---- schema

    @Inject
    ClickHouseStore clickhouse;

    @Test
    void theLimitColumnsAreAddedToAnOlderRequestLogOnceAndEventsHaveTheWiresColumns() throws Exception {
        awaitTable("limit_events");
        // a version-2 table: without the limit columns, and without what later versions added after them
        for (String column : List.of("limit_keys", "limit_rule", TelemetryWire.EVENT_ID)) {
            ClickHouseHttp.run("ALTER TABLE " + table("request_logs") + " DROP COLUMN " + column);
        }
        clickhouse.ensureSchema();
        clickhouse.ensureSchema(); // a second start: nothing to add, nothing refused
        assertEquals(TelemetryWire.REQUEST_LOG_COLUMNS, columns("request_logs"));
        assertEquals(LimitsWire.EVENT_COLUMNS, columns("limit_events"));
    }

    private static List<String> columns(String name) throws Exception {
        return ClickHouseHttp.run("DESCRIBE TABLE " + table(name)).strip().lines()
                .map(line -> line.substring(0, line.indexOf('\t'))).toList();
    }

    // ---- spent totals

    @Test
    void spendInTheRequestLogIsPublishedPerKeyWindowAndReplica() throws Exception {
        awaitTable("request_logs");
        long now = System.currentTimeMillis();
        long day = Windows.start(Period.DAY, now);
        long month = Windows.start(Period.MONTH, now);
        long today = Math.max(now - 60_000, day);
        long yesterday = day - 3_600_000;
        String run = "spend-" + UUID.randomUUID();
        CounterKey rateKey = new CounterKey(Family.RATE_LIMIT, "ml-rpm", Period.MINUTE, "user:alice", null);
        List<String> rows = new ArrayList<>();
        rows.add(logRow(run + "-1", "gw-a", today, 0.5, List.of(DAILY.wire(), MONTHLY.wire(), rateKey.wire())));
        rows.add(logRow(run + "-2", "gw-b", today, 0.25, List.of(DAILY.wire(), MONTHLY.wire())));
        rows.add(logRow(run + "-3", "gw-a", yesterday, 1.0, List.of(DAILY.wire(), MONTHLY.wire())));
        rows.add(logRow(run + "-4", "gw-a", today, 9.0, List.of()));
        ObjectNode older = (ObjectNode) Admin.json(logRow(run + "-5", "gw-old", today, 7.0, List.of()));
        older.remove("limit_keys");
        older.remove("limit_rule");
        rows.add(older.toString()); // a row from a plane that predates the limit columns
        ClickHouseHttp.insert(table("request_logs"), String.join("\n", rows) + "\n");
        assertEquals(5, ClickHouseHttp.count("SELECT count() FROM " + table("request_logs") + " WHERE request_id LIKE '"
                + run + "-%'"));
        assertEquals(0, ClickHouseHttp.count("SELECT length(limit_keys) FROM " + table("request_logs")
                + " WHERE request_id = '" + run + "-5'"), "an older row reads as no keys");

        long monthA = Math.round((0.5 + (yesterday >= month ? 1.0 : 0)) * 1e6);
        List<LimitsWire.Spent> expectedDaily = List.of(new LimitsWire.Spent(DAILY, day, "gw-a", 500_000),
                new LimitsWire.Spent(DAILY, day, "gw-b", 250_000));
        List<LimitsWire.Spent> expectedMonthly = List.of(new LimitsWire.Spent(MONTHLY, month, "gw-a", monthA),
                new LimitsWire.Spent(MONTHLY, month, "gw-b", 250_000));
        KeyValue kv = nc.keyValue(ControlPlaneTestStack.limitsBucket);
        await("the spent totals", () -> expectedDaily.equals(spend(kv, "ml-daily"))
                && expectedMonthly.equals(spend(kv, "ml-monthly")));
        assertEquals(1, nc.keyValueManagement().getStatus(ControlPlaneTestStack.limitsBucket).getMaxHistoryPerKey());
    }

    // ---- threshold events

    @Test
    void anEventPublishedTwiceIsOneRowAndOnePost() throws Exception {
        awaitTable("limit_events");
        String hook = "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook?token=" + WEBHOOK_TOKEN;
        importWithWebhook("limit_usd: 10\n", hook);
        long month = Windows.start(Period.MONTH, System.currentTimeMillis());
        CounterKey key = new CounterKey(Family.BUDGET, "ml-monthly", Period.MONTH,
                "team:ev-" + UUID.randomUUID(), null);
        ThresholdCrossing crossing = new ThresholdCrossing(key, 80, 8.0, 10.0, Instant.ofEpochMilli(month),
                Instant.ofEpochMilli(Windows.end(Period.MONTH, month)), hook);
        int before = hookBodies.size();

        PublishAck first = publishEvent(crossing, "gw-a", crossing.id());
        PublishAck again = publishEvent(crossing, "gw-b", crossing.id());
        assertFalse(first.isDuplicate());
        assertTrue(again.isDuplicate());
        // Past the stream's duplicate window another replica's copy carries another message id.
        publishEvent(crossing, "gw-c", crossing.id() + "-late");

        // A later event posted means the copies were handled before it.
        ThresholdCrossing marker = new ThresholdCrossing(key, 100, 10.0, 10.0, Instant.ofEpochMilli(month),
                Instant.ofEpochMilli(Windows.end(Period.MONTH, month)), hook);
        publishEvent(marker, "gw-a", marker.id());
        await("the marker's post", () -> hookBodies.size() == before + 2);
        Thread.sleep(300);
        assertEquals(before + 2, hookBodies.size(), "each event posted once");
        String mine = "event_id = '" + crossing.id() + "'";
        assertEquals(1, ClickHouseHttp.count("SELECT count() FROM " + table("limit_events") + " FINAL WHERE " + mine),
                "one event, however many copies were stored before the merge");

        JsonNode body = Admin.json(hookBodies.get(before));
        Admin.assertContains(Admin.json("""
                {"event_id": "%s", "kind": "budget_threshold", "budget": "ml-monthly", "member": "%s",
                 "percent": 80, "spent_usd": 8.0, "limit_usd": 10.0, "period_start": "%s", "period_end": "%s"}"""
                .formatted(crossing.id(), key.member(), Instant.ofEpochMilli(month),
                        Instant.ofEpochMilli(Windows.end(Period.MONTH, month)))), body, "webhook body");
        assertEquals("token=" + WEBHOOK_TOKEN, hookQueries.get(before), "the webhook's own query string is kept");
    }

    @Test
    void aFailingWebhookIsTriedAgainUntilItTakesTheEvent() throws Exception {
        awaitTable("limit_events");
        String hook = "http://127.0.0.1:" + webhook.getAddress().getPort() + "/flaky?token=" + WEBHOOK_TOKEN;
        importWithWebhook("limit_usd: 2\n", hook);
        long day = Windows.start(Period.DAY, System.currentTimeMillis());
        CounterKey key = new CounterKey(Family.BUDGET, "ml-daily", Period.DAY, "team:fl-" + UUID.randomUUID(), null);
        ThresholdCrossing crossing = new ThresholdCrossing(key, 50, 1.0, 2.0, Instant.ofEpochMilli(day),
                Instant.ofEpochMilli(day + 86_400_000L), hook);
        publishEvent(crossing, "gw-a", crossing.id());
        await("three tries, the third taken", () -> flakyCalls.get() == 3);
        Thread.sleep(500);
        assertEquals(3, flakyCalls.get(), "no try after the one that succeeded");
    }

    // ---- helpers

    /** The config with {@code hook} as the alert webhook of the budget whose limit line is {@code limitLine}. */
    private static void importWithWebhook(String limitLine, String hook) {
        String config = CONFIG.replace(limitLine, limitLine + "    alert_webhook: " + hook + "\n");
        assertTrue(config.contains(hook), "the budget was found in the test config");
        Admin.importConfig(config).then().statusCode(200);
    }

    private static void publishCounts(String replica, List<CounterReport> reports) {
        nc.publish(ControlPlaneTestStack.limitsPrefix + "gateway",
                LimitsWire.encodeCounts(new LimitsWire.Counts(replica, System.currentTimeMillis(), reports)));
    }

    private static PublishAck publishEvent(ThresholdCrossing c, String replica, String msgId) throws Exception {
        awaitStream();
        Headers headers = new Headers().put("Nats-Msg-Id", msgId);
        byte[] row = LimitsWire.encodeEvent(c, replica, System.currentTimeMillis());
        return nc.jetStream().publish(NatsMessage.builder().subject(ControlPlaneTestStack.telemetryPrefix
                + "limit_events").headers(headers).data(row).build());
    }

    private static void awaitStream() throws InterruptedException {
        await("the telemetry stream", () -> {
            try {
                nc.jetStreamManagement().getStreamInfo(ControlPlaneTestStack.telemetryStream);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static List<LimitsWire.Spent> spend(KeyValue kv, String budget) {
        try {
            KeyValueEntry entry = kv.get(LimitsWire.spendKey(budget));
            if (entry == null || entry.getValue() == null) {
                return null;
            }
            List<LimitsWire.Spent> spent = new ArrayList<>(LimitsWire.decodeSpend(entry.getValue()));
            spent.sort(Comparator.comparing(LimitsWire.Spent::replica));
            return spent;
        } catch (Exception e) {
            return null;
        }
    }

    private static String logRow(String id, String instance, long atMs, double cost, List<String> keys) {
        ObjectNode r = Admin.JSON.createObjectNode();
        r.put("request_id", id);
        r.put("started_at", CH_TIME.format(Instant.ofEpochMilli(atMs)));
        r.put("started_at_ms", atMs);
        r.put("instance", instance);
        r.put("subject", "user:alice");
        r.put("requested_model", "base/chat");
        r.put("status", 200);
        r.put("latency_ms", 100.0);
        r.put("cost_usd", cost);
        r.put("attempts", "[]");
        r.put("guardrails", "[]");
        keys.forEach(r.putArray("limit_keys")::add);
        r.putNull("limit_rule");
        return r.toString();
    }

    private static String table(String name) {
        return ControlPlaneTestStack.clickhouseDatabase + "." + name;
    }

    private static void awaitTable(String name) throws InterruptedException {
        await("table " + name, () -> {
            try {
                return ClickHouseHttp.run("EXISTS TABLE " + table(name)).strip().equals("1");
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** Now, once at least 15 s remain in the current minute (so that minute counts stay current while we look). */
    private static long waitOutMinuteEnd() throws InterruptedException {
        long now = System.currentTimeMillis();
        long left = Windows.end(Period.MINUTE, Windows.start(Period.MINUTE, now)) - now;
        if (left < 15_000) {
            Thread.sleep(left + 100);
        }
        return System.currentTimeMillis();
    }

    private static JsonNode await(String what, java.util.function.Supplier<io.restassured.response.Response> call,
                                  java.util.function.Predicate<JsonNode> done) throws InterruptedException {
        JsonNode[] last = new JsonNode[1];
        await(what, () -> {
            io.restassured.response.Response r = call.get();
            if (r.statusCode() != 200) {
                return false;
            }
            last[0] = Admin.json(r);
            return done.test(last[0]);
        });
        return last[0];
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long until = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
