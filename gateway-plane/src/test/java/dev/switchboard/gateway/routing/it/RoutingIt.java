package dev.switchboard.gateway.routing.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.routing.RoutingStats;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the routing integration tests share: the fakes by account name, plain requests, and the checks they repeat. */
final class RoutingIt {

    static final String KEY = RoutingItResource.CALLER_KEY;
    static final String PRIMARY = "primary/gpt-4o-mini";
    static final String SECONDARY = "secondary/gpt-4o-mini";
    static final String TERTIARY = "tertiary/gpt-4o-mini";

    private RoutingIt() {
    }

    static FakeOpenAi primary() {
        return RoutingItResource.primary;
    }

    static FakeOpenAi secondary() {
        return RoutingItResource.secondary;
    }

    static FakeOpenAi tertiary() {
        return RoutingItResource.tertiary;
    }

    /**
     * Every test starts with quiet, well-behaved upstreams, every target healthy, and an empty request log. The
     * gateway records a request just after its last byte went out, so the previous test's last request may still be
     * on its way into the statistics: wait until the request log has been quiet for a moment before forgetting them.
     */
    static void reset(RoutingStats stats, RowQueue<RequestLog> logs) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        int quiet = 0;
        while (quiet < 3 && System.nanoTime() < deadline) {
            quiet = logs.drain(Integer.MAX_VALUE).isEmpty() ? quiet + 1 : 0;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        primary().reset();
        secondary().reset();
        tertiary().reset();
        stats.forget();
        logs.drain(Integer.MAX_VALUE);
    }

    /** Request counts of primary, secondary, tertiary. */
    static List<Integer> counts() {
        return List.of(primary().requestCount(), secondary().requestCount(), tertiary().requestCount());
    }

    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    static String streamChat(String model, boolean includeUsage) {
        return "{\"model\":\"" + model + "\",\"stream\":true"
                + (includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    static String newRequestId() {
        return "routing-it-" + UUID.randomUUID();
    }

    static RequestSpecification caller() {
        return given().header("Authorization", "Bearer " + KEY).contentType("application/json");
    }

    /** A chat completion through REST Assured (for the exact error-shape checks), with extra headers. */
    static Response post(String body, Map<String, String> headers) {
        return caller().headers(headers).body(body).post("/v1/chat/completions");
    }

    /**
     * {@code POST /v1/route:explain} through REST Assured. URL encoding is off: REST Assured would send the ':' as
     * {@code %3A}, which the gateway does not route.
     */
    static Response explainResponse(RequestSpecification spec, String model) {
        return spec.urlEncodingEnabled(false).body(chat(model)).post("/v1/route:explain");
    }

    /** An answer read by java.net.http. */
    record Reply(int status, java.net.http.HttpHeaders headers, String body) {

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * {@code POST /v1/<path>} as the test caller over a kept-alive java.net.http connection: much cheaper than REST
     * Assured, for the tests that send hundreds of requests.
     */
    static Reply send(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + "/v1/" + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A chat completion for {@code model}; asserts 200 and returns the target that served it. */
    static String served(String model, Map<String, String> headers) {
        Reply r = send("chat/completions", chat(model), headers);
        assertEquals(200, r.status(), r.body());
        return r.header("x-tfy-resolved-model");
    }

    static String served(String model) {
        return served(model, Map.of());
    }

    /** {@code POST /v1/route:explain} for {@code model}; asserts 200 and returns the parsed answer. */
    static JsonNode explain(String model, Map<String, String> headers) {
        Reply r = send("route:explain", chat(model), headers);
        assertEquals(200, r.status(), r.body());
        return Gateway.parse(r.body());
    }

    /** The explanation's entry for {@code target}. */
    static JsonNode entry(JsonNode explanation, String target) {
        for (JsonNode t : explanation.get("targets")) {
            if (target.equals(t.get("target").asText())) {
                return t;
            }
        }
        throw new AssertionError("no entry for " + target + " in " + explanation);
    }

    /** The chosen target of an explanation (the first entry, the only one with chosen: true). */
    static String chosen(JsonNode explanation) {
        List<String> chosen = new ArrayList<>();
        for (JsonNode t : explanation.get("targets")) {
            if (t.get("chosen").asBoolean()) {
                chosen.add(t.get("target").asText());
            }
        }
        assertEquals(1, chosen.size(), explanation.toString());
        assertEquals(chosen.get(0), explanation.get("targets").get(0).get("target").asText());
        return chosen.get(0);
    }

    /** The request-log event of {@code requestId}. */
    static RequestLog logOf(RowQueue<RequestLog> logs, List<RequestLog> seen, String requestId) {
        return Gateway.awaitLog(logs, seen, l -> requestId.equals(l.requestId()));
    }

    /** The attempts of a log event as "target status" strings, in order. */
    static List<String> attempts(RequestLog log) {
        List<String> out = new ArrayList<>();
        for (RequestLog.Attempt a : log.attempts()) {
            out.add(a.target() + " " + a.status());
        }
        return out;
    }

    /** Milliseconds between the arrivals of two requests at a fake. */
    static long gapMillis(RecordedRequest earlier, RecordedRequest later) {
        return Duration.between(earlier.receivedAt(), later.receivedAt()).toMillis();
    }

    /** Asserts that consecutive requests at {@code fake} arrived at least {@code minMillis} apart. */
    static void assertGapsAtLeast(FakeOpenAi fake, long minMillis) {
        List<RecordedRequest> requests = fake.requests();
        for (int i = 1; i < requests.size(); i++) {
            long gap = gapMillis(requests.get(i - 1), requests.get(i));
            assertTrue(gap >= minMillis, "request " + i + " came " + gap + " ms after the one before, not >= " + minMillis);
        }
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
