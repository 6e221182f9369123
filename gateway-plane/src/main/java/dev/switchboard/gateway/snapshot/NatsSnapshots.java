package dev.switchboard.gateway.snapshot;

import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.sync.SnapshotWire;
import dev.switchboard.model.validation.ConfigException;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.Options;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectStoreWatcher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Config from the control plane: snapshots arrive over NATS JetStream (the contract is {@link SnapshotWire}) and are
 * applied off the request path, newest revision only. The last applied snapshot is kept in a local cache file, so a
 * gateway that starts while NATS is unreachable serves from it; one that loses NATS keeps serving what it has, and
 * catches up when NATS returns (the client reconnects and the watch resumes).
 */
@ApplicationScoped
public class NatsSnapshots {

    private static final Logger LOG = Logger.getLogger(NatsSnapshots.class);

    @Inject
    SnapshotHolder holder;

    @Inject
    SecretResolver secrets;

    @ConfigProperty(name = "switchboard.nats.url")
    Optional<String> natsUrl;

    @ConfigProperty(name = "switchboard.snapshot-cache",
            defaultValue = "${java.io.tmpdir}/switchboard-gateway-snapshot.json.gz")
    Path cacheFile;

    @ConfigProperty(name = "switchboard.nats.retry-interval", defaultValue = "2s")
    Duration retryInterval;

    /** The Object Store bucket; another name lets several deployments (or test runs) share one NATS. */
    @ConfigProperty(name = "switchboard.nats.config-bucket", defaultValue = SnapshotWire.BUCKET)
    String bucket;

    private final ExecutorService applier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "switchboard-snapshot-applier");
        t.setDaemon(true);
        return t;
    });
    private volatile Connection connection;
    private volatile Thread connector;
    private volatile String source = "nowhere yet";

    void start(@Observes StartupEvent event) {
        if (natsUrl.isEmpty()) {
            return;
        }
        loadCache();
        connector = new Thread(this::connectAndWatch, "switchboard-nats-connect");
        connector.setDaemon(true);
        connector.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (connector != null) {
            connector.interrupt();
        }
        applier.shutdownNow();
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether NATS is the config source, and its state, for the readiness check; empty in standalone mode. */
    public Optional<String> status() {
        if (natsUrl.isEmpty()) {
            return Optional.empty();
        }
        Connection c = connection;
        return Optional.of((c == null ? "not connected" : c.getStatus().name().toLowerCase()) + "; config from " + source);
    }

    private void loadCache() {
        if (!Files.isRegularFile(cacheFile)) {
            return;
        }
        try {
            apply(SnapshotWire.decode(Files.readAllBytes(cacheFile)), GatewayState.Origin.CACHE, null);
        } catch (IOException | ConfigException e) {
            LOG.warnf("ignored the snapshot cache %s: %s", cacheFile, e.getMessage());
        }
    }

    private void connectAndWatch() {
        Options options = new Options.Builder()
                .server(natsUrl.get())
                .connectionName("switchboard-gateway-plane")
                .maxReconnects(-1)
                .reconnectWait(Duration.ofSeconds(1))
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (connection == null) {
                    connection = Nats.connect(options);
                    LOG.infof("connected to NATS at %s; watching for config snapshots", natsUrl.get());
                }
                ObjectStore store = connection.objectStore(bucket);
                store.getStatus(); // fails while the control plane has not created the bucket yet
                store.watch(new ObjectStoreWatcher() {
                    @Override
                    public void watch(ObjectInfo info) {
                        if (SnapshotWire.OBJECT.equals(info.getObjectName()) && !info.isDeleted()) {
                            applier.execute(() -> fetch(store, info));
                        }
                    }

                    @Override
                    public void endOfData() {
                    }
                });
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.debugf("config snapshots not available from NATS yet: %s", e.getMessage());
                LOG.infof("waiting for config snapshots on NATS at %s (%s)", natsUrl.get(), e.getClass().getSimpleName());
                try {
                    Thread.sleep(retryInterval.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void fetch(ObjectStore store, ObjectInfo info) {
        long revision = SnapshotWire.parseRevisionHeader(
                info.getHeaders() == null ? null : info.getHeaders().getFirst(SnapshotWire.REVISION_HEADER));
        GatewayState held = holder.current();
        if (revision >= 0 && held != null && held.origin() == GatewayState.Origin.NATS
                && revision <= held.snapshot().revision()) {
            return;
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE, Math.max(1024, info.getSize())));
            store.get(SnapshotWire.OBJECT, out);
            byte[] content = out.toByteArray();
            apply(SnapshotWire.decode(content), GatewayState.Origin.NATS, content);
        } catch (ConfigException e) {
            LOG.errorf("refused config snapshot revision %d from NATS: %s", revision, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("could not read config snapshot revision %d from NATS: %s", revision, e.getMessage());
        }
    }

    private void apply(ConfigSnapshot snapshot, GatewayState.Origin origin, byte[] wireContent) {
        long started = System.nanoTime();
        GatewayState state = GatewayState.prepare(snapshot, origin, secrets);
        if (!holder.offer(state)) {
            return;
        }
        source = origin == GatewayState.Origin.CACHE ? "the cache file " + cacheFile : "NATS";
        LOG.infof("applied config revision %d from %s in %.1f ms", snapshot.revision(), source,
                (System.nanoTime() - started) / 1e6);
        if (wireContent != null) {
            writeCache(wireContent);
        }
    }

    private void writeCache(byte[] content) {
        try {
            Path dir = cacheFile.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "snapshot", ".tmp");
            Files.write(tmp, content);
            Files.move(tmp, cacheFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warnf("could not write the snapshot cache %s: %s", cacheFile, e.getMessage());
        }
    }
}
