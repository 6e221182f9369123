package dev.switchboard.runtime.feed;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/** The {@code config} readiness check of a plane: up once a config is applied, with its revision, source and age. */
public final class FeedReadiness {

    private FeedReadiness() {
    }

    /** The check's answer for {@code feed}, which is null before the plane started it. */
    public static HealthCheckResponse of(ConfigFeed<?> feed) {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("config");
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
