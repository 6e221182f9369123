package dev.switchboard.controlplane.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.controlplane.config.MasterKey;
import dev.switchboard.controlplane.lease.ControlPlaneLease;
import dev.switchboard.controlplane.store.Head;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.config.User;
import dev.switchboard.model.sync.SnapshotWire;
import dev.switchboard.teststack.LocalStack;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * With NATS unreachable a publish keeps failing and is retried; once NATS is reachable again the snapshot is put and
 * acknowledged, with no new commit needed. NATS sits behind a TCP forwarder that starts closed.
 */
class SnapshotRetryTest {

    @Test
    void aPublishIsRetriedUntilNatsAcknowledges() throws Exception {
        URI nats = URI.create(LocalStack.get().natsUrl());
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String bucket = "switchboard-config-retry-" + UUID.randomUUID().toString().substring(0, 8);
        ControlPlaneConfig config = stub(ControlPlaneConfig.class, Map.of(
                "masterKey", Optional.empty(),
                "nats", stub(ControlPlaneConfig.Nats.class, Map.of("url", "nats://127.0.0.1:" + port)),
                "sync", stub(ControlPlaneConfig.Sync.class, Map.of("bucket", bucket, "replicas", 1,
                        "retryInitial", Duration.ofMillis(50), "retryMax", Duration.ofMillis(200)))));
        SnapshotPublisher publisher = new SnapshotPublisher();
        publisher.config = config;
        publisher.masterKey = new MasterKey(config);
        publisher.lease = new ControlPlaneLease() { // this process alone: it holds the lease
            @Override
            public boolean held() {
                return true;
            }

            @Override
            public Duration interval() {
                return Duration.ofMillis(100);
            }
        };
        Head head = new Head(7, Instant.now(),
                SwitchboardConfig.builder().users(List.of(new User("alice", null))).build());
        try {
            publisher.publish(head);
            Thread.sleep(1_000);
            assertEquals(-1, publisher.status().publishedRevision());
            assertNotNull(publisher.status().lastError(), "the failed attempts are visible");

            try (Forwarder ignored = new Forwarder(port, nats.getHost(), nats.getPort())) {
                assertTrue(publisher.awaitPublished(7, Duration.ofSeconds(15)));
                try (Connection nc = Nats.connect(LocalStack.get().natsUrl())) {
                    assertEquals("7", nc.objectStore(bucket).getInfo(SnapshotWire.OBJECT).getHeaders()
                            .getFirst(SnapshotWire.REVISION_HEADER));
                }
            }
        } finally {
            publisher.stop(null);
            try (Connection nc = Nats.connect(LocalStack.get().natsUrl())) {
                nc.objectStoreManagement().delete(bucket);
            } catch (Exception e) {
                System.out.println("[SnapshotRetryTest] could not delete " + bucket + ": " + e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T stub(Class<T> type, Map<String, Object> values) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (!values.containsKey(method.getName())) {
                throw new UnsupportedOperationException(method.getName());
            }
            return values.get(method.getName());
        });
    }

    /** Accepts on a loopback port and pipes each connection to the target, both ways. */
    private static final class Forwarder implements AutoCloseable {
        private final ServerSocket server;

        Forwarder(int port, String host, int targetPort) throws IOException {
            server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket in = server.accept();
                        Socket out = new Socket(host, targetPort);
                        pipe(in, out);
                        pipe(out, in);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "forwarder-accept");
            accept.setDaemon(true);
            accept.start();
        }

        private static void pipe(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException ignored) {
                    // one side closed
                }
            }, "forwarder-pipe");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
