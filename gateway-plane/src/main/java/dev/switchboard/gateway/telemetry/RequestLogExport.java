package dev.switchboard.gateway.telemetry;

import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.gateway.tracing.TraceExport;
import dev.switchboard.model.telemetry.RequestLogRows;
import dev.switchboard.model.telemetry.TelemetryWire;
import dev.switchboard.runtime.Plane;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.runtime.telemetry.TelemetryExport;
import dev.switchboard.runtime.telemetry.TelemetryPublisher;
import dev.switchboard.runtime.telemetry.TelemetrySettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The request logs on their way to NATS ({@link TelemetryWire#REQUEST_LOGS}): the request path offers each to a bounded
 * {@link RowQueue} ({@code switchboard.telemetry.buffer-size} long; full, it drops and counts), which the runtime's
 * {@link TelemetryExport} drains and encodes on its own thread when telemetry is on.
 */
@ApplicationScoped
public class RequestLogExport {

    @Inject
    RowQueue<RequestLog> logs;

    @Inject
    MeterRegistry registry;

    @Inject
    TraceExport traces;

    private volatile TelemetryPublisher publisher;

    @Produces
    @Singleton
    static RowQueue<RequestLog> requestLogs() {
        return TelemetryExport.queue(ConfigProvider.getConfig(), TelemetrySettings.BUFFER_SIZE);
    }

    void start(@Observes StartupEvent event) {
        publisher = TelemetryExport.start(ConfigProvider.getConfig(), Plane.GATEWAY, "request logs",
                TelemetryWire.REQUEST_LOGS, logs, rowWriter(traces.inRequestLogs()), registry);
    }

    /** The rows' writer: with each traced request's trace context when the spans go in the request logs. */
    static TelemetryPublisher.RowWriter<RequestLog> rowWriter(boolean withTrace) {
        return (log, instance, row) -> RequestLogRows.write(log, instance, row, withTrace);
    }

    void stop(@Observes ShutdownEvent event) {
        if (publisher != null) {
            publisher.close();
        }
    }

    /** The running publisher, or null when telemetry is off. */
    public TelemetryPublisher publisher() {
        return publisher;
    }
}
