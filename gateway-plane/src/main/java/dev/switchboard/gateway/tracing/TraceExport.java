package dev.switchboard.gateway.tracing;

import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.Plane;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.runtime.telemetry.TelemetrySettings;
import dev.switchboard.runtime.tracing.RequestSpans;
import dev.switchboard.runtime.tracing.RequestSpans;
import dev.switchboard.runtime.tracing.SpanExport;
import dev.switchboard.runtime.tracing.TraceSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The gateway's spans on their way out ({@code switchboard.traces.export}: {@code nats}, {@code otlp} or
 * {@code none}). The request path records trace ids and timestamps in its request log. In the {@code nats} mode with
 * request logs on, the spans go through the request logs ({@link #inRequestLogs}): each traced row carries its trace
 * context and the control plane makes the spans, so the gateway encodes a request once. Otherwise the request path
 * offers the log to a bounded queue of its own ({@link #queue}) and {@link RequestSpans} makes the spans of each on
 * the export thread.
 */
@Singleton
public class TraceExport {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(TraceExport.class);

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    private final TraceSettings settings;
    private final boolean inRequestLogs;
    private final RowQueue<RequestLog> queue;
    private volatile SpanExport<RequestLog> export;

    public TraceExport() {
        Config config = ConfigProvider.getConfig();
        this.settings = TraceSettings.read(config);
        this.inRequestLogs = settings.mode() == TraceSettings.Mode.NATS
                && TelemetrySettings.read(config, Plane.GATEWAY).isPresent();
        this.queue = inRequestLogs ? null : SpanExport.queue(settings);
    }

    void start(@Observes StartupEvent event) {
        if (inRequestLogs) {
            LOG.info("traces: the spans go through the request logs; the control plane makes them");
            return;
        }
        Config config = ConfigProvider.getConfig();
        RequestSpans spans = new RequestSpans(SpanExport.resource(config, Plane.GATEWAY));
        export = SpanExport.start(config, Plane.GATEWAY, settings, queue, spans::of, registry, vertx);
    }

    void stop(@Observes ShutdownEvent event) {
        if (export != null) {
            export.close();
        }
    }

    /** Whether requests are traced: the pipeline then takes trace ids at the start and per attempt. */
    public boolean tracing() {
        return settings.enabled();
    }

    /** Whether a traced request's spans go in its request log's row, for the control plane to make. */
    public boolean inRequestLogs() {
        return inRequestLogs;
    }

    /** The queue the request path offers finished requests to; null when traces are off or go in the request logs. */
    public RowQueue<RequestLog> queue() {
        return queue;
    }

    /** The running export, or null when traces are off or go in the request logs. */
    public SpanExport<RequestLog> export() {
        return export;
    }
}
