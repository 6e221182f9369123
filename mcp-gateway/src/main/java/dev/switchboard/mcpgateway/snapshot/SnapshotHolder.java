package dev.switchboard.mcpgateway.snapshot;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The one reference to the current {@link McpState}. Swaps are atomic and only move forward: a state whose
 * revision is older than the held one is ignored (a replayed or late message never rolls the config back).
 */
@ApplicationScoped
public class SnapshotHolder {

    private static final Logger LOG = Logger.getLogger(SnapshotHolder.class);

    private final AtomicReference<McpState> current = new AtomicReference<>();

    /** The current state, or null before the first config has been applied. */
    public McpState current() {
        return current.get();
    }

    /**
     * Installs {@code next} unless the held state has a newer revision. Equal revisions replace (a standalone file
     * edited in place keeps its revision number). Returns whether it was installed.
     */
    public boolean offer(McpState next) {
        while (true) {
            McpState held = current.get();
            if (held != null && held.snapshot().revision() > next.snapshot().revision()) {
                LOG.infof("ignored config revision %d: revision %d is already applied",
                        next.snapshot().revision(), held.snapshot().revision());
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
}
