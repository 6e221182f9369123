package dev.switchboard.runtime.feed;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Objects;

/**
 * The config a plane serves, as two gauges tagged with its {@code source} ({@code nats}, {@code cache} or
 * {@code file}): {@code switchboard_config_revision} and {@code switchboard_config_age_seconds} (since the control
 * plane made the snapshot, or the file was read). Their values are read when the metrics are scraped; when the source
 * changes, the gauges are registered again under the new tag by the thread that applied the config. Nothing here runs
 * on a request.
 */
public final class ConfigGauges<S extends PlaneState> {

    public static final String REVISION = "switchboard.config.revision";
    public static final String AGE = "switchboard.config.age";

    private final ConfigFeed<S> feed;
    private final MeterRegistry registry;
    private String taggedWith;
    private List<Meter> meters = List.of();

    private ConfigGauges(ConfigFeed<S> feed, MeterRegistry registry) {
        this.feed = feed;
        this.registry = registry;
    }

    /** Registers the gauges for {@code feed}'s holder, now and whenever it applies a config from another source. */
    public static <S extends PlaneState> ConfigGauges<S> bind(ConfigFeed<S> feed, MeterRegistry registry) {
        ConfigGauges<S> gauges = new ConfigGauges<>(feed, registry);
        feed.holder().onApplied(applied -> gauges.retag());
        gauges.retag();
        return gauges;
    }

    /** Tags the gauges with the applied config's source (read afresh, so a late call never tags with a stale one). */
    synchronized void retag() {
        Applied<S> applied = feed.holder().applied();
        String source = applied == null ? null : applied.origin().label();
        if (Objects.equals(source, taggedWith)) {
            return;
        }
        meters.forEach(registry::remove);
        meters = List.of();
        taggedWith = source;
        if (source == null) {
            return;
        }
        Tags tags = Tags.of("source", source);
        ConfigHolder<S> holder = feed.holder();
        meters = List.of(
                Gauge.builder(REVISION, holder, h -> h.applied() == null ? Double.NaN : h.applied().revision())
                        .description("The revision of the config this plane serves")
                        .tags(tags).strongReference(true).register(registry),
                Gauge.builder(AGE, feed, f -> {
                            Applied<S> a = f.holder().applied();
                            return a == null ? Double.NaN : f.age(a).toMillis() / 1000.0;
                        })
                        .description("Seconds since the config this plane serves was made")
                        .baseUnit("seconds").tags(tags).strongReference(true).register(registry));
    }
}
