package dev.switchboard.runtime.feed;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one reference to the state a plane serves. Swaps are atomic and only move forward. Snapshots from the control
 * plane (NATS) replace anything local, and each other only with a newer revision (a replayed or late message never
 * rolls the config back). The local cache and the standalone file are fallbacks for a start without NATS: the cache
 * replaces the file, the file replaces only the file (its own edits, which keep counting up from its own revisions).
 */
public final class ConfigHolder<S extends PlaneState> {

    private static final Logger LOG = Logger.getLogger(ConfigHolder.class.getName());

    private final AtomicReference<Applied<S>> current = new AtomicReference<>();
    private final List<Consumer<Applied<S>>> listeners = new CopyOnWriteArrayList<>();

    /** The applied state and its origin, or null before the first config has been applied. */
    public Applied<S> applied() {
        return current.get();
    }

    /** The state to serve, or null before the first config has been applied. What the request path reads. */
    public S state() {
        Applied<S> applied = current.get();
        return applied == null ? null : applied.state();
    }

    /** Called after each swap, on the thread that applied the state (never a request's). */
    public void onApplied(Consumer<Applied<S>> listener) {
        listeners.add(listener);
    }

    /** Installs {@code next} if it may replace the held state (see the class comment); returns whether it did. */
    public boolean offer(S next, Origin origin) {
        Applied<S> candidate = new Applied<>(next, origin);
        while (true) {
            Applied<S> held = current.get();
            if (!replaces(origin, candidate.revision(), held)) {
                LOG.info(() -> String.format("ignored config revision %d from %s: revision %d from %s is applied",
                        candidate.revision(), origin.label(), held.revision(), held.origin().label()));
                return false;
            }
            if (current.compareAndSet(held, candidate)) {
                WarningChanges changes = WarningChanges.of(held == null ? List.of() : held.state().warnings(),
                        next.warnings());
                for (String warning : changes.raised()) {
                    LOG.warning(warning);
                }
                for (String warning : changes.cleared()) {
                    LOG.info(() -> "no longer: " + warning);
                }
                for (Consumer<Applied<S>> listener : listeners) {
                    try {
                        listener.accept(candidate);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "a config listener failed", e);
                    }
                }
                return true;
            }
        }
    }

    /**
     * What a swap changes in the warnings: each is said when it appears and when it goes, not again with every revision
     * that still has it (a missing provider key would otherwise fill the log, one line per config change).
     */
    public record WarningChanges(List<String> raised, List<String> cleared) {
        public static WarningChanges of(List<String> before, List<String> after) {
            Set<String> old = new LinkedHashSet<>(before);
            Set<String> now = new LinkedHashSet<>(after);
            return new WarningChanges(now.stream().filter(w -> !old.contains(w)).toList(),
                    old.stream().filter(w -> !now.contains(w)).toList());
        }
    }

    /** Whether a state of {@code origin} and {@code revision} may replace {@code held}. */
    public static boolean replaces(Origin origin, long revision, Applied<?> held) {
        if (held == null) {
            return true;
        }
        return switch (origin) {
            case NATS -> held.origin() != Origin.NATS || revision > held.revision();
            case CACHE -> held.origin() == Origin.FILE || (held.origin() == Origin.CACHE && revision > held.revision());
            case FILE -> held.origin() == Origin.FILE && revision >= held.revision();
        };
    }
}
