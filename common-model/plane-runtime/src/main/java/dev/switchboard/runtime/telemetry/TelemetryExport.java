package dev.switchboard.runtime.telemetry;

import dev.switchboard.model.telemetry.JsonRow;
import dev.switchboard.model.telemetry.TelemetryWire;
import dev.switchboard.runtime.Plane;
import dev.switchboard.runtime.Settings;
import dev.switchboard.runtime.feed.FeedSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
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
     * @param encoder a record and this process's instance id to one {@code JSONEachRow} line
     */
    public static <T> TelemetryPublisher start(Config config, Plane plane, String what, String wireSubject,
                                               RowSource<T> rows, BiFunction<? super T, String, byte[]> encoder,
                                               MeterRegistry registry) {
        Optional<TelemetrySettings> settings = TelemetrySettings.read(config, plane);
        if (settings.isEmpty()) {
            if (new Settings(config).flag(TelemetrySettings.ENABLED).orElse(false)) {
                LOG.warning(String.format("%s is true but %s is not set: %s are not published",
                        TelemetrySettings.ENABLED, FeedSettings.NATS_URL, what));
            }
            return null;
        }
        String instance = settings.get().instance();
        TelemetryPublisher publisher = TelemetryPublisher.create(settings.get(),
                List.of(TelemetryPublisher.lane(wireSubject, rows, eventIds(instance, encoder))));
        TelemetrySpool.read(config).ifPresent(publisher::spool);
        TelemetryGauges.bind(publisher, registry);
        return publisher.start();
    }

    /**
     * The plane's encoder, each row stamped with its {@link TelemetryWire#EVENT_ID}: {@code <instance>-<n>}, n counting
     * this process's rows of the kind. The instance id is new at each start, so an id is never given twice; a row is
     * encoded once, so a batch published again carries the same ids, and readers drop the copies.
     */
    static <T> java.util.function.Function<T, byte[]> eventIds(String instance,
                                                              BiFunction<? super T, String, byte[]> encoder) {
        AtomicLong events = new AtomicLong();
        return row -> JsonRow.withLastField(encoder.apply(row, instance), TelemetryWire.EVENT_ID,
                instance + "-" + events.incrementAndGet());
    }

    /** A plane's bounded queue, {@code property} records long (default {@link TelemetrySettings#BUFFER_SIZE_DEFAULT}). */
    public static <T> RowQueue<T> queue(Config config, String property) {
        return new RowQueue<>((int) new Settings(config).number(property, TelemetrySettings.BUFFER_SIZE_DEFAULT));
    }
}
