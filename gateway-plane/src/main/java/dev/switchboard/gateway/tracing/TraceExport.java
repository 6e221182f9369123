package dev.switchboard.gateway.tracing;

import dev.switchboard.gateway.telemetry.RequestLog;
import dev.switchboard.runtime.Plane;
import dev.switchboard.runtime.telemetry.RowQueue;
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
 * {@code none}). The request path records trace ids and timestamps in its request log and offers the log to a
 * bounded queue of its own ({@link #queue}, null when traces are off); {@link RequestSpans} makes the spans of each
 * on the export thread.
 */
@Singleton
public class TraceExport {

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    private final TraceSettings settings;
    private final RowQueue<RequestLog> queue;
    private volatile SpanExport<RequestLog> export;

    public TraceExport() {
        this.settings = TraceSettings.read(ConfigProvider.getConfig());
        this.queue = SpanExport.queue(settings);
    }

    void start(@Observes StartupEvent event) {
        Config config = ConfigProvider.getConfig();
        RequestSpans spans = new RequestSpans(SpanExport.resource(config, Plane.GATEWAY));
        export = SpanExport.start(config, Plane.GATEWAY, settings, queue, spans::of, registry, vertx);
    }

    void stop(@Observes ShutdownEvent event) {
        if (export != null) {
            export.close();
        }
    }

    /** The queue the request path offers finished requests to; null when traces are off. */
    public RowQueue<RequestLog> queue() {
        return queue;
    }

    /** The running export, or null when traces are off. */
    public SpanExport<RequestLog> export() {
        return export;
    }
}
