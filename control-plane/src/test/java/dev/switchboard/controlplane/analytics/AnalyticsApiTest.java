package dev.switchboard.controlplane.analytics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ClickHouseHttp;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.controlplane.support.TelemetrySchemaReady;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /admin/v1/analytics/llm} and {@code /analytics/tool-calls} over rows this test writes into the real
 * ClickHouse: every figure must equal what the test computes from its own rows (counts, sums, interpolated quantiles
 * as ClickHouse's {@code quantiles} computes them below 8192 values), for groups, buckets and filters.
 */
@QuarkusTest
@QuarkusTestResource(value = ControlPlaneTestStack.class, restrictToAnnotatedClass = false)
class AnalyticsApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final DateTimeFormatter CH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    static final String LLM = "/admin/v1/analytics/llm";
    static final String TOOLS = "/admin/v1/analytics/tool-calls";
    /** A subject prefix of this class's own. */
    static final String WHO = "an-" + UUID.randomUUID().toString().substring(0, 8);
    /** Rows span 52 hours from T0; the queries look at the first 48 (two days). */
    static final Instant T0 = Instant.parse("2030-06-01T00:00:00Z");
    static final String FROM = "2030-06-01T00:00:00Z";
    static final String TO = "2030-06-03T00:00:00Z";

    /** One request-log row, as the test wrote it. */
    record Log(Instant at, String subject, String team, String credential, String requested, String resolved,
               boolean stream, int status, double latencyMs, double ttftMs, long prompt, long completion, double cost,
               Map<String, String> metadata) {
    }

    record Call(Instant at, String subject, String server, String tool, String outcome, long latencyUs) {
    }

    static final List<Log> LOGS = new ArrayList<>();
    static final List<Call> CALLS = new ArrayList<>();

    @BeforeAll
    static void rows() throws Exception {
        awaitTables();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 240; i++) {
            boolean virtual = i % 3 == 0;
            String requested = virtual ? "assistant" : "acct" + (i % 2) + "/gpt-" + (i % 2);
            String resolved = i % 7 == 0 ? null : virtual ? "acct" + (i % 2) + "/gpt-x" : requested;
            boolean stream = i % 2 == 1;
            long prompt = i % 9 == 0 ? -1 : 100 + i;
            long completion = i % 9 == 0 ? -1 : 10 + i % 17;
            Map<String, String> metadata = new LinkedHashMap<>();
            if (i % 3 != 2) {
                metadata.put("customer_id", "cust-" + i % 4);
                metadata.put("env", i % 2 == 0 ? "prod" : "dev");
            }
            Log log = new Log(T0.plus(i * 13L, ChronoUnit.MINUTES).plusMillis(i), "user:" + WHO + "-" + i % 3,
                    i % 4 == 0 ? "" : "team-" + i % 2, i % 5 == 0 ? "jwt:idp" : "api_key:key-" + i % 3, requested,
                    resolved, stream, i % 11 == 0 ? 502 : i % 13 == 0 ? 429 : 200, 10 + (i * 37 % 500) + 0.25,
                    stream ? 1 + i % 50 : -1, prompt, completion,
                    prompt < 0 ? 0 : prompt * 1e-6 + completion * 2e-6, metadata);
            LOGS.add(log);
            body.append(row(log, i)).append('\n');
        }
        ClickHouseHttp.insert(ControlPlaneTestStack.clickhouseDatabase + ".request_logs", body.toString());
        StringBuilder calls = new StringBuilder();
        String[] outcomes = {"ok", "ok", "tool_error", "ok", "denied", "resumable"};
        for (int i = 0; i < 90; i++) {
            Call c = new Call(T0.plus(i * 31L, ChronoUnit.MINUTES), "user:" + WHO + "-" + i % 2, "srv-" + i % 3,
                    "tool-" + i % 2, outcomes[i % outcomes.length], 500 + i * 977L % 90_000);
            CALLS.add(c);
            ObjectNode r = JSON.createObjectNode();
            r.put("request_id", WHO + "-c" + i);
            r.put("at", CH_TIME.format(c.at()));
            r.put("at_ms", c.at().toEpochMilli());
            r.put("subject", c.subject());
            r.put("server", c.server());
            r.put("tool", c.tool());
            r.put("latency_us", c.latencyUs());
            r.put("outcome", c.outcome());
            r.put("guardrails", "[]");
            calls.append(r).append('\n');
        }
        ClickHouseHttp.insert(ControlPlaneTestStack.clickhouseDatabase + ".tool_calls", calls.toString());
    }

    private static ObjectNode row(Log log, int i) {
        ObjectNode r = JSON.createObjectNode();
        r.put("request_id", WHO + "-r" + i);
        r.put("started_at", CH_TIME.format(log.at()));
        r.put("started_at_ms", log.at().toEpochMilli());
        r.put("instance", "gw-1");
        r.put("subject", log.subject());
        r.put("team", log.team());
        r.put("credential", log.credential());
        r.put("endpoint", "/v1/chat/completions");
        r.put("requested_model", log.requested());
        r.put("resolved_model", log.resolved());
        r.put("stream", log.stream() ? 1 : 0);
        r.put("status", log.status());
        r.put("latency_ms", log.latencyMs());
        r.put("time_to_first_token_ms", log.ttftMs());
        r.put("prompt_tokens", log.prompt());
        r.put("completion_tokens", log.completion());
        r.put("time_per_output_token_ms", -1);
        r.put("cost_usd", log.cost());
        r.put("attempts", "[]");
        r.put("guardrails", "[]");
        log.metadata().keySet().forEach(r.withArray("metadata_keys")::add);
        log.metadata().values().forEach(r.withArray("metadata_values")::add);
        return r;
    }

    private static void awaitTables() throws InterruptedException {
        TelemetrySchemaReady.await();
    }

    /** The dimensions as the API defines them, computed from the test's rows. */
    static final Map<String, Function<Log, String>> DIMENSIONS = Map.of(
            "model", Log::requested,
            "resolved_model", l -> l.resolved() == null ? "" : l.resolved(),
            "provider_account", l -> l.resolved() == null ? "" : l.resolved().substring(0, l.resolved().indexOf('/')),
            "virtual_model", l -> l.requested().contains("/") ? "" : l.requested(),
            "subject", Log::subject,
            "team", Log::team,
            "api_key", l -> l.credential().startsWith("api_key:") ? l.credential().substring(8) : "",
            "status_class", l -> l.status() / 100 + "xx");

    private static String dimension(Log l, String name) {
        if (name.startsWith("metadata.")) {
            return l.metadata().getOrDefault(name.substring(9), "");
        }
        return DIMENSIONS.get(name).apply(l);
    }

    private static boolean inRange(Instant at) {
        return !at.isBefore(Instant.parse(FROM)) && at.isBefore(Instant.parse(TO));
    }

    /** ClickHouse's {@code quantiles} below 8192 values: linear interpolation between the sorted values. */
    static double quantile(List<Double> values, double level) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double index = level * (sorted.length - 1);
        int left = (int) index;
        if (left + 1 >= sorted.length) {
            return sorted[left];
        }
        return sorted[left] * (left + 1 - index) + sorted[left + 1] * (index - left);
    }

    /**
     * Whether {@code actual}, a t-digest percentile at {@code level} of {@code values}, is within the documented bound
     * (docs/observability.md, Rollups): between the values ranked one value or 0.5 % of the values (whichever is more)
     * below and above the exact percentile's rank. Float32 in ClickHouse: compared to 1e-3 relative.
     */
    static void assertApproximate(List<Double> values, double level, double actual, String what) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double rank = level * (sorted.length - 1);
        double slack = Math.max(1, 0.005 * sorted.length);
        double low = sorted[(int) Math.max(0, Math.floor(rank - slack))];
        double high = sorted[(int) Math.min(sorted.length - 1, Math.ceil(rank + slack))];
        assertTrue(actual >= low * (1 - 1e-3) && actual <= high * (1 + 1e-3), what + ": " + actual + " is not within ["
                + low + ", " + high + "], the exact one being " + quantile(values, level));
    }

    /** What the API must answer for {@code groupBy} (plus the bucket), over the rows {@code filter} keeps. */
    private static Map<String, ObjectNode> expected(List<String> groupBy, ChronoUnit bucket, Predicate<Log> filter) {
        Map<String, List<Log>> groups = new TreeMap<>();
        for (Log l : LOGS) {
            if (inRange(l.at()) && filter.test(l)) {
                List<String> key = new ArrayList<>();
                groupBy.forEach(g -> key.add(dimension(l, g)));
                if (bucket != null) {
                    key.add(l.at().truncatedTo(bucket).toString());
                }
                groups.computeIfAbsent(String.join("|", key), k -> new ArrayList<>()).add(l);
            }
        }
        Map<String, ObjectNode> out = new TreeMap<>();
        groups.forEach((key, logs) -> {
            ObjectNode e = JSON.createObjectNode();
            e.put("requests", logs.size());
            e.put("errors", logs.stream().filter(l -> l.status() >= 400).count());
            e.put("input_tokens", logs.stream().mapToLong(l -> Math.max(0, l.prompt())).sum());
            e.put("output_tokens", logs.stream().mapToLong(l -> Math.max(0, l.completion())).sum());
            e.put("cost_usd", logs.stream().mapToDouble(Log::cost).sum());
            List<Double> latency = logs.stream().map(Log::latencyMs).toList();
            e.putObject("latency_ms").put("p50", quantile(latency, 0.5)).put("p95", quantile(latency, 0.95))
                    .put("p99", quantile(latency, 0.99));
            latency.forEach(e.putArray("latency_values")::add);
            List<Double> ttft = logs.stream().filter(l -> l.stream() && l.ttftMs() >= 0).map(Log::ttftMs).toList();
            if (ttft.isEmpty()) {
                e.putNull("time_to_first_token_ms");
            } else {
                e.putObject("time_to_first_token_ms").put("p50", quantile(ttft, 0.5)).put("p95", quantile(ttft, 0.95));
                ttft.forEach(e.putArray("ttft_values")::add);
            }
            out.put(key, e);
        });
        return out;
    }

    private static JsonNode ok(String path, String... params) {
        Response r = call(path, params);
        assertEquals(200, r.statusCode(), r.asString());
        return Admin.json(r);
    }

    private static Response call(String path, String... params) {
        var spec = Admin.admin();
        for (int i = 0; i < params.length; i += 2) {
            spec = spec.queryParam(params[i], params[i + 1]);
        }
        return Admin.kept(spec.get(path));
    }

    /**
     * The answer's rows keyed like {@link #expected}, each compared figure by figure: counts, tokens and costs equal
     * the sums; percentiles equal the exact ones, or are within {@link #assertApproximate}'s bound when the answer says
     * they came from a t-digest rollup.
     */
    private static void assertRows(Map<String, ObjectNode> expected, JsonNode answer, List<String> groupBy,
                                   boolean bucketed) {
        boolean approximate = answer.get("percentiles").asText().equals("tdigest");
        Map<String, JsonNode> actual = new TreeMap<>();
        for (JsonNode row : answer.get("rows")) {
            List<String> key = new ArrayList<>();
            groupBy.forEach(g -> key.add(row.get(g).asText()));
            if (bucketed) {
                key.add(row.get("bucket").asText());
            }
            actual.put(String.join("|", key), row);
        }
        assertEquals(expected.keySet(), actual.keySet(), "groups");
        expected.forEach((key, e) -> {
            JsonNode a = actual.get(key);
            for (String n : List.of("requests", "errors", "input_tokens", "output_tokens")) {
                assertEquals(e.get(n).asLong(), a.get(n).asLong(), key + " " + n);
                assertTrue(a.get(n).isIntegralNumber(), key + " " + n + " is a number");
            }
            assertEquals(e.get("cost_usd").asDouble(), a.get("cost_usd").asDouble(), 1e-9, key + " cost");
            assertPercentiles(e.get("latency_ms"), e.get("latency_values"), a.get("latency_ms"), approximate,
                    key + " latency");
            JsonNode ttft = e.get("time_to_first_token_ms");
            if (ttft.isNull()) {
                assertTrue(a.get("time_to_first_token_ms").isNull(), key + " ttft: " + a);
            } else {
                assertPercentiles(ttft, e.get("ttft_values"), a.get("time_to_first_token_ms"), approximate,
                        key + " ttft");
            }
        });
    }

    private static void assertPercentiles(JsonNode exact, JsonNode values, JsonNode actual, boolean approximate,
                                          String what) {
        List<Double> all = new ArrayList<>();
        values.forEach(v -> all.add(v.asDouble()));
        exact.fieldNames().forEachRemaining(p -> {
            if (approximate) {
                assertApproximate(all, Double.parseDouble("0." + p.substring(1)), actual.get(p).asDouble(),
                        what + " " + p);
            } else {
                assertEquals(exact.get(p).asDouble(), actual.get(p).asDouble(), 1e-6, what + " " + p);
            }
        });
    }

    @Test
    void totalsOverTheRangeEqualTheRowsSums() {
        JsonNode answer = ok(LLM, "from", FROM, "to", TO, "subject", "user:" + WHO + "-0");
        assertRows(expected(List.of(), null, l -> l.subject().equals("user:" + WHO + "-0")), answer, List.of(),
                false);
        assertEquals(FROM, answer.get("from").asText());
        assertEquals(TO, answer.get("to").asText());
        assertTrue(answer.get("interval").isNull());
        assertFalse(answer.get("truncated").asBoolean());
        // the rows after TO are outside: all rows of the subject counted without the range would be more
        long all = LOGS.stream().filter(l -> l.subject().equals("user:" + WHO + "-0")).count();
        assertTrue(answer.get("rows").get(0).get("requests").asLong() < all);
    }

    /**
     * Questions the t-digest rollups answer (the default): counts, tokens and costs equal the rows' sums, percentiles
     * are within the documented bound, and the answer says they are approximate.
     */
    @Test
    void rollupAnswersHaveExactSumsAndApproximatePercentiles() {
        record Question(String source, List<String> groupBy, ChronoUnit bucket, Predicate<Log> filter,
                        String... params) {
        }
        Predicate<Log> ours = l -> l.subject().startsWith("user:" + WHO);
        for (Question q : List.of(
                new Question("request_logs_daily_models_tdigest", List.of("model"), ChronoUnit.DAYS, ours,
                        "group_by", "model", "interval", "day"),
                new Question("request_logs_daily_models_tdigest", List.of(), null, ours),
                new Question("request_logs_hourly_models_tdigest", List.of("provider_account", "virtual_model"),
                        ChronoUnit.HOURS, ours, "group_by", "provider_account,virtual_model", "interval", "hour"),
                new Question("request_logs_daily_callers_tdigest", List.of("subject", "api_key"), ChronoUnit.DAYS,
                        l -> ours.test(l) && l.team().equals("team-1"), "group_by", "subject,api_key",
                        "interval", "day", "team", "team-1"))) {
            List<String> params = new ArrayList<>(List.of("from", FROM, "to", TO));
            params.addAll(List.of(q.params()));
            JsonNode answer = ok(LLM, params.toArray(String[]::new));
            assertEquals(q.source(), answer.get("source").asText(), params.toString());
            assertEquals("tdigest", answer.get("percentiles").asText());
            assertRows(expected(q.groupBy(), q.bucket(), q.filter()), answer, q.groupBy(), q.bucket() != null);
        }
        JsonNode tools = ok(TOOLS, "from", FROM, "to", TO, "group_by", "server,outcome");
        assertEquals("tool_calls_daily_tdigest", tools.get("source").asText());
        Map<String, List<Double>> byGroup = new TreeMap<>();
        CALLS.stream().filter(c -> inRange(c.at())).forEach(c -> byGroup.computeIfAbsent(c.server() + "|"
                + c.outcome(), k -> new ArrayList<>()).add(c.latencyUs() / 1000.0));
        assertEquals(byGroup.size(), tools.get("rows").size());
        for (JsonNode row : tools.get("rows")) {
            List<Double> ms = byGroup.get(row.get("server").asText() + "|" + row.get("outcome").asText());
            assertEquals(ms.size(), row.get("calls").asLong(), row.toString());
            for (String p : List.of("p50", "p95", "p99")) {
                assertApproximate(ms, Double.parseDouble("0." + p.substring(1)), row.get("latency_ms").get(p)
                        .asDouble(), row + " " + p);
            }
        }
    }

    @Test
    void groupedBySixDimensionsAtOnce() {
        List<String> groupBy = List.of("model", "provider_account", "virtual_model", "team", "api_key", "subject");
        JsonNode answer = ok(LLM, "from", FROM, "to", TO, "group_by", String.join(",", groupBy));
        assertEquals(groupBy, JSON.convertValue(answer.get("group_by"), List.class));
        assertRows(expected(groupBy, null, l -> l.subject().startsWith("user:" + WHO)), answer, groupBy, false);
    }

    @Test
    void hourlyBucketsByMetadataFilteredByMetadataAndStatusClass() {
        List<String> groupBy = List.of("metadata.customer_id");
        JsonNode answer = ok(LLM, "from", FROM, "to", TO, "group_by", "metadata.customer_id", "interval", "hour",
                "metadata.env", "prod", "status_class", "2xx");
        Map<String, ObjectNode> expected = expected(groupBy, ChronoUnit.HOURS,
                l -> "prod".equals(l.metadata().get("env")) && l.status() < 300);
        assertTrue(expected.size() > 10, "enough buckets to mean something: " + expected.size());
        assertRows(expected, answer, groupBy, true);
        // oldest bucket first
        List<String> buckets = new ArrayList<>();
        answer.get("rows").forEach(r -> buckets.add(r.get("bucket").asText()));
        List<String> sorted = new ArrayList<>(buckets);
        sorted.sort(null);
        assertEquals(sorted, buckets);
        assertEquals("hour", answer.get("interval").asText());
        assertEquals("prod", answer.get("filters").get("metadata.env").asText());
    }

    @Test
    void dailyBucketsByResolvedModelForAVirtualModelAndTimeToFirstTokenOnlyFromStreams() {
        List<String> groupBy = List.of("resolved_model", "metadata.customer_id");
        JsonNode answer = ok(LLM, "from", FROM, "to", TO, "group_by", "resolved_model,metadata.customer_id",
                "interval", "day", "virtual_model", "assistant");
        Map<String, ObjectNode> expected = expected(groupBy, ChronoUnit.DAYS, l -> l.requested().equals("assistant")
                && l.subject().startsWith("user:" + WHO));
        // customers 0 and 2 only ever sent non-streaming requests (even rows): no time to first token
        assertTrue(expected.values().stream().anyMatch(e -> e.get("time_to_first_token_ms").isNull()));
        assertTrue(expected.values().stream().anyMatch(e -> !e.get("time_to_first_token_ms").isNull()));
        assertRows(expected, answer, groupBy, true);
        assertEquals("2030-06-01T00:00:00Z", answer.get("rows").get(0).get("bucket").asText());
    }

    @Test
    void filtersByModelApiKeyTeamAndErrors() {
        List<String> groupBy = List.of("status_class");
        JsonNode answer = ok(LLM, "from", FROM, "to", TO, "group_by", "status_class", "model", "acct1/gpt-1",
                "api_key", "key-1", "team", "team-1");
        assertRows(expected(groupBy, null, l -> l.requested().equals("acct1/gpt-1")
                && l.credential().equals("api_key:key-1") && l.team().equals("team-1")), answer, groupBy, false);
        assertEquals(0, ok(LLM, "from", FROM, "to", TO, "model", "no-such-model").get("rows").get(0)
                .get("requests").asLong(), "no rows: totals of zero");
    }

    @Test
    void limitCutsTheBusiestGroupsFirstAndSaysSo() {
        JsonNode answer = ok(LLM, "from", FROM, "to", TO, "group_by", "subject,model", "limit", "2");
        assertEquals(2, answer.get("rows").size());
        assertTrue(answer.get("truncated").asBoolean());
        assertTrue(answer.get("rows").get(0).get("requests").asLong()
                >= answer.get("rows").get(1).get("requests").asLong());
        Map<String, ObjectNode> all = expected(List.of("subject", "model"), null,
                l -> l.subject().startsWith("user:" + WHO));
        long most = all.values().stream().mapToLong(e -> e.get("requests").asLong()).max().orElseThrow();
        assertEquals(most, answer.get("rows").get(0).get("requests").asLong());
    }

    @Test
    void toolCallsByServerToolAndOutcomePerDay() {
        List<String> groupBy = List.of("server", "tool", "outcome");
        JsonNode answer = ok(TOOLS, "from", FROM, "to", TO, "group_by", "server,tool,outcome", "interval", "day",
                "subject", "user:" + WHO + "-1");
        Map<String, List<Call>> groups = new TreeMap<>();
        for (Call c : CALLS) {
            if (inRange(c.at()) && c.subject().equals("user:" + WHO + "-1")) {
                groups.computeIfAbsent(c.server() + "|" + c.tool() + "|" + c.outcome() + "|"
                        + c.at().truncatedTo(ChronoUnit.DAYS), k -> new ArrayList<>()).add(c);
            }
        }
        Map<String, JsonNode> actual = new TreeMap<>();
        answer.get("rows").forEach(r -> actual.put(r.get("server").asText() + "|" + r.get("tool").asText() + "|"
                + r.get("outcome").asText() + "|" + r.get("bucket").asText(), r));
        assertEquals(groups.keySet(), actual.keySet());
        groups.forEach((key, calls) -> {
            JsonNode a = actual.get(key);
            assertEquals(calls.size(), a.get("calls").asLong(), key);
            assertEquals(calls.stream().filter(c -> !c.outcome().equals("ok") && !c.outcome().equals("resumable"))
                    .count(), a.get("errors").asLong(), key);
            List<Double> ms = calls.stream().map(c -> c.latencyUs() / 1000.0).toList();
            for (String p : List.of("p50", "p95", "p99")) {
                double level = Double.parseDouble("0." + p.substring(1));
                assertEquals(quantile(ms, level), a.get("latency_ms").get(p).asDouble(), 1e-6, key + " " + p);
            }
        });
        JsonNode denied = ok(TOOLS, "from", FROM, "to", TO, "outcome", "denied", "subject", "user:" + WHO + "-0");
        assertEquals(CALLS.stream().filter(c -> inRange(c.at()) && c.outcome().equals("denied")
                && c.subject().equals("user:" + WHO + "-0")).count(), denied.get("rows").get(0).get("calls").asLong());
    }

    @Test
    void theDefaultRangeIsTheLast24Hours() {
        JsonNode answer = ok(LLM, "subject", "user:" + WHO + "-0");
        Instant from = Instant.parse(answer.get("from").asText());
        Instant to = Instant.parse(answer.get("to").asText());
        assertEquals(Duration.ofHours(24), Duration.between(from, to));
        assertTrue(Duration.between(to, Instant.now()).abs().compareTo(Duration.ofMinutes(1)) < 0);
        assertEquals(0, answer.get("rows").get(0).get("requests").asLong(), "the rows are in 2030");
    }

    @Test
    void badParametersAre400WithEveryFieldPath() {
        assertPaths(List.of("from", "group_by[1]", "interval", "limit"), LLM, "from", "yesterday",
                "group_by", "model,colour", "interval", "week", "limit", "0");
        assertPaths(List.of("to"), LLM, "from", TO, "to", FROM);
        assertPaths(List.of("to"), LLM, "from", "2020-01-01T00:00:00Z", "to", "2021-03-01T00:00:00Z");
        assertPaths(List.of("group_by[1]"), LLM, "group_by", "model,model");
        assertPaths(List.of("group_by"), LLM, "group_by", "model,subject,team,api_key,virtual_model,"
                + "provider_account,resolved_model");
        assertPaths(List.of("status_class"), LLM, "status_class", "oops");
        assertPaths(List.of("colour"), LLM, "colour", "red");
        assertPaths(List.of("subject"), LLM, "subject", "a\nb");
        assertPaths(List.of("model"), LLM, "model", "m".repeat(513));
        assertPaths(List.of("group_by[0]"), TOOLS, "group_by", "model");
        assertPaths(List.of("metadata.env"), TOOLS, "metadata.env", "prod");
        assertPaths(List.of("limit"), TOOLS, "limit", "10001");
        Response r = call(LLM, "limit", "x");
        assertEquals("application/problem+json", r.contentType());
        assertEquals("invalid input", Admin.json(r).get("title").asText());
    }

    @Test
    void injectionAttemptsAre400OrFindNothing() throws Exception {
        long before = ClickHouseHttp.count("SELECT count() FROM " + ControlPlaneTestStack.clickhouseDatabase
                + ".request_logs");
        for (String nasty : List.of("x' OR '1'='1", "x' OR 1=1 --", "\\", "x\\' OR 1=1 --", "'; DROP TABLE x",
                "x') OR 1=1 --", "x')] OR 1=1 --")) {
            for (String filter : List.of("model", "subject", "team", "api_key", "virtual_model", "provider_account",
                    "resolved_model", "metadata.customer_id")) {
                JsonNode answer = ok(LLM, "from", FROM, "to", TO, filter, nasty);
                assertEquals(0, answer.get("rows").get(0).get("requests").asLong(), filter + "=" + nasty);
            }
            assertEquals(0, ok(TOOLS, "from", FROM, "to", TO, "tool", nasty).get("rows").get(0).get("calls")
                    .asLong(), nasty);
            assertPaths(List.of("group_by[0]"), LLM, "group_by", nasty);
            assertPaths(List.of("group_by[0]"), LLM, "group_by", "metadata." + nasty);
            assertPaths(List.of("metadata." + nasty), LLM, "metadata." + nasty, "x");
            assertPaths(List.of(nasty), LLM, nasty, "x");
            assertPaths(List.of("interval"), LLM, "interval", nasty);
            assertPaths(List.of("limit"), LLM, "limit", nasty);
            assertPaths(List.of("from"), LLM, "from", nasty);
            assertPaths(List.of("to"), LLM, "to", nasty);
        }
        assertEquals(before, ClickHouseHttp.count("SELECT count() FROM " + ControlPlaneTestStack.clickhouseDatabase
                + ".request_logs"), "the table is untouched");
    }

    private static void assertPaths(List<String> expected, String path, String... params) {
        Response r = call(path, params);
        assertEquals(400, r.statusCode(), path + " " + Arrays.toString(params) + ": " + r.asString());
        List<String> paths = new ArrayList<>();
        Admin.json(r).get("errors").forEach(e -> paths.add(e.get("path").asText()));
        assertEquals(expected, paths, path + " " + Arrays.toString(params));
    }

    @Test
    void sameAuthAsTheRestOfTheAdminApi() {
        given().get(LLM).then().statusCode(401);
        given().get(TOOLS).then().statusCode(401);
        Admin.as("not-the-token").get(LLM).then().statusCode(401);
        String viewer = ControlPlaneTestStack.idp.token(Map.of("sub", "viewer@example.com",
                "aud", ControlPlaneTestStack.AUDIENCE, "roles", List.of("viewer")), Duration.ofMinutes(5));
        Admin.as(viewer).get(LLM).then().statusCode(403);
        String admin = ControlPlaneTestStack.idp.token(Map.of("sub", "ops@example.com",
                "aud", ControlPlaneTestStack.AUDIENCE, "roles", List.of(ControlPlaneTestStack.ADMIN_ROLE)),
                Duration.ofMinutes(5));
        Admin.as(admin).get(TOOLS).then().statusCode(200);
    }

    /**
     * Every question a rollup covers, asked of the V4 ({@code reservoir}) rollup and of the raw rows: the same rows,
     * the same figures (the cost sums up in another order, so to 1e-9).
     */
    @Test
    void aRollupAnswersAsTheRawRowsDo() throws Exception {
        assertEquals("request_logs_daily_models_tdigest", ok(LLM, "from", FROM, "to", TO, "group_by", "model")
                .get("source").asText(), "the answer names the table that answered");
        JsonNode fromRawRows = ok(LLM, "from", FROM, "to", TO, "group_by", "metadata.env");
        assertEquals("request_logs", fromRawRows.get("source").asText());
        assertEquals("reservoir", fromRawRows.get("percentiles").asText());
        String db = ControlPlaneTestStack.clickhouseDatabase;
        String subject = "user:" + WHO + "-1";
        List<AnalyticsQuery> questions = List.of(
                question(Dataset.LLM),
                question(Dataset.LLM, "group_by", "model", "interval", "hour"),
                question(Dataset.LLM, "group_by", "provider_account,virtual_model,status_class", "interval", "day"),
                question(Dataset.LLM, "group_by", "resolved_model", "status_class", "5xx"),
                question(Dataset.LLM, "group_by", "team,api_key", "interval", "day", "subject", subject),
                question(Dataset.LLM, "group_by", "subject,status_class", "team", "team-1"),
                question(Dataset.TOOL_CALLS, "group_by", "server,tool,outcome", "interval", "day"),
                question(Dataset.TOOL_CALLS, "group_by", "tool", "outcome", "denied"));
        for (AnalyticsQuery q : questions) {
            assertTrue(q.rollup(Percentiles.RESERVOIR) != null, "a rollup covers " + q);
            List<String> fromRollup = ClickHouseHttp.run(q.sql(db, q.rollup(Percentiles.RESERVOIR))).strip().lines()
                    .toList();
            List<String> fromRaw = ClickHouseHttp.run(q.sql(db, null)).strip().lines().toList();
            assertTrue(fromRaw.size() > 0 && !fromRaw.get(0).isBlank(), "the raw rows answer " + q);
            assertEquals(fromRaw.size(), fromRollup.size(), "rows of " + q);
            for (int i = 0; i < fromRaw.size(); i++) {
                ObjectNode raw = AnalyticsEndpoint.row(q, fromRaw.get(i));
                ObjectNode rolled = AnalyticsEndpoint.row(q, fromRollup.get(i));
                if (raw.has("cost_usd")) {
                    assertEquals(raw.get("cost_usd").asDouble(), rolled.get("cost_usd").asDouble(), 1e-9, q.toString());
                    raw.remove("cost_usd");
                    rolled.remove("cost_usd");
                }
                assertEquals(raw, rolled, "row " + i + " of " + q);
            }
        }
    }

    private static AnalyticsQuery question(Dataset dataset, String... params) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        map.put("from", List.of(FROM));
        map.put("to", List.of(TO));
        for (int i = 0; i < params.length; i += 2) {
            map.put(params[i], List.of(params[i + 1]));
        }
        return AnalyticsQuery.parse(dataset, map, Instant.now());
    }
}
