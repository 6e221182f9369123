package dev.switchboard.controlplane.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.controlplane.support.PackagedControlPlane;
import dev.switchboard.model.sync.SnapshotWire;
import dev.switchboard.teststack.PrivateNats;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectStoreWatcher;
import io.nats.client.api.ObjectStoreWatchOption;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Two control planes as they ship — the packaged {@code quarkus-run.jar}, twice — on one PostgreSQL schema and a private
 * NATS of this test. Both serve the admin API; one holds the lease and publishes. Under a stream of admin writes to
 * both, the holder is killed with SIGKILL: the other takes over, and the snapshot object in NATS goes through revisions
 * strictly increasing, its last one PostgreSQL's head.
 */
@EnabledIf(value = "dev.switchboard.teststack.PrivateNats#installed",
        disabledReason = "/usr/sbin/nats-server is not installed: this test runs a NATS of its own")
class LeaseFailoverIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String run = HexFormat.of().formatHex(random(5));
    private final String schema = "cp_lease_" + run;
    private final String bucket = "switchboard-config-lease-" + run;
    private final String adminToken = "sb-admin-lease-" + HexFormat.of().formatHex(random(16));
    private final String masterKey = Base64.getEncoder().encodeToString(random(32));
    private final List<Replica> replicas = new ArrayList<>();
    private PrivateNats nats;

    @AfterEach
    void stop() {
        replicas.forEach(Replica::close);
        if (nats != null) {
            nats.close();
        }
        ControlPlaneTestStack.dropSchema(schema);
    }

    @Test
    void theHolderKilledUnderWritesIsReplacedAndNoRevisionIsLostOrPublishedOutOfOrder() throws Exception {
        nats = new PrivateNats().start();
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (Connection nc = Nats.connect(nats.url())) {
            nc.objectStoreManagement().create(ObjectStoreConfiguration.builder(bucket).storageType(StorageType.File)
                    .build());
            ObjectStore os = nc.objectStore(bucket);
            os.watch(new ObjectStoreWatcher() {
                @Override
                public void watch(ObjectInfo info) {
                    if (!info.isDeleted() && info.getHeaders() != null) {
                        seen.add(SnapshotWire.parseRevisionHeader(info.getHeaders()
                                .getFirst(SnapshotWire.REVISION_HEADER)));
                    }
                }

                @Override
                public void endOfData() {
                }
            }, ObjectStoreWatchOption.UPDATES_ONLY);

            Replica a = start("a");
            a.awaitReady();
            Replica b = start("b");
            b.awaitReady();
            await(() -> a.holds() != b.holds(), "exactly one replica holds the lease", Duration.ofSeconds(10));
            Replica holder = a.holds() ? a : b;
            Replica other = holder == a ? b : a;
            assertEquals(holder.lease().path("data").path("replica").asText(),
                    other.lease().path("data").path("held_by").asText(),
                    "the other one says which replica holds it");

            // the ETag rules hold across replicas: the same If-Match on both, one wins, the other gets 409
            assertEquals(201, a.send("POST", "/admin/v1/users", "{\"name\": \"carol\"}", null));
            String etag = "\"" + other.head() + "\"";
            int first = a.send("PUT", "/admin/v1/users/carol", "{\"email\": \"carol@a.example\"}", etag);
            int second = b.send("PUT", "/admin/v1/users/carol", "{\"email\": \"carol@b.example\"}", etag);
            assertEquals(List.of(200, 409), List.of(first, second));

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger written = new AtomicInteger();
            Thread writer = new Thread(() -> {
                int n = 0;
                while (writing.get()) {
                    Replica to = (n % 2 == 0) ? a : b; // both replicas take admin writes
                    if (to.post("/admin/v1/users", "{\"name\": \"u" + n + "\"}") == 201) {
                        written.incrementAndGet();
                    }
                    n++;
                }
            }, "admin-writes");
            writer.start();
            await(() -> written.get() >= 20, "20 writes", Duration.ofSeconds(60));

            holder.kill(); // SIGKILL: no shutdown hook, the lease's connection dropped by the kernel
            long killed = System.nanoTime();
            await(other::holds, "the other replica takes the lease", Duration.ofSeconds(10));
            double takeoverMs = (System.nanoTime() - killed) / 1e6;
            int before = written.get();
            await(() -> written.get() >= before + 20, "20 more writes", Duration.ofSeconds(60));
            writing.set(false);
            writer.join(10_000);

            long head = other.head();
            await(() -> !seen.isEmpty() && seen.get(seen.size() - 1) == head, "NATS holds PostgreSQL's head " + head,
                    Duration.ofSeconds(15));
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i) > seen.get(i - 1), "revisions strictly increasing: " + seen);
            }
            assertNotEquals(0, written.get());
            System.out.printf("[LeaseFailoverIT] takeover after SIGKILL: %.0f ms (interval %d ms); %d writes, head %d,"
                    + " %d puts seen%n", takeoverMs, INTERVAL.toMillis(), written.get(), head, seen.size());
        }
    }

    private Replica start(String name) throws IOException {
        Replica r = new Replica(name);
        replicas.add(r);
        return r;
    }

    private static void await(BooleanSupplier condition, String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** One control plane process, and what this test asks of it. */
    private final class Replica implements AutoCloseable {
        final PackagedControlPlane process;

        Replica(String name) throws IOException {
            process = new PackagedControlPlane("lease-" + name, List.of(
                    "-Dswitchboard.db.schema=" + schema,
                    "-Dswitchboard.nats.url=" + nats.url(),
                    "-Dswitchboard.sync.bucket=" + bucket,
                    "-Dswitchboard.sync.retry-max=500ms",
                    "-Dswitchboard.lease.interval=" + INTERVAL.toMillis() + "ms"),
                    Map.of("SWITCHBOARD_ADMIN_TOKEN", adminToken, "SWITCHBOARD_MASTER_KEY", masterKey));
        }

        String url(String path) {
            return process.url(path);
        }

        void awaitReady() throws InterruptedException {
            process.awaitReady(Duration.ofSeconds(90));
        }

        JsonNode lease() {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url("/q/health/ready")))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                for (JsonNode check : JSON.readTree(r.body()).path("checks")) {
                    if ("control-plane-lease".equals(check.path("name").asText())) {
                        return check;
                    }
                }
            } catch (IOException e) {
                // not answering
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return JSON.createObjectNode();
        }

        boolean holds() {
            return lease().path("data").path("holder").asBoolean(false);
        }

        long head() throws Exception {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url("/admin/v1/revisions?limit=1")))
                    .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return JSON.readTree(r.body()).path("head").asLong();
        }

        int post(String path, String body) {
            return send("POST", path, body, null);
        }

        int send(String method, String path, String body, String ifMatch) {
            try {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
                if (ifMatch != null) {
                    req.header("If-Match", ifMatch);
                }
                return HTTP.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return -1; // killed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        void kill() throws InterruptedException {
            process.kill();
        }

        @Override
        public void close() {
            process.close();
        }
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
