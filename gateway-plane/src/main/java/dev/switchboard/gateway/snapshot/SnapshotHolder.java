package dev.switchboard.gateway.snapshot;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The one reference to the current {@link GatewayState}. Swaps are atomic and only move forward. Snapshots from the
 * control plane (NATS) replace anything local, and each other only with a newer revision (a replayed or late message
 * never rolls the config back). The local cache and the standalone file are fallbacks for a start without NATS: the
 * cache replaces the file, the file replaces only the file (its own edits).
 */
@ApplicationScoped
public class SnapshotHolder {

    private static final Logger LOG = Logger.getLogger(SnapshotHolder.class);

    private final AtomicReference<GatewayState> current = new AtomicReference<>();

    /** The current state, or null before the first config has been applied. */
    public GatewayState current() {
        return current.get();
    }

    /** Installs {@code next} if it may replace the held state (see the class comment); returns whether it did. */
    public boolean offer(GatewayState next) {
        while (true) {
            GatewayState held = current.get();
            if (!replaces(next, held)) {
                LOG.infof("ignored config revision %d from %s: revision %d from %s is applied",
                        next.snapshot().revision(), next.origin(), held.snapshot().revision(), held.origin());
                return false;
            }
            if (current.compareAndSet(held, next)) {
                for (String warning : next.warnings()) {
                    LOG.warn(warning);
                }
                return true;
            }
        }
    }

    static boolean replaces(GatewayState next, GatewayState held) {
        if (held == null) {
            return true;
        }
        long newRevision = next.snapshot().revision();
        long heldRevision = held.snapshot().revision();
        return switch (next.origin()) {
            case NATS -> held.origin() != GatewayState.Origin.NATS || newRevision > heldRevision;
            case CACHE -> held.origin() == GatewayState.Origin.FILE
                    || (held.origin() == GatewayState.Origin.CACHE && newRevision > heldRevision);
            // a file edited in place keeps counting up from its own revisions
            case FILE -> held.origin() == GatewayState.Origin.FILE && newRevision >= heldRevision;
        };
    }
}
