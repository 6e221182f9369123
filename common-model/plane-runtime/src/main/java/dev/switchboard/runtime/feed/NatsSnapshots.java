package dev.switchboard.runtime.feed;

import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.sync.SnapshotWire;
import dev.switchboard.model.validation.ConfigException;
import dev.switchboard.runtime.NatsOptions;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.Options;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectStoreWatcher;
import io.nats.client.impl.NatsObjectStoreWatchSubscription;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Config from the control plane: snapshots arrive over NATS JetStream (the contract is {@link SnapshotWire}) and are
 * applied off the request path, on one thread of their own, newest revision only. A revision not newer than the one
 * held is skipped by its object header, without being fetched. The last applied snapshot is kept in a local cache
 * file, so a plane that starts while NATS is unreachable serves from it; one that loses NATS keeps serving what it
 * has and catches up when NATS returns: on each reconnect the watch is made anew (a restarted server no longer has
 * the old one's consumer), which delivers the latest snapshot at once. The latest object is also read every
 * {@code checkInterval}, so that no lost watch can leave a plane behind for longer.
 */
public final class NatsSnapshots<S extends PlaneState> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(NatsSnapshots.class.getName());

    private final FeedSettings settings;
    private final String url;
    private final Function<ConfigSnapshot, S> prepare;
    private final ConfigHolder<S> holder;
    /** The one thread that connects, watches, fetches and applies; nothing here blocks another thread. */
    private final ScheduledExecutorService worker;
    private final Options options;
    private volatile Connection connection;
    private volatile ObjectStore store;
    private NatsObjectStoreWatchSubscription watch; // worker thread only
    private String lastProblem; // worker thread only
    private volatile String waiting = "not connected yet";
    private volatile boolean lost;
    private volatile boolean closed;

    public NatsSnapshots(FeedSettings settings, Function<ConfigSnapshot, S> prepare, ConfigHolder<S> holder) {
        this.settings = settings;
        this.url = settings.natsUrl().orElseThrow(() -> new IllegalArgumentException("no NATS URL"));
        this.prepare = prepare;
        this.holder = holder;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-config-nats");
            t.setDaemon(true);
            return t;
        });
        this.options = NatsOptions.builder(url, settings.clientName(), Duration.ofSeconds(5), this::connectionEvent)
                .build();
    }

    /** Serves the cache file if there is one, then connects and watches in the background; returns at once. */
    public void start() {
        loadCache();
        submit(this::connectAndWatch);
        long every = Math.max(100, settings.natsCheckInterval().toMillis());
        worker.scheduleWithFixedDelay(this::checkLatest, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        worker.shutdownNow();
        NatsOptions.close(connection);
    }

    /** The NATS side in words, for readiness: {@code connected}, {@code reconnecting}, or what it waits for. */
    public String status() {
        Connection c = connection;
        if (c == null) {
            return waiting;
        }
        Connection.Status status = c.getStatus();
        if (status == Connection.Status.CONNECTED && store == null) {
            return "connected; " + waiting;
        }
        return status.name().toLowerCase(Locale.ROOT);
    }

    private void loadCache() {
        Path cache = settings.cacheFile();
        if (!Files.isRegularFile(cache)) {
            return;
        }
        try {
            ConfigSnapshot snapshot = SnapshotWire.decode(Files.readAllBytes(cache));
            apply(snapshot, Origin.CACHE, null);
        } catch (IOException | RuntimeException e) {
            LOG.warning(() -> "ignored the snapshot cache " + cache + ": " + e.getMessage());
        }
    }

    /** Connects if needed and (re)makes the watch; on failure, tries again after the retry interval. */
    private void connectAndWatch() {
        if (closed) {
            return;
        }
        try {
            if (connection == null) {
                connection = Nats.connect(options);
                LOG.info(() -> String.format("connected to NATS at %s; watching the bucket '%s' for config snapshots",
                        url, settings.bucket()));
            }
            ObjectStore os = connection.objectStore(settings.bucket());
            os.getStatus(); // fails while the control plane has not created the bucket yet
            if (watch != null) {
                NatsObjectStoreWatchSubscription old = watch;
                watch = null;
                try {
                    old.unsubscribe();
                } catch (RuntimeException e) {
                    LOG.fine(() -> "the old watch could not be ended: " + describe(e));
                }
            }
            // the watch delivers the latest snapshot first, then each new one
            watch = os.watch(new ObjectStoreWatcher() {
                @Override
                public void watch(ObjectInfo info) {
                    if (SnapshotWire.OBJECT.equals(info.getObjectName()) && !info.isDeleted()) {
                        submit(() -> fetch(os, info));
                    }
                }

                @Override
                public void endOfData() {
                }
            });
            store = os;
            lastProblem = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            String problem = connection == null
                    ? "cannot reach NATS at " + url + " (" + describe(e) + ")"
                    : "waiting for the bucket '" + settings.bucket() + "' (" + describe(e) + ")";
            waiting = problem;
            if (!Objects.equals(problem, lastProblem)) {
                LOG.info(() -> "config snapshots: " + problem + "; retrying every " + settings.natsRetryInterval());
                lastProblem = problem;
            }
            schedule(this::connectAndWatch, settings.natsRetryInterval());
        }
    }

    private void connectionEvent(Connection conn, ConnectionListener.Events event) {
        switch (event) {
            case DISCONNECTED -> {
                if (!lost && connection != null) {
                    lost = true;
                    LOG.warning(() -> "lost NATS at " + url + "; serving config revision " + revisionHeld()
                            + " until it returns");
                }
            }
            case RECONNECTED -> {
                lost = false;
                LOG.info(() -> "NATS is back at " + url + "; watching for config snapshots again");
                submit(this::connectAndWatch);
            }
            default -> LOG.fine(() -> "NATS connection: " + event.getEvent());
        }
    }

    /** Reads the latest object's info and fetches it if it is newer: after a reconnect, and now and then. */
    private void checkLatest() {
        ObjectStore os = store;
        Connection c = connection;
        if (os == null || c == null || c.getStatus() != Connection.Status.CONNECTED) {
            return;
        }
        try {
            ObjectInfo info = os.getInfo(SnapshotWire.OBJECT);
            if (info != null && !info.isDeleted()) {
                fetch(os, info);
            }
        } catch (Exception e) {
            LOG.fine(() -> "could not read the latest snapshot's info: " + describe(e));
        }
    }

    private void fetch(ObjectStore os, ObjectInfo info) {
        long revision = SnapshotWire.parseRevisionHeader(
                info.getHeaders() == null ? null : info.getHeaders().getFirst(SnapshotWire.REVISION_HEADER));
        Applied<S> held = holder.applied();
        if (revision >= 0 && held != null && held.origin() == Origin.NATS && revision <= held.revision()) {
            return;
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(
                    (int) Math.min(Integer.MAX_VALUE - 8, Math.max(1024, info.getSize())));
            os.get(SnapshotWire.OBJECT, out);
            byte[] content = out.toByteArray();
            apply(SnapshotWire.decode(content), Origin.NATS, content);
        } catch (ConfigException e) {
            LOG.severe(() -> "refused config snapshot revision " + revision + " from NATS: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warning(() -> "could not read config snapshot revision " + revision + " from NATS: " + describe(e));
        }
    }

    private void apply(ConfigSnapshot snapshot, Origin origin, byte[] wireContent) {
        long started = System.nanoTime();
        S state = prepare.apply(snapshot);
        if (!holder.offer(state, origin)) {
            return;
        }
        String from = origin == Origin.CACHE ? "the cache file " + settings.cacheFile() : "NATS";
        double ms = (System.nanoTime() - started) / 1e6;
        LOG.info(() -> String.format("applied config revision %d from %s in %.1f ms (%s)", snapshot.revision(), from,
                ms, state.summary()));
        if (wireContent != null) {
            writeCache(wireContent);
        }
    }

    private void writeCache(byte[] content) {
        Path cache = settings.cacheFile();
        try {
            Path dir = cache.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "snapshot", ".tmp");
            try {
                Files.write(tmp, content);
                Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            LOG.warning(() -> "could not write the snapshot cache " + cache + ": " + e.getMessage());
        }
    }

    private void submit(Runnable task) {
        schedule(task, Duration.ZERO);
    }

    private void schedule(Runnable task, Duration delay) {
        if (closed) {
            return;
        }
        try {
            worker.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private String revisionHeld() {
        Applied<S> held = holder.applied();
        return held == null ? "none" : held.revision() + " (" + held.origin().label() + ")";
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
