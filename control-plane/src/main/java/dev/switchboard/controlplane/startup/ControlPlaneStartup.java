package dev.switchboard.controlplane.startup;

import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.controlplane.admin.ApiProblem;
import dev.switchboard.controlplane.admin.ResourceService;
import dev.switchboard.controlplane.lease.ControlPlaneLease;
import dev.switchboard.controlplane.store.ConfigStore;
import dev.switchboard.controlplane.store.Head;
import dev.switchboard.controlplane.store.Migrations;
import dev.switchboard.controlplane.store.StoreOutage;
import dev.switchboard.controlplane.sync.HeadFollower;
import dev.switchboard.controlplane.sync.SnapshotPublisher;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * At start, in order: wait for PostgreSQL (up to {@code switchboard.db.start-timeout}) and apply the schema migrations;
 * when the database holds no revision and a bootstrap file is named, import it through the same path as
 * {@code PUT /admin/v1/config}; try for the lease (the holder publishes); then publish the latest revision again, so
 * NATS holds it even if it lost it. Ready only after all of that.
 */
@Singleton
@Readiness
public class ControlPlaneStartup implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(ControlPlaneStartup.class);
    static final String BOOTSTRAP_AUTHOR = "bootstrap";
    private static final Duration MAX_PAUSE = Duration.ofSeconds(15);

    @Inject
    Migrations migrations;

    @Inject
    ConfigStore store;

    @Inject
    ResourceService service;

    @Inject
    SnapshotPublisher publisher;

    @Inject
    ControlPlaneConfig config;

    @Inject
    ControlPlaneLease lease;

    @Inject
    HeadFollower follower;

    private volatile boolean started;

    void start(@Observes @Priority(10) StartupEvent event) throws Throwable {
        int applied = migrateWhenReachable();
        LOG.infof("schema up to date (%d migrations applied now)", applied);
        Head head = VertxContextSupport.subscribeAndAwait(() -> store.head());
        if (head.revision() == 0 && config.bootstrap().config().isPresent()) {
            head = bootstrap(config.bootstrap().config().get());
        }
        LOG.infof("config at revision %d", head.revision());
        lease.start();
        publisher.republish(head);
        follower.start();
        started = true;
    }

    /**
     * The migrations, once PostgreSQL answers: while it cannot be reached, one WARN line per try names it
     * ({@code host:port/db}) and the start tries again after a pause that doubles from 1 s up to 15 s, for at most
     * {@code switchboard.db.start-timeout}; then the start fails with one line that names it.
     */
    private int migrateWhenReachable() {
        Duration limit = config.db().startTimeout();
        long deadline = System.nanoTime() + limit.toNanos();
        Duration pause = Duration.ofSeconds(1);
        while (true) {
            try {
                return migrations.migrate().await().atMost(Duration.ofMinutes(2));
            } catch (RuntimeException e) {
                if (!StoreOutage.isUnreachable(e)) {
                    throw e;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new StoreUnreachable("cannot reach PostgreSQL at " + StoreOutage.where() + " within "
                            + limit.toSeconds() + " s (switchboard.db.start-timeout): " + StoreOutage.describe(e));
                }
                Duration wait = Duration.ofNanos(Math.min(pause.toNanos(), left));
                LOG.warnf("cannot reach PostgreSQL at %s (%s); trying again in %d ms", StoreOutage.where(),
                        StoreOutage.describe(e), wait.toMillis());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnreachable("stopped while waiting for PostgreSQL at " + StoreOutage.where());
                }
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    /** The start gave up on PostgreSQL: the message says it all, so no stack trace comes with it. */
    static final class StoreUnreachable extends RuntimeException {
        StoreUnreachable(String message) {
            super(message, null, false, false);
        }
    }

    private Head bootstrap(Path file) throws Throwable {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bootstrap config " + file.toAbsolutePath(), e);
        }
        try {
            // If-Match "0": only into an empty store; a replica that got there first wins.
            VertxContextSupport.subscribeAndAwait(() -> service.replaceConfig(text, "\"0\"", false, BOOTSTRAP_AUTHOR,
                    "bootstrap from " + file.getFileName()));
            LOG.infof("imported the bootstrap config %s", file.toAbsolutePath());
        } catch (ApiProblem problem) {
            if (problem.status() != 409) {
                throw new IllegalStateException("the bootstrap config " + file.toAbsolutePath() + " was refused: "
                        + problem.detail() + problem.errors().stream().map(e -> "\n  " + e).reduce("", String::concat));
            }
            LOG.infof("not importing %s: another instance has written a revision meanwhile", file);
        }
        return VertxContextSupport.subscribeAndAwait(() -> store.head());
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("config-store").status(started).build();
    }
}
