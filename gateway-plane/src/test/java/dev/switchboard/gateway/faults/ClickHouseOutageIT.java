package dev.switchboard.gateway.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.telemetry.TelemetryWire;
import dev.switchboard.teststack.Await;
import dev.switchboard.teststack.ControlPlaneProcess;
import dev.switchboard.teststack.LocalStack;
import dev.switchboard.teststack.PrivateNats;
import dev.switchboard.teststack.ServiceProcess;
import dev.switchboard.teststack.TcpProxy;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * ClickHouse away for minutes under a running stack — a control plane, a gateway, a NATS of this test's own; the
 * control plane reaches the shared ClickHouse through a {@link TcpProxy} that the test cuts for {@link #OUTAGE}: the
 * gateway's request logs of that time wait in the JetStream stream (within its limits), the control plane's readiness
 * says so, and once ClickHouse is back every one of them arrives, each event id once in what readers see (the
 * request-log API) even where a redelivered batch stored a row twice.
 */
@EnabledIf(value = "dev.switchboard.teststack.PrivateNats#installed",
        disabledReason = "/usr/sbin/nats-server is not installed: this test runs a NATS of its own")
class ClickHouseOutageIT {

    private static final Duration OUTAGE = Duration.ofMinutes(2);
    private static final Duration START = Duration.ofSeconds(120);
    private static final int BEFORE = 50;
    private static final int DURING = 300;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String run = HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt(),
        (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt()});
    private final String database = "sb_ch_outage_" + run;

    @Test
    void requestLogsWaitInJetStreamWhileClickHouseIsAwayAndArriveOnceWhenItIsBack() throws Exception {
        URI clickhouse = URI.create(LocalStack.get().clickhouseUrl());
        Path dir = Files.createTempDirectory("switchboard-clickhouse-outage");
        try (PrivateNats nats = new PrivateNats().start();
             FakeOpenAi openAi = FakeOpenAi.start();
             TcpProxy chLink = new TcpProxy(clickhouse.getHost(), clickhouse.getPort());
             ControlPlaneProcess cp = ControlPlaneProcess.builder(nats.url()).schemaPrefix("gw_ch_outage")
                     .clickhouse("http://127.0.0.1:" + chLink.port(), database).start();
             ServiceProcess gateway = GatewayProcess.fed("ch", nats.url(), cp.bucket, cp.masterKey,
                     dir.resolve("snapshot.json.gz")).start();
             Connection nc = Nats.connect(nats.url())) {
            cp.awaitReady(START);
            GatewayProcess.Caller caller = GatewayProcess.provisionCaller(cp, openAi.baseUrl());
            gateway.awaitReady(START);
            Await.until(START, "the gateway applies revision " + caller.revision(),
                    () -> GatewayProcess.revision(gateway) >= caller.revision());

            chat(gateway, caller, "before", BEFORE);
            Await.until(START, BEFORE + " request logs in ClickHouse", () -> stored("before").rows() == BEFORE);

            chLink.down();
            long downAt = System.nanoTime();
            chat(gateway, caller, "during", DURING);
            Await.until(START, "the control plane's readiness tells ClickHouse is away", () -> {
                JsonNode w = cp.process().readiness("telemetry-writer");
                return !w.path("clickhouse_reachable").asBoolean(true) && w.path("lagging").asBoolean(false)
                        && w.has("outage_since") && w.path("pending").asLong() > 0;
            });
            StreamInfo stream = nc.jetStreamManagement().getStreamInfo(TelemetryWire.STREAM);
            assertTrue(stream.getStreamState().getMsgCount() > 0, "the request logs wait in the stream");
            assertTrue(stream.getStreamState().getByteCount() < stream.getConfiguration().getMaxBytes(),
                    "within the stream's limits: " + stream.getStreamState());
            assertEquals(0, stored("during").rows(), "nothing reached ClickHouse through the cut");
            assertEquals(503, cp.send("GET", "/admin/v1/request-logs", null).status(), "the log API says it is away");
            assertEquals(200, cp.send("GET", "/admin/v1/users", null).status(), "the rest of the admin API works");
            long left = OUTAGE.toNanos() - (System.nanoTime() - downAt);
            if (left > 0) {
                Thread.sleep(left / 1_000_000); // the outage lasts OUTAGE: a scenario's length, not an assertion
            }
            chLink.up();

            Await.until(Duration.ofSeconds(180), "the " + DURING + " request logs of the outage in ClickHouse",
                    () -> stored("during").events() >= DURING);
            // Delivery is at least once: a batch whose insert went through as the way was cut, its answer lost, is
            // stored again; each row keeps its event id, and what readers see is one row per event id.
            Count during = stored("during");
            Count before = stored("before");
            assertEquals(DURING, during.events(), "every request log of the outage arrived: " + during);
            assertEquals(BEFORE, before.events(), "the earlier ones are all there: " + before);
            JsonNode listed = cp.send("GET", "/admin/v1/request-logs?limit=1000", null).body().path("items");
            List<String> ids = new ArrayList<>();
            listed.forEach(row -> ids.add(row.path("request_id").asText()));
            assertEquals(BEFORE + DURING, ids.size(), "the request-log API lists each request once");
            assertEquals(BEFORE + DURING, new HashSet<>(ids).size(), "no request listed twice");
            Await.until(Duration.ofSeconds(30), "the readiness tells the outage ended", () -> {
                JsonNode w = cp.process().readiness("telemetry-writer");
                return w.path("clickhouse_reachable").asBoolean(false) && w.has("last_outage_ended");
            });
            JsonNode writer = cp.process().readiness("telemetry-writer");
            assertFalse(writer.has("outage_since"), writer.toString());
            assertEquals(1, cp.process().logLines("ClickHouse unreachable").size(),
                    "the outage logged once: " + cp.process().logLines("ClickHouse unreachable"));
            assertTrue(cp.process().logContains("takes telemetry again"), cp.process().logTail());
            System.out.printf("[ClickHouseOutageIT] ClickHouse away %d s: %d request logs waited in JetStream (%d"
                    + " messages, %d bytes at the check) and arrived; rows stored twice by redelivery: %d (shown"
                    + " once)%n", OUTAGE.toSeconds(), DURING, stream.getStreamState().getMsgCount(),
                    stream.getStreamState().getByteCount(), during.rows() + before.rows() - DURING - BEFORE);
        } finally {
            clickhouse("DROP DATABASE IF EXISTS " + database);
        }
    }

    /** Rows in ClickHouse for the requests of one phase, and how many distinct event ids they carry. */
    private record Count(long rows, long events) {
    }

    private Count stored(String phase) {
        String answer = clickhouse("SELECT count(), uniqExact(event_id) FROM " + database + ".request_logs"
                + " WHERE request_id LIKE 'ch-" + phase + "-%' FORMAT TabSeparated");
        if (answer == null) {
            return new Count(-1, -1);
        }
        String[] cells = answer.trim().split("\t");
        return new Count(Long.parseLong(cells[0]), Long.parseLong(cells[1]));
    }

    /** The answer of the shared ClickHouse (not through the proxy) to {@code sql}, or null when it refuses it. */
    private static String clickhouse(String sql) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(LocalStack.get().clickhouseUrl() + "/"))
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(sql)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null; // before the control plane made the table: not there yet
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void chat(ServiceProcess gateway, GatewayProcess.Caller caller, String phase, int n)
            throws Exception {
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl()
                            + "/v1/chat/completions")).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + caller.apiKey()).header("Content-Type", "application/json")
                    .header("x-request-id", "ch-" + phase + "-" + i)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"fake/gpt-4o-mini\",\"messages\":"
                            + "[{\"role\":\"user\",\"content\":\"hello\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
        }
    }
}
