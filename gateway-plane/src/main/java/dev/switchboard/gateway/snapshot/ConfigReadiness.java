package dev.switchboard.gateway.snapshot;

import dev.switchboard.model.feed.ConfigFeed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready once a config is applied; shows its revision, source and age, the NATS connection, the last refused edit. */
@Readiness
@ApplicationScoped
public class ConfigReadiness implements HealthCheck {

    @Inject
    ConfigSource source;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("config");
        ConfigFeed<GatewayState> feed = source.feed();
        if (feed == null) {
            return b.down().withData("reason", "starting").build();
        }
        ConfigFeed.Readiness readiness = feed.readiness();
        b.status(readiness.up());
        readiness.data().forEach((key, value) -> {
            if (value instanceof Number n) {
                b.withData(key, n.longValue());
            } else {
                b.withData(key, String.valueOf(value));
            }
        });
        return b.build();
    }
}
