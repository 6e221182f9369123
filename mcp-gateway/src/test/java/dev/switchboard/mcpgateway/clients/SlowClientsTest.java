package dev.switchboard.mcpgateway.clients;

import static dev.switchboard.mcpgateway.support.McpTestResource.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.testsupport.clients.IdleConnections;
import dev.switchboard.testsupport.clients.ProcessFigures;
import dev.switchboard.testsupport.clients.SlowSender;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Clients of the MCP gateway that hold idle connections or trickle their bodies: bounded memory, no thread per
 * client, everyone else served meanwhile, and each let go of after its timeout ({@link SlowClientsProfile}).
 */
@QuarkusTest
@TestProfile(SlowClientsProfile.class)
class SlowClientsTest {

    private static final Logger LOG = Logger.getLogger(SlowClientsTest.class);
    static final int IDLE_CONNECTIONS = 10_000;

    @TestHTTPResource("/")
    URL root;

    @Test
    void tenThousandIdleKeepAliveConnectionsCostBoundedMemoryNoThreadsAndAreClosedAfterTheIdleTimeout()
            throws Exception {
        IdleConnections.Held figures = IdleConnections.hold(root.getPort(), IDLE_CONNECTIONS,
                "GET /q/health/live HTTP/1.1|Host: 127.0.0.1||", this::initializeAnswers, Duration.ofMinutes(5));
        LOG.infof("%d idle keep-alive connections: before %s; while held %s (%.1f KB heap each); after the idle "
                + "timeout closed them %s", IDLE_CONNECTIONS, figures.before(), figures.held(),
                figures.heapPerConnectionKb(IDLE_CONNECTIONS), figures.after());
        figures.assertBounded(IDLE_CONNECTIONS);
    }

    @Test
    void bodiesTrickledPastTheBodyTimeoutAre408WithAJsonRpcErrorAndTheirConnectionsClosed() throws Exception {
        ProcessFigures before = ProcessFigures.now();
        int slowSenders = 50;
        ExecutorService pool = ProcessFigures.testClients(slowSenders);
        CountDownLatch started = new CountDownLatch(slowSenders);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < slowSenders; i++) {
                answers.add(pool.submit(() -> SlowSender.trickle(root.getPort(), "/mcp/v1/alpha/mcp",
                        "Authorization: Bearer " + ALICE_KEY + "\r\nAccept: " + McpHttp.ACCEPT_BOTH + "\r\n",
                        started::countDown)));
            }
            assertTrue(started.await(60, TimeUnit.SECONDS));
            initializeAnswers();
            for (Future<String> pending : answers) {
                String answer = pending.get(120, TimeUnit.SECONDS);
                assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
                assertTrue(answer.toLowerCase().contains("connection: close"), answer);
                String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
                assertTrue(body.contains("\"code\":-32600") && body.contains("\"reason\":\"body_timeout\""), body);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        ProcessFigures after = ProcessFigures.assertThreadsBackTo(before);
        LOG.infof("%d slow senders: before %s; after %s", slowSenders, before, after);
        initializeAnswers();
    }

    private void initializeAnswers() {
        assertNotNull(new McpHttp(root).initialize("alpha", ALICE_KEY));
    }
}
