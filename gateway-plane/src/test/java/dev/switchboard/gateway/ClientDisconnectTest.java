package dev.switchboard.gateway;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.gateway.telemetry.TargetStatistics;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.testsupport.fakes.StreamGate;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client that goes away mid-stream cancels the upstream call instead of leaving it running. */
@QuarkusTest
class ClientDisconnectTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    RowQueue<RequestLog> logs;

    @Inject
    TargetStatistics statistics;

    private FakeOpenAi openAi;

    @BeforeEach
    void resetUpstream() {
        openAi = GatewayTestResource.openAi;
        openAi.reset();
    }

    @Test
    void clientDisconnectClosesTheUpstreamCallWhileItIsStillStreaming() throws IOException {
        String requestId = "disconnect-" + UUID.randomUUID();
        StreamGate gate = openAi.holdStreamAfterFirstChunk();
        try {
            Set<Integer> upstreamConnections;
            try (Socket client = new Socket("127.0.0.1", root.getPort())) {
                client.setSoTimeout(5000);
                sendStreamingRequest(client.getOutputStream(), requestId);
                String received = Gateway.readUntil(client.getInputStream(), "Hello");
                assertTrue(received.startsWith("HTTP/1.1 200"), received);
                // the fake marks itself holding just after it flushed the first chunk, so the client may read that chunk first
                assertTrue(gate.awaitHeld(Duration.ofSeconds(5)));
                assertTrue(gate.isHolding());
                upstreamConnections = establishedConnectionsTo(openAi.port());
                assertTrue(!upstreamConnections.isEmpty(), "the held stream has a connection to the upstream");
            }

            // the gateway notices, records the request as abandoned, and closes its upstream connection; all while
            // the upstream is still holding the rest of the stream, so it did not wait for the upstream to finish
            List<RequestLog> seen = new ArrayList<>();
            RequestLog log = Gateway.awaitLog(logs, seen, l -> requestId.equals(l.requestId()));
            assertEquals(499, log.status());
            assertEquals("client_closed", log.errorCode());
            assertTrue(log.stream());
            assertEquals("fake/gpt-4o-mini", log.resolvedModel());
            Gateway.await(Duration.ofSeconds(5), "the gateway to close its connection to the upstream",
                    () -> !establishedConnectionsTo(openAi.port()).containsAll(upstreamConnections));
            assertTrue(gate.isHolding(), "the upstream was still holding when the gateway let go of it");
            TargetStatistics.Sample[] samples = statistics.samples("fake/gpt-4o-mini");
            assertEquals(499, samples[samples.length - 1].status());
        } finally {
            gate.release();
        }
        // nothing is left stuck: the next request is served normally
        given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\",\"messages\":[]}").post("/v1/chat/completions")
                .then().statusCode(200);
    }

    @Test
    void clientDisconnectBeforeTheFirstByteCancelsTheWaitingUpstreamCall() throws IOException {
        String requestId = "disconnect-early-" + UUID.randomUUID();
        // the upstream answers after 3 s; the gateway's first-byte timeout (1.5 s) would record a 504
        openAi.stallNext(Duration.ofSeconds(3));
        try (Socket client = new Socket("127.0.0.1", root.getPort())) {
            sendStreamingRequest(client.getOutputStream(), requestId);
            Gateway.await(Duration.ofSeconds(5), "the request to reach the upstream", () -> openAi.requestCount() == 1);
        }

        RequestLog log = Gateway.awaitLog(logs, new ArrayList<>(), l -> requestId.equals(l.requestId()));
        assertEquals(499, log.status(), log.toString());
        assertEquals("client_closed", log.errorCode());
        // the gateway's own clock: had it waited, the call would have lasted until the first-byte timeout
        assertTrue(log.latencyMs() < 1400, "the call lasted " + log.latencyMs() + " ms: the gateway kept waiting");
    }

    private static void sendStreamingRequest(OutputStream out, String requestId) throws IOException {
        Gateway.postRaw(out, "/v1/chat/completions", ALICE_KEY, requestId,
                "{\"model\":\"fake/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    /**
     * The remote ports of the established TCP connections accepted by the local server on {@code port}, from the
     * kernel's table (Linux); the fake upstream does not report its connections itself.
     */
    private static Set<Integer> establishedConnectionsTo(int port) {
        Set<Integer> remotePorts = new HashSet<>();
        try {
            // a JDK server socket bound to 127.0.0.1 may be an IPv6 socket: its connections are in tcp6
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 4 || !f[1].contains(":") || !"01".equals(f[3])) {
                        continue;
                    }
                    int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                    if (local == port) {
                        remotePorts.add(Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return remotePorts;
    }
}
