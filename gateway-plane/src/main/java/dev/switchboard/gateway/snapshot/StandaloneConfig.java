package dev.switchboard.gateway.snapshot;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.validation.ConfigError;
import dev.switchboard.model.validation.ConfigException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Standalone mode: the config comes from a YAML file ({@code switchboard.config}, or the environment variable
 * {@code SWITCHBOARD_CONFIG}). The file is re-read when it changes, on a thread of its own; a valid edit is swapped
 * in atomically, an invalid one is refused with every error logged, and the previous config keeps serving.
 */
@ApplicationScoped
public class StandaloneConfig {

    private static final Logger LOG = Logger.getLogger(StandaloneConfig.class);

    @Inject
    SnapshotHolder holder;

    @Inject
    SecretResolver secrets;

    @ConfigProperty(name = "switchboard.config")
    Optional<Path> path;

    @ConfigProperty(name = "switchboard.config-poll-interval", defaultValue = "1s")
    Duration pollInterval;

    private final Clock clock = Clock.systemUTC();
    private ScheduledExecutorService watcher;
    private byte[] lastContent;
    private long revision;
    private volatile String lastError;

    void start(@Observes StartupEvent event) {
        if (path.isEmpty()) {
            LOG.info("no standalone config file (switchboard.config / SWITCHBOARD_CONFIG is unset)");
            return;
        }
        LOG.infof("standalone mode: config file %s, checked for changes every %s", path.get().toAbsolutePath(), pollInterval);
        reloadIfChanged();
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-config-watcher");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(50, pollInterval.toMillis());
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    /** Why the last read of the file was refused, or null when the file in use is the latest one. */
    public String lastError() {
        return lastError;
    }

    public Optional<Path> path() {
        return path;
    }

    synchronized void reloadIfChanged() {
        Path file = path.orElseThrow();
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            refuse("cannot read config file " + file + ": " + e);
            return;
        }
        if (Arrays.equals(content, lastContent)) {
            return;
        }
        lastContent = content;
        try {
            ConfigSnapshot snapshot = ConfigCodec.loadYaml(new String(content, StandardCharsets.UTF_8),
                    revision + 1, clock.instant());
            GatewayState state = GatewayState.prepare(snapshot, GatewayState.Origin.FILE, secrets);
            if (holder.offer(state)) {
                revision++;
                lastError = null;
                LOG.infof("applied config from %s (revision %d: %d provider accounts, %d models, %d virtual models, %d API keys)",
                        file, revision, snapshot.config().providerAccounts().size(), snapshot.models().size(),
                        snapshot.virtualModels().size(), snapshot.config().apiKeys().size());
            }
        } catch (ConfigException e) {
            StringBuilder message = new StringBuilder("refused config file " + file
                    + (holder.current() == null ? "" : "; the previous config keeps serving") + ":");
            for (ConfigError error : e.errors()) {
                message.append("\n  ").append(error);
            }
            refuse(message.toString());
        }
    }

    private void refuse(String message) {
        lastError = message;
        LOG.error(message);
    }
}
