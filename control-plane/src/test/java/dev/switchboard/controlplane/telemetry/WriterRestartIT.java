package dev.switchboard.controlplane.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.support.ClickHouseHttp;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.controlplane.support.PackagedControlPlane;
import dev.switchboard.teststack.LocalStack;
import dev.switchboard.teststack.PrivateNats;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The control plane as it ships (the packaged {@code quarkus-run.jar}) writing request logs from a private NATS into
 * a ClickHouse database of this test, while a publisher keeps putting batches on the stream as a gateway does. The
 * control plane is stopped mid-stream and started again, once with SIGKILL and once with SIGTERM: every event id
 * published reaches ClickHouse; rows stored twice stay within the documented at-least-once bound (one fetch of
 * {@value #FETCH} messages, docs/observability.md "Delivery: at least once"); and the request-log API shows each
 * event once.
 */
@EnabledIf(value = "dev.switchboard.teststack.PrivateNats#installed",
        disabledReason = "/usr/sbin/nats-server is not installed: this test runs a NATS of its own")
class WriterRestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The writer's fetch ({@code switchboard.telemetry.writer.batch}): the most messages in flight at a stop. */
    private static final int FETCH = 16;
    private static final int ROWS_PER_MESSAGE = 10;
    /** Subjects (callers) the rows are spread over, each well under the request-log API's limit of 1000 rows. */
    private static final int SUBJECTS = 100;
    /** Between two messages: 100 rows a second, a few hundred per subject over a slow restart. */
    private static final long PAUSE_MS = 100;
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final Duration READY = Duration.ofSeconds(120);

    private final String run = HexFormat.of().formatHex(random(5));
    private final String schema = "cp_writer_" + run;
    private final String database = "sb_writer_restart_" + run;
    private final String stream = "WRITER_RESTART_" + run.toUpperCase();
    private final String prefix = "test.writer." + run + ".";
    private final String adminToken = "sb-admin-writer-" + HexFormat.of().formatHex(random(16));
    private final String masterKey = Base64.getEncoder().encodeToString(random(32));
    private final Set<String> published = ConcurrentHashMap.newKeySet();
    private PrivateNats nats;
    private PackagedControlPlane plane;

    @BeforeEach
    void start() throws Exception {
        // ClickHouseHttp reads the URL the Quarkus test resource sets; there is none in an IT
        ControlPlaneTestStack.clickhouseUrl = LocalStack.get().clickhouseUrl();
        nats = new PrivateNats().start();
    }

    @AfterEach
    void stop() throws Exception {
        if (plane != null) {
            plane.close();
        }
        if (nats != null) {
            nats.close();
        }
        try {
            ClickHouseHttp.run("DROP DATABASE IF EXISTS " + database);
        } catch (IOException e) { // a loaded ClickHouse may take longer than the client waits: the test's result stands
            System.out.println("[WriterRestartIT] could not drop ClickHouse database " + database + ": " + e);
        }
        ControlPlaneTestStack.dropSchema(schema);
    }

    @Test
    void killedWithSigkillMidStreamNothingIsLostAndTheApiShowsEachEventOnce() throws Exception {
        restartMidStream(true);
    }

    @Test
    void stoppedWithSigtermMidStreamNothingIsLostAndTheApiShowsEachEventOnce() throws Exception {
        restartMidStream(false);
    }

    private void restartMidStream(boolean kill) throws Exception {
        try (Connection nc = Nats.connect(nats.url())) {
            TelemetryWriter.ensureStream(nc.jetStreamManagement(), stream, prefix, 1);
            plane = controlPlane("first");
            plane.awaitReady(READY);
            AtomicBoolean publishing = new AtomicBoolean(true);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread publisher = new Thread(() -> {
                try {
                    for (int message = 0; publishing.get(); message++) {
                        publishBatch(nc, message);
                        Thread.sleep(PAUSE_MS);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "request-log-publisher");
            publisher.start();

            await(() -> stored() >= 20L * ROWS_PER_MESSAGE, "the first rows written", WAIT);
            if (kill) {
                plane.kill(); // SIGKILL: mid-insert or mid-ack
            } else {
                plane.close(); // SIGTERM: the writer finishes or abandons its insert, then the process exits
            }
            int publishedWhileDown = published.size();
            await(() -> published.size() >= publishedWhileDown + 20 * ROWS_PER_MESSAGE, "publishing while it is down",
                    WAIT);
            plane = controlPlane("second");
            plane.awaitReady(READY);
            long publishedAtRestart = published.size();
            await(() -> distinctStored() >= publishedAtRestart, "the second one catching up", WAIT);
            publishing.set(false);
            publisher.join(30_000);
            assertEquals(null, failure.get(), "the publisher never failed");

            String ours = database + ".request_logs";
            await(() -> distinctStored() == published.size(), "every published event id in ClickHouse", WAIT);
            Set<String> missing = new HashSet<>(published);
            missing.removeAll(List.of(ClickHouseHttp.run("SELECT DISTINCT event_id FROM " + ours).strip().split("\n")));
            assertEquals(Set.of(), missing, "nothing lost");
            long rows = ClickHouseHttp.count("SELECT count() FROM " + ours);
            long duplicates = rows - published.size();
            assertTrue(duplicates >= 0 && duplicates <= (long) FETCH * ROWS_PER_MESSAGE, "rows stored twice: "
                    + duplicates + ", at most one fetch of " + FETCH + " messages of " + ROWS_PER_MESSAGE + " rows");
            // a copy is a whole message stored again: the same rows, the same event ids
            assertEquals(0, duplicates % ROWS_PER_MESSAGE, "whole messages stored twice");

            // the request-log API keeps one row per event id, copies or not
            Map<String, Integer> perSubject = new ConcurrentHashMap<>();
            for (String id : published) {
                perSubject.merge(subjectOf(id), 1, Integer::sum);
            }
            for (Map.Entry<String, Integer> s : perSubject.entrySet()) {
                JsonNode items = requestLogs(s.getKey()).path("items");
                List<String> ids = new ArrayList<>();
                items.forEach(item -> ids.add(item.path("request_id").asText()));
                assertEquals(s.getValue().intValue(), ids.size(), s.getKey() + ": one row per event");
                assertEquals(ids.size(), new HashSet<>(ids).size(), s.getKey() + ": no event twice");
            }
            System.out.printf("[WriterRestartIT] %s: %d events published, %d rows stored, %d stored twice%n",
                    kill ? "SIGKILL" : "SIGTERM", published.size(), rows, duplicates);
        }
    }

    /** One message of rows as the gateway publishes them: each row with an event id of its own. */
    private void publishBatch(Connection nc, int message) throws Exception {
        List<ObjectNode> rows = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < ROWS_PER_MESSAGE; i++) {
            int n = message * ROWS_PER_MESSAGE + i;
            String id = "gw-" + run + "-" + n;
            ObjectNode row = Telemetry.requestLog(id, "user:" + run + "-" + n % SUBJECTS, "gpt-4o",
                    Instant.now(), 200);
            row.put("event_id", id);
            rows.add(row);
            ids.add(id);
        }
        // the message id dedupes a publisher's own retry (the stream's duplicate window); acked means stored in NATS
        Telemetry.publish(nc, prefix + "request_logs", "gw-" + run + "-m" + message, Telemetry.body(rows));
        published.addAll(ids);
    }

    private String subjectOf(String eventId) {
        long n = Long.parseLong(eventId.substring(eventId.lastIndexOf('-') + 1));
        return "user:" + run + "-" + n % SUBJECTS;
    }

    private long stored() {
        return countQuietly("SELECT count() FROM " + database + ".request_logs");
    }

    private long distinctStored() {
        return countQuietly("SELECT uniqExact(event_id) FROM " + database + ".request_logs");
    }

    private static long countQuietly(String sql) {
        try {
            return ClickHouseHttp.count(sql);
        } catch (Exception e) {
            return -1; // the tables are not there yet
        }
    }

    private static void await(BooleanSupplier condition, String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** The control plane with its telemetry writer on, pointed at this test's NATS, stream and database. */
    private PackagedControlPlane controlPlane(String name) throws IOException {
        return new PackagedControlPlane("writer-" + name, List.of(
                "-Dswitchboard.db.schema=" + schema,
                "-Dswitchboard.nats.url=" + nats.url(),
                "-Dswitchboard.sync.bucket=switchboard-config-writer-" + run,
                "-Dswitchboard.clickhouse.url=" + LocalStack.get().clickhouseUrl(),
                "-Dswitchboard.clickhouse.database=" + database,
                "-Dswitchboard.telemetry.stream=" + stream,
                "-Dswitchboard.telemetry.subject-prefix=" + prefix,
                "-Dswitchboard.telemetry.writer.batch=" + FETCH,
                // what the killed one had fetched comes again after this, to the next one
                "-Dswitchboard.telemetry.writer.ack-wait=5s"),
                Map.of("SWITCHBOARD_ADMIN_TOKEN", adminToken, "SWITCHBOARD_MASTER_KEY", masterKey));
    }

    private JsonNode requestLogs(String subject) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(plane.url(
                        "/admin/v1/request-logs?limit=1000&subject=" + URLEncoder.encode(subject, StandardCharsets.UTF_8))))
                .header("Authorization", "Bearer " + adminToken).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
