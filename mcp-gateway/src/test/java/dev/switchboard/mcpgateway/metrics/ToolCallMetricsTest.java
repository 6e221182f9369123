package dev.switchboard.mcpgateway.metrics;

import static dev.switchboard.mcpgateway.support.McpTestResource.ALICE_KEY;
import static dev.switchboard.mcpgateway.support.McpTestResource.BOB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.testsupport.prometheus.GrafanaDashboard;
import dev.switchboard.testsupport.prometheus.PrometheusText;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The MCP gateway's {@code /q/metrics}, read by a real exposition-format parser, around an allowed call, a call the
 * tool ACL refuses and one whose upstream fails; and the Grafana dashboard's MCP series against that page. Other tests
 * share this application, so counts are compared before and after.
 */
@QuarkusTest
class ToolCallMetricsTest {

    private static final String CALLS = "switchboard_mcp_tool_calls_total";
    private static final String DURATION = "switchboard_mcp_tool_call_duration_seconds";

    /** HTTP/1.1: the JDK's default h2c upgrade attempt on plain HTTP can leave a request hanging. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/")
    URL root;

    private PrometheusText scrape() {
        try {
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(root.toURI().resolve("/q/metrics"))
                    .header("Accept", "text/plain; version=0.0.4").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            return PrometheusText.parse(page.body());
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void toolCallsAreCountedByServerToolAndOutcomeWithTheirLatency() throws InterruptedException {
        McpHttp mcp = new McpHttp(root);
        String bobs = mcp.initialize("alpha", BOB_KEY);
        String alices = mcp.initialize("alpha", ALICE_KEY);
        PrometheusText before = scrape();

        mcp.call("alpha", BOB_KEY, bobs, "echo", "{\"message\":\"counted\"}");
        mcp.call("alpha", BOB_KEY, bobs, "progress", "{}"); // not in bob's tools
        mcp.call("alpha", ALICE_KEY, alices, "fail", "{}"); // the upstream answers 500

        PrometheusText after = awaitCalls(before.sum(CALLS) + 3);
        assertEquals(1, delta(before, after, CALLS, "server", "alpha", "tool", "echo", "outcome", "ok"));
        assertEquals(1, delta(before, after, CALLS, "server", "alpha", "tool", "progress", "outcome", "refused"));
        assertEquals(1, delta(before, after, CALLS, "server", "alpha", "tool", "fail", "outcome", "upstream_failed"));
        assertEquals(1, delta(before, after, DURATION + "_count", "server", "alpha", "tool", "echo"));
        assertEquals(1, delta(before, after, DURATION + "_bucket", "server", "alpha", "tool", "echo", "le", "+Inf"));
        assertEquals("counter", after.type(CALLS));
        assertEquals("histogram", after.type(DURATION + "_bucket"));
    }

    @Test
    void noSeriesNamesACaller() throws InterruptedException {
        McpHttp mcp = new McpHttp(root);
        String bobs = mcp.initialize("alpha", BOB_KEY);
        double calls = scrape().sum(CALLS);
        mcp.call("alpha", BOB_KEY, bobs, "whoami", "{}");
        for (PrometheusText.Sample s : awaitCalls(calls + 1).samples()) {
            if (s.name().startsWith("switchboard_")) {
                assertTrue(Set.of("server", "tool", "outcome", "le", "kind", "source").containsAll(s.labels().keySet()),
                        s.name() + " has labels " + s.labels().keySet());
                assertFalse(s.labels().containsValue("user:bob"), s.name() + " names a caller");
            }
        }
    }

    @Test
    void theDashboardsMcpSeriesAreExposed() throws InterruptedException {
        McpHttp mcp = new McpHttp(root);
        String alices = mcp.initialize("alpha", ALICE_KEY);
        double calls = scrape().sum(CALLS);
        mcp.call("alpha", ALICE_KEY, alices, "echo", "{\"message\":\"dashboard\"}");
        Set<String> exposed = awaitCalls(calls + 1).names();
        long checked = 0;
        for (String name : GrafanaDashboard.series()) {
            if (name.startsWith("switchboard_mcp_")) {
                assertTrue(exposed.contains(name), "the dashboard uses " + name + ", which the MCP gateway lacks");
                checked++;
            }
        }
        assertTrue(checked >= 2, "the dashboard shows tool calls and their latency");
    }

    /** The page once the counted calls reach {@code total}: the record is made as the answer leaves. */
    private PrometheusText awaitCalls(double total) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        PrometheusText page = scrape();
        while (page.sum(CALLS) < total && System.nanoTime() < deadline) {
            Thread.sleep(50);
            page = scrape();
        }
        assertTrue(page.sum(CALLS) >= total, "tool calls on /q/metrics: " + page.sum(CALLS) + ", wanted " + total);
        return page;
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}
