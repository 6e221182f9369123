package dev.switchboard.controlplane.sync;

import dev.switchboard.controlplane.lease.ControlPlaneLease;
import dev.switchboard.controlplane.store.ConfigStore;
import dev.switchboard.controlplane.store.Head;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Hands the commits of every replica to the {@link SnapshotPublisher} of the lease holder: each lease interval, while
 * this replica holds the lease, it reads the head revision from PostgreSQL (the one row every commit locks) and asks
 * for it to be published; the publisher ignores a revision it has. So a commit made on another replica reaches NATS
 * within about one interval, and a new holder publishes the latest revision within one interval of taking over.
 */
@Singleton
public class HeadFollower {

    private static final Logger LOG = Logger.getLogger(HeadFollower.class);

    @Inject
    ControlPlaneLease lease;

    @Inject
    ConfigStore store;

    @Inject
    SnapshotPublisher publisher;

    private volatile ScheduledExecutorService worker;

    /** Starts following; after the lease's first try. */
    public void start() {
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "head-follower");
            t.setDaemon(true);
            return t;
        });
        long every = lease.interval().toMillis();
        worker.scheduleWithFixedDelay(this::follow, every, every, TimeUnit.MILLISECONDS);
    }

    private void follow() {
        if (!lease.held()) {
            return;
        }
        try {
            Head head = VertxContextSupport.subscribeAndAwait(() -> store.head());
            if (head.revision() > publisher.status().requestedRevision()) {
                publisher.publish(head);
            }
        } catch (Throwable e) {
            LOG.debugf("reading the head revision failed: %s", e);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        ScheduledExecutorService w = worker;
        if (w != null) {
            w.shutdownNow();
        }
    }
}
