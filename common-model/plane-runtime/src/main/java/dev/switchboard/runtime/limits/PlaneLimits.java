package dev.switchboard.runtime.limits;

import dev.switchboard.model.limits.LimitCounters;
import dev.switchboard.runtime.Plane;
import dev.switchboard.runtime.Replica;
import java.time.Clock;
import org.eclipse.microprofile.config.Config;

/**
 * A plane's rate-limit and budget counters, alive as long as the process (a snapshot swap keeps them), and their
 * sharing with the plane's other replicas over NATS once {@link #share} is called (not in the standalone mode). Their
 * replica id is the telemetry's {@code instance}, so that the control plane can tie logged spend to the replica that
 * counted it.
 */
public final class PlaneLimits implements AutoCloseable {

    private final Plane plane;
    private final LimitCounters counters;
    private volatile LimitSharing sharing;

    public PlaneLimits(Plane plane, Config config, Clock clock) {
        this.plane = plane;
        this.counters = new LimitCounters(clock, Replica.id(config));
    }

    /** Starts sharing the counts when the plane has a NATS URL; returns at once. */
    public void share(Config config) {
        sharing = LimitSharing.start(config, plane.shortName(), plane.clientName() + "-limits", counters);
    }

    public LimitCounters counters() {
        return counters;
    }

    /** The NATS side, or null in the standalone mode or before {@link #share}. */
    public LimitSharing sharing() {
        return sharing;
    }

    @Override
    public void close() {
        if (sharing != null) {
            sharing.close();
        }
    }
}
