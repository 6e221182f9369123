package dev.switchboard.runtime.feed;

import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.runtime.Plane;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;

/** Starts a plane's config feed the one way both planes do. */
public final class PlaneFeeds {

    private PlaneFeeds() {
    }

    /**
     * {@code plane}'s feed into {@code holder}, with its settings from {@code config} and the config gauges on
     * {@code registry}, started (NATS is reached in the background).
     *
     * @param prepare how the plane turns a snapshot into what its request path reads, off the request path
     */
    public static <S extends PlaneState> ConfigFeed<S> start(Plane plane, Config config,
                                                             Function<ConfigSnapshot, S> prepare,
                                                             ConfigHolder<S> holder, MeterRegistry registry) {
        ConfigFeed<S> feed = new ConfigFeed<>(FeedSettings.read(config, plane), prepare, holder, Clock.systemUTC());
        ConfigGauges.bind(feed, registry);
        return feed.start();
    }
}
