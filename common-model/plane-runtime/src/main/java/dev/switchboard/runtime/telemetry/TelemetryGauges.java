package dev.switchboard.runtime.telemetry;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * A publisher's counters as meters, tagged with the kind of rows ({@code kind}: {@code request_logs},
 * {@code tool_calls}): {@code switchboard_telemetry_published_rows_total}, {@code switchboard_telemetry_dropped_rows_total}
 * (queue full, or a row that could not be encoded), {@code switchboard_telemetry_failed_publishes_total} and
 * {@code switchboard_telemetry_queued_rows}; and {@code switchboard_telemetry_nats_connected{publisher}} (1 or 0) per
 * publisher, {@code publisher} naming the kinds it carries. Through a NATS outage the failed publishes climb and the connection reads 0; when both stop, it ended.
 * Read when the metrics are scraped; nothing here runs on a request.
 */
public final class TelemetryGauges {

    public static final String PUBLISHED = "switchboard.telemetry.published.rows";
    public static final String DROPPED = "switchboard.telemetry.dropped.rows";
    public static final String FAILED = "switchboard.telemetry.failed.publishes";
    public static final String QUEUED = "switchboard.telemetry.queued.rows";
    public static final String CONNECTED = "switchboard.telemetry.nats.connected";

    private TelemetryGauges() {
    }

    public static void bind(TelemetryPublisher publisher, MeterRegistry registry) {
        // A plane runs one publisher per export (request logs, spans): each gets its own series, named by the kinds
        // it carries, or the second registration would be ignored (and warned about) by Micrometer.
        String kinds = publisher.lanes().stream().map(TelemetryPublisher.Lane::kind)
                .collect(java.util.stream.Collectors.joining(","));
        Gauge.builder(CONNECTED, publisher, p -> p.connected() ? 1 : 0)
                .description("Whether the telemetry publisher's NATS connection is up (1) or not (0)")
                .tags("publisher", kinds).strongReference(true).register(registry);
        for (TelemetryPublisher.Lane<?> lane : publisher.lanes()) {
            Tags tags = Tags.of("kind", lane.kind());
            FunctionCounter.builder(PUBLISHED, lane, TelemetryPublisher.Lane::published)
                    .description("Telemetry rows published to NATS and acknowledged").tags(tags).register(registry);
            FunctionCounter.builder(DROPPED, lane, TelemetryPublisher.Lane::dropped)
                    .description("Telemetry rows dropped: the queue was full, or a row could not be encoded")
                    .tags(tags).register(registry);
            FunctionCounter.builder(FAILED, lane, TelemetryPublisher.Lane::failedPublishes)
                    .description("Telemetry publishes to NATS that failed or found NATS unreachable (tried again)")
                    .tags(tags).register(registry);
            Gauge.builder(QUEUED, lane, TelemetryPublisher.Lane::queued)
                    .description("Telemetry rows waiting to be published").tags(tags).strongReference(true)
                    .register(registry);
        }
    }
}
