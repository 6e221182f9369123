package dev.switchboard.controlplane.lease;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The lease in the readiness report. Always up: a replica without the lease serves the admin API like the holder; the
 * data says whether this replica holds it ({@code holder}) and, if not, which replica does ({@code held_by}).
 */
@Singleton
@Readiness
public class LeaseReadiness implements HealthCheck {

    @Inject
    ControlPlaneLease lease;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("control-plane-lease").up()
                .withData("holder", lease.held())
                .withData("replica", lease.replica());
        if (lease.since() != null) {
            b.withData("since", lease.since().toString());
        } else if (lease.holder() != null) {
            b.withData("held_by", lease.holder());
        }
        return b.build();
    }
}
