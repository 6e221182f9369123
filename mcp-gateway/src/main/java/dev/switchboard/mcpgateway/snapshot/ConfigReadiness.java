package dev.switchboard.mcpgateway.snapshot;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready once a config is applied; reports the applied revision, its age and the last refused edit. */
@Readiness
@ApplicationScoped
public class ConfigReadiness implements HealthCheck {

    @Inject
    SnapshotHolder holder;

    @Inject
    StandaloneConfig standalone;

    @Override
    public HealthCheckResponse call() {
        McpState state = holder.current();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("config");
        if (state == null) {
            b.down().withData("reason", standalone.path().isEmpty()
                    ? "no config yet: set SWITCHBOARD_CONFIG to a config file"
                    : "no valid config yet; see the log for the errors");
        } else {
            b.up().withData("revision", state.snapshot().revision())
                    .withData("age_seconds", Duration.between(state.snapshot().createdAt(), Instant.now()).toSeconds());
        }
        if (standalone.lastError() != null) {
            b.withData("last_refused_edit", standalone.lastError());
        }
        return b.build();
    }
}
