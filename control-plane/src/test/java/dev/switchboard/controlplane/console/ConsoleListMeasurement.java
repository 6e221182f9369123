package dev.switchboard.controlplane.console;

import static io.restassured.RestAssured.given;

import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.controlplane.support.ScaleConfig;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A measurement, not a test (it asserts no time): how long the console's models and API-keys list pages take to
 * render, a page and a search, first on the small base config and then with 10,000 models and 100,000 API keys ({@link ScaleConfig}). Each
 * figure is the median and the fastest of {@link #RUNS} renders after {@link #WARMUP} warm-up ones, timed from this JVM
 * over loopback (the page is rendered whole before the first byte is sent); on a loaded machine the fastest is the
 * closer to what a render costs, the median to what a user waits. Prints a table for docs/performance.md. Opt-in:
 * <pre>./mvnw -q -pl control-plane -am test -Dtest=ConsoleListMeasurement -Dconsole.measure=true
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dnative-sources.skip=true</pre>
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "console.measure", matches = "true")
class ConsoleListMeasurement {

    static final int WARMUP = 5;
    static final int RUNS = 31;

    @TestHTTPResource("/")
    URL base;

    @Inject
    Pool pool;

    private final HttpClient http = HttpClient.newHttpClient();
    private String cookie;

    @Test
    void listPagesAtScale() throws Exception {
        Admin.reset();
        cookie = signIn();
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("models, first page", "/console/resources/models");
        pages.put("models, a later page", "/console/resources/models?after=" + enc("acct-50/model-50"));
        pages.put("models, search, many matches (\"model-1\")", "/console/resources/models?q=model-1");
        pages.put("models, search, one match (\"acct-99/model-99\")", "/console/resources/models?q=acct-99/model-99");
        pages.put("API keys, first page", "/console/resources/api-keys");
        pages.put("API keys, a later page", "/console/resources/api-keys?after=key-50000");
        pages.put("API keys, search, many matches (\"key-1\")", "/console/resources/api-keys?q=key-1");
        pages.put("API keys, search, one match (\"key-99999\")", "/console/resources/api-keys?q=key-99999");
        pages.put("API keys, search, no match (\"nothing\")", "/console/resources/api-keys?q=nothing");
        pages.put("route preview of a virtual model (one keystroke)", "/console/route-preview?yaml=" + enc("""
                name: vm
                routing_config:
                  type: weight-based-routing
                  load_balance_targets:
                    - {target: acct-1/model-1, weight: 50}
                    - {target: acct-2/model-2, weight: 50}
                """));

        Map<String, Figures> small = measure(pages);
        System.out.println("[ConsoleListMeasurement] base config: " + small);
        // a commit of 100,000 keys outlasts the test client's socket timeout on a loaded machine: no timeout here
        HttpResponse<String> imported = http.send(HttpRequest.newBuilder(URI.create(url("/admin/v1/config")))
                .header("Authorization", "Bearer " + ControlPlaneTestStack.adminToken)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(ScaleConfig.json()))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (imported.statusCode() != 200) {
            throw new IllegalStateException("the import failed: " + imported.statusCode() + " " + imported.body());
        }
        // the statistics autovacuum gathers within a minute of a large change: the planner needs them to take the
        // trigram index for a rare name (without them it walks the name index)
        pool.query("analyze").execute().await().indefinitely();
        Map<String, Figures> large = measure(pages);
        System.out.println("[ConsoleListMeasurement] median / fastest of " + RUNS + " renders (ms)");
        System.out.println("| page | base config | 10,000 models, 100,000 API keys |");
        System.out.println("|---|---:|---:|");
        for (String name : pages.keySet()) {
            System.out.printf("| %s | %s | %s |%n", name, small.get(name), large.get(name));
        }
    }

    /** Median and fastest, in ms. */
    private record Figures(double median, double fastest) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%.1f / %.1f", median, fastest);
        }
    }

    private Map<String, Figures> measure(Map<String, String> pages) throws Exception {
        Map<String, Figures> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> page : pages.entrySet()) {
            List<Long> nanos = new ArrayList<>();
            for (int i = 0; i < WARMUP + RUNS; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(page.getValue())))
                        .header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
                long t = System.nanoTime() - t0;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(page.getValue() + ": " + r.statusCode() + " " + r.body());
                }
                if (i >= WARMUP) {
                    nanos.add(t);
                }
            }
            nanos.sort(null);
            out.put(page.getKey(), new Figures(nanos.get(nanos.size() / 2) / 1e6, nanos.get(0) / 1e6));
        }
        return out;
    }

    private String signIn() {
        return SessionCookies.NAME + "=" + given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("credential", ControlPlaneTestStack.adminToken).post(url(ConsolePaths.SIGN_IN))
                .then().statusCode(303).extract().cookie(SessionCookies.NAME);
    }

    private String url(String path) {
        String root = base.toString();
        return (root.endsWith("/") ? root.substring(0, root.length() - 1) : root) + path;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
