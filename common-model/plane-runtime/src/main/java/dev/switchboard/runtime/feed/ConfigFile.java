package dev.switchboard.runtime.feed;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.validation.ConfigError;
import dev.switchboard.model.validation.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The standalone config file (YAML or JSON): read at start, then re-read when it changes, on a thread of its own. A
 * valid edit is swapped in atomically; an invalid one is refused with every error and its field path logged, and the
 * previous config keeps serving. Each accepted edit counts one revision up from 1.
 */
public final class ConfigFile<S extends PlaneState> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ConfigFile.class.getName());

    private final Path file;
    private final Duration pollInterval;
    private final Function<ConfigSnapshot, S> prepare;
    private final ConfigHolder<S> holder;
    private final Clock clock;
    private ScheduledExecutorService watcher;
    private byte[] lastContent;
    private long revision;
    private volatile String lastError;

    public ConfigFile(Path file, Duration pollInterval, Function<ConfigSnapshot, S> prepare, ConfigHolder<S> holder,
                      Clock clock) {
        this.file = file;
        this.pollInterval = pollInterval;
        this.prepare = prepare;
        this.holder = holder;
        this.clock = clock;
    }

    /** Reads the file now, then watches it for changes. */
    public synchronized void start() {
        LOG.info(() -> String.format("config file %s, checked for changes every %s", file.toAbsolutePath(),
                pollInterval));
        reloadIfChanged();
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-config-file");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(50, pollInterval.toMillis());
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    public Path path() {
        return file;
    }

    /** Why the last read of the file was refused, or null when the file in use is the latest one. */
    public String lastError() {
        return lastError;
    }

    /** Applies the file if its bytes changed since the last read; returns whether a new config was applied. */
    public synchronized boolean reloadIfChanged() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            refuse("cannot read config file " + file + ": " + e);
            return false;
        }
        if (Arrays.equals(content, lastContent)) {
            return false;
        }
        lastContent = content;
        try {
            ConfigSnapshot snapshot = ConfigCodec.loadYaml(new String(content, StandardCharsets.UTF_8),
                    revision + 1, clock.instant());
            S state = prepare.apply(snapshot);
            if (!holder.offer(state, Origin.FILE)) {
                lastError = null;
                return false;
            }
            revision++;
            lastError = null;
            LOG.info(() -> String.format("applied config from %s (revision %d: %s)", file, revision, state.summary()));
            return true;
        } catch (ConfigException e) {
            StringBuilder message = new StringBuilder("refused config file " + file
                    + (holder.applied() == null ? "" : "; the previous config keeps serving") + ":");
            for (ConfigError error : e.errors()) {
                message.append("\n  ").append(error);
            }
            refuse(message.toString());
        } catch (RuntimeException e) {
            refuse("refused config file " + file + ": " + e);
        }
        return false;
    }

    private void refuse(String message) {
        lastError = message;
        LOG.severe(message);
    }
}
