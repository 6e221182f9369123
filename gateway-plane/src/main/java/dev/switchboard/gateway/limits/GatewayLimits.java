package dev.switchboard.gateway.limits;

import dev.switchboard.runtime.Plane;
import dev.switchboard.runtime.limits.PlaneLimits;
import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.eclipse.microprofile.config.ConfigProvider;

/** The gateway's {@link PlaneLimits}, shared with the other gateway replicas from start-up, and the windows' clock. */
@ApplicationScoped
public class GatewayLimits {

    private final Clock clock;
    private final PlaneLimits limits;

    @Inject
    public GatewayLimits(Clock clock) {
        this.clock = clock;
        this.limits = new PlaneLimits(Plane.GATEWAY, ConfigProvider.getConfig(), clock);
    }

    /** The clock of the windows: the system's, unless a test puts its own in. */
    @Produces
    @DefaultBean
    @Singleton
    static Clock systemClock() {
        return Clock.systemUTC();
    }

    void start(@Observes StartupEvent event) {
        limits.share(ConfigProvider.getConfig());
    }

    void stop(@Observes ShutdownEvent event) {
        limits.close();
    }

    public PlaneLimits limits() {
        return limits;
    }

    public Clock clock() {
        return clock;
    }
}
