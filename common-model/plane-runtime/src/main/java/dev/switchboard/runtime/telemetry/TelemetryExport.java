package dev.switchboard.runtime.telemetry;

import dev.switchboard.runtime.Plane;
import dev.switchboard.runtime.Settings;
import dev.switchboard.runtime.feed.FeedSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * Starts a plane's telemetry export: a {@link TelemetryPublisher} that drains the plane's {@link RowQueue} to one NATS
 * subject, with its gauges on the plane's registry, and its spool ({@link TelemetrySpool#DIR}) when one is set. On by default when the plane has a NATS URL
 * ({@code switchboard.nats.url}), off in the standalone mode; {@code switchboard.telemetry.enabled} decides otherwise.
 * Off, the queue is left to whoever drains it (the tests).
 */
public final class TelemetryExport {

    private static final Logger LOG = Logger.getLogger(TelemetryExport.class.getName());

    private TelemetryExport() {
    }

    /**
     * The started publisher of {@code rows} to {@code wireSubject}, or null when telemetry is off.
     *
     * @param what    what the rows are, for the log line that says they are not published
     * @param writer  a record's columns into its {@code JSONEachRow} row (the publisher adds the event id)
     */
    public static <T> TelemetryPublisher start(Config config, Plane plane, String what, String wireSubject,
                                               RowSource<T> rows, TelemetryPublisher.RowWriter<? super T> writer,
                                               MeterRegistry registry) {
        Optional<TelemetrySettings> settings = TelemetrySettings.read(config, plane);
        if (settings.isEmpty()) {
            if (new Settings(config).flag(TelemetrySettings.ENABLED).orElse(false)) {
                LOG.warning(String.format("%s is true but %s is not set: %s are not published",
                        TelemetrySettings.ENABLED, FeedSettings.NATS_URL, what));
            }
            return null;
        }
        TelemetryPublisher publisher = TelemetryPublisher.create(settings.get(),
                List.of(TelemetryPublisher.lane(wireSubject, rows, writer)));
        TelemetrySpool.read(config).ifPresent(publisher::spool);
        TelemetryGauges.bind(publisher, registry);
        return publisher.start();
    }

    /** A plane's bounded queue, {@code property} records long (default {@link TelemetrySettings#BUFFER_SIZE_DEFAULT}). */
    public static <T> RowQueue<T> queue(Config config, String property) {
        return new RowQueue<>((int) new Settings(config).number(property, TelemetrySettings.BUFFER_SIZE_DEFAULT));
    }
}
