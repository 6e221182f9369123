package dev.switchboard.controlplane.sync;

import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.controlplane.config.MasterKey;
import dev.switchboard.controlplane.lease.ControlPlaneLease;
import dev.switchboard.controlplane.store.Head;
import dev.switchboard.model.sync.SnapshotWire;
import dev.switchboard.runtime.NatsOptions;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.Options;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Puts each committed revision's snapshot into the JetStream Object Store (the contract: {@link SnapshotWire}). One
 * thread publishes; a newer revision requested while it works replaces an older one not yet sent, since the planes only
 * need the latest. A put NATS does not acknowledge is retried with a doubling wait until it is; PostgreSQL stays the
 * truth meanwhile.
 *
 * <p>Only the holder of the {@link ControlPlaneLease} publishes, so revisions reach NATS in order from one writer; the
 * commits of the other replicas reach it through {@link HeadFollower}. A revision NATS already holds is not put again.
 */
@ApplicationScoped
public class SnapshotPublisher {

    private static final Logger LOG = Logger.getLogger(SnapshotPublisher.class);

    @Inject
    ControlPlaneConfig config;

    @Inject
    MasterKey masterKey;

    @Inject
    ControlPlaneLease lease;

    private final AtomicReference<Head> wanted = new AtomicReference<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile Thread worker;
    private volatile boolean stopping;
    private volatile Connection connection;
    private volatile ObjectStore store;
    private volatile Status status = new Status(-1, -1, null, null);

    /** What the publisher has done: the latest revision asked for and acknowledged, the last publish, the last error. */
    public record Status(long requestedRevision, long publishedRevision, SnapshotUpload.Published last,
                         String lastError) {
    }

    /** Asks for {@code head} to be published; returns at once. An older revision than one already asked for is ignored. */
    public void publish(Head head) {
        if (head.revision() <= 0) {
            return;
        }
        wanted.accumulateAndGet(head, (a, b) -> a == null || b.revision() > a.revision() ? b : a);
        Status s = status;
        status = new Status(Math.max(s.requestedRevision(), head.revision()), s.publishedRevision(), s.last(),
                s.lastError());
        startWorker();
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Publishes {@code head} even if this process published that revision before: at start, so that NATS holds the
     * latest revision again whatever it lost meanwhile.
     */
    public void republish(Head head) {
        Status s = status;
        if (s.publishedRevision() >= head.revision()) {
            status = new Status(s.requestedRevision(), head.revision() - 1, s.last(), s.lastError());
        }
        wanted.set(head);
        publish(head);
    }

    public Status status() {
        return status;
    }

    public boolean connected() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    /** Waits until {@code revision} (or a newer one) is acknowledged; false on timeout. For tests and start-up. */
    public boolean awaitPublished(long revision, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (status.publishedRevision() < revision) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private synchronized void startWorker() {
        if (worker == null && !stopping) {
            worker = new Thread(this::run, "snapshot-publisher");
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void run() {
        long backoff = config.sync().retryInitial().toMillis();
        while (!stopping) {
            if (!lease.held()) {
                waitForChange(lease.interval().toMillis());
                continue;
            }
            Head head = wanted.get();
            if (head == null || head.revision() <= status.publishedRevision()) {
                waitForChange(lease.interval().toMillis());
                continue;
            }
            if (!lease.held()) {
                continue; // lost it while reading: the new holder publishes
            }
            try {
                SnapshotUpload.Published done = put(head);
                Status s = status;
                status = new Status(s.requestedRevision(), Math.max(s.publishedRevision(), done.revision()), done,
                        null);
                backoff = config.sync().retryInitial().toMillis();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                String error = describe(e);
                Status s = status;
                status = new Status(s.requestedRevision(), s.publishedRevision(), s.last(), error);
                LOG.warnf("publishing revision %d failed, retrying in %d ms: %s", head.revision(), backoff, error);
                waitForChange(backoff); // a newer revision does not cut the wait short: NATS is what we wait for
                backoff = Math.min(backoff * 2, config.sync().retryMax().toMillis());
            }
        }
    }

    private void waitForChange(long millis) {
        lock.lock();
        try {
            changed.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Losing NATS and getting it back are said at WARN and INFO: with no revision waiting to be published, nothing else
     * would say that the next change cannot reach the planes (the rest is DEBUG).
     */
    private void connectionEvent(Connection conn, ConnectionListener.Events event) {
        switch (event) {
            case DISCONNECTED -> LOG.warnf("lost the connection to NATS at %s: a revision committed now is published "
                    + "when it is back (GET /admin/v1/sync shows it)", config.nats().url());
            case RECONNECTED -> LOG.infof("reconnected to NATS at %s", config.nats().url());
            default -> LOG.debugf("NATS connection: %s", event);
        }
    }

    private SnapshotUpload.Published put(Head head) throws Exception {
        SnapshotUpload.Published done = SnapshotUpload.upload(objectStore(), head, masterKey.sealer());
        if (done.chunks() > 0) {
            LOG.infof("published revision %d to %s/%s: %d bytes JSON, %d gzip in %d chunks; build %.1f ms, put %.1f ms",
                    done.revision(), config.sync().bucket(), SnapshotWire.OBJECT, done.jsonBytes(), done.gzipBytes(),
                    done.chunks(), done.buildMs(), done.putMs());
        } else {
            LOG.infof("the bucket holds revision %d or a newer one already; not putting it again", done.revision());
        }
        return done;
    }

    private ObjectStore objectStore() throws Exception {
        ObjectStore os = store;
        if (os != null && connected()) {
            return os;
        }
        Connection c = connection;
        if (c == null || c.getStatus() == Connection.Status.CLOSED) {
            Options options = NatsOptions.builder(config.nats().url(), "switchboard-control-plane", Duration.ofSeconds(2),
                    this::connectionEvent)
                    .reconnectWait(Duration.ofMillis(250))
                    .build();
            c = Nats.connect(options);
            connection = c;
            LOG.infof("connected to NATS at %s", config.nats().url());
        }
        String bucket = config.sync().bucket();
        try {
            c.objectStoreManagement().getStatus(bucket);
        } catch (JetStreamApiException missing) {
            try {
                c.objectStoreManagement().create(ObjectStoreConfiguration.builder(bucket)
                        .description("Switchboard config snapshots")
                        .storageType(StorageType.File)
                        .replicas(config.sync().replicas())
                        .build());
                LOG.infof("created the object store bucket %s", bucket);
            } catch (JetStreamApiException raced) {
                c.objectStoreManagement().getStatus(bucket); // another replica created it meanwhile
            }
        }
        os = c.objectStore(bucket);
        store = os;
        return os;
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        Thread t = worker;
        if (t != null) {
            t.interrupt();
        }
        NatsOptions.close(connection);
    }
}
