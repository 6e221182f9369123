package dev.switchboard.gateway.clients;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.testsupport.clients.IdleConnections;
import dev.switchboard.testsupport.clients.ProcessFigures;
import dev.switchboard.testsupport.clients.SlowSender;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.testsupport.fakes.StreamGate;
import io.netty.util.ResourceLeakDetector;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.Socket;
import java.net.URL;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that hold connections open doing nothing, trickle their bodies, or vanish mid-stream: the gateway's memory
 * stays bounded, it keeps no thread or buffer for them, answers everyone else meanwhile, and lets go of them after the
 * configured timeouts ({@code quarkus.http.idle-timeout}, {@code switchboard.http.body-timeout}; short here, see
 * {@link MisbehavingClientsProfile}). The figures each test measures are logged, not asserted against a clock.
 */
@QuarkusTest
@TestProfile(MisbehavingClientsProfile.class)
class MisbehavingClientsTest {

    private static final Logger LOG = Logger.getLogger(MisbehavingClientsTest.class);
    /** The idle connections held; the client side lives in a process of its own (its own file-descriptor limit). */
    static final int IDLE_CONNECTIONS = 10_000;
    private static final String CHAT = "{\"model\":\"fake/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TestHTTPResource("/")
    URL root;

    @Inject
    RowQueue<RequestLog> logs;

    private FakeOpenAi openAi;

    @BeforeEach
    void reset() {
        openAi = GatewayTestResource.openAi;
        openAi.reset();
    }

    @Test
    void tenThousandIdleKeepAliveConnectionsCostBoundedMemoryNoThreadsAndAreClosedAfterTheIdleTimeout()
            throws Exception {
        IdleConnections.Held figures = IdleConnections.hold(root.getPort(), IDLE_CONNECTIONS,
                "HEAD / HTTP/1.1|Host: 127.0.0.1||", MisbehavingClientsTest::chatAnswers200, Duration.ofMinutes(5));
        LOG.infof("%d idle keep-alive connections: before %s; while held %s (%.1f KB heap each); after the idle "
                + "timeout closed them %s", IDLE_CONNECTIONS, figures.before(), figures.held(),
                figures.heapPerConnectionKb(IDLE_CONNECTIONS), figures.after());
        figures.assertBounded(IDLE_CONNECTIONS);
        chatAnswers200();
    }

    @Test
    void bodiesTrickledPastTheBodyTimeoutAre408InTheProtocolsShapeAndTheirConnectionsClosed() throws Exception {
        long logStart = Files.size(GatewayTestResource.logFile);
        ProcessFigures before = ProcessFigures.now();
        int slowSenders = 50;
        ExecutorService pool = ProcessFigures.testClients(slowSenders + 1);
        AtomicInteger trickling = new AtomicInteger();
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < slowSenders; i++) {
                String path = i % 2 == 0 ? "/v1/chat/completions" : "/v1/messages";
                answers.add(pool.submit(() -> SlowSender.trickle(root.getPort(), path,
                        "Authorization: Bearer " + ALICE_KEY + "\r\n", trickling::incrementAndGet)));
            }
            Gateway.await(Duration.ofSeconds(60), "every slow sender to have started", () -> trickling.get() == slowSenders);
            chatAnswers200();
            for (int i = 0; i < slowSenders; i++) {
                String answer = answers.get(i).get(120, TimeUnit.SECONDS);
                assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
                assertTrue(answer.toLowerCase().contains("connection: close"), answer);
                String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
                if (i % 2 == 0) {
                    assertTrue(body.contains("\"code\":\"request_timeout\"") && body.contains("\"error\":{"), body);
                } else {
                    assertTrue(body.startsWith("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\""), body);
                }
                assertTrue(body.contains("did not arrive within 2000 ms"), body);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        ProcessFigures after = ProcessFigures.assertThreadsBackTo(before);
        LOG.infof("%d slow senders: before %s; after %s", slowSenders, before, after);
        assertEquals(1, openAi.requestCount(), "the normal request reached the provider, no half-sent body did");
        // a connection the gateway closed itself is no failure to log (each once logged an ERROR with a stack trace)
        String logged = Files.readString(GatewayTestResource.logFile).substring((int) logStart);
        assertTrue(!logged.contains("HttpClosedException"), logged);
        chatAnswers200();
    }

    @Test
    void clientsThatVanishMidStreamLeaveNoBufferThreadOrUpstreamCallBehind() throws Exception {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        long logStart = Files.size(GatewayTestResource.logFile);
        int vanishing = 100;
        StreamGate gate = new StreamGate();
        openAi.next(vanishing, FakeOpenAi.Behaviour.holdStreamAfterFirstChunk(gate));
        try {
            ProcessFigures before = ProcessFigures.now();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < vanishing; i++) {
                String id = "vanish-" + UUID.randomUUID();
                ids.add(id);
                try (Socket client = new Socket("127.0.0.1", root.getPort())) {
                    client.setSoLinger(true, 0); // a reset, as a killed client leaves
                    client.setSoTimeout(30_000);
                    Gateway.postRaw(client.getOutputStream(), "/v1/chat/completions", ALICE_KEY, id,
                            CHAT.replace("\"messages\"", "\"stream\":true,\"messages\""));
                    Gateway.readUntil(client.getInputStream(), "Hello");
                }
            }
            List<RequestLog> seen = new ArrayList<>();
            for (String id : ids) {
                RequestLog log = Gateway.awaitLog(logs, seen, l -> id.equals(l.requestId()));
                assertEquals(499, log.status(), log.toString());
            }
            chatAnswers200();
            ProcessFigures after = ProcessFigures.assertThreadsBackTo(before);
            LOG.infof("%d clients gone mid-stream: before %s; after %s", vanishing, before, after);
            // a leaked buffer is reported when the collector has found it and the next buffer is tracked
            for (int i = 0; i < 20; i++) {
                System.gc();
                chatAnswers200();
            }
            String logged = Files.readString(GatewayTestResource.logFile).substring((int) logStart);
            assertTrue(!logged.contains("LEAK:"), () -> logged.substring(logged.indexOf("LEAK:")));
        } finally {
            gate.release();
            ResourceLeakDetector.setLevel(level);
        }
    }

    private static void chatAnswers200() {
        given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json").body(CHAT)
                .post("/v1/chat/completions").then().statusCode(200);
    }
}
