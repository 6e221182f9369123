package dev.switchboard.mcpgateway.tracing;

import dev.switchboard.runtime.Plane;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.runtime.tracing.SpanExport;
import dev.switchboard.runtime.tracing.TraceSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The MCP gateway's spans (each HTTP request, which carries one JSON-RPC message, and each {@code tools/call}, from
 * Quarkus OpenTelemetry and {@code ToolCallSpans}) on the gateway plane's path: a {@link SpanProcessor} that Quarkus
 * adds to its tracer provider hands each ended span to a bounded queue (full, it drops and counts), and
 * {@link SpanExport} takes them to NATS or straight to a collector ({@code switchboard.traces.export}). In the
 * {@code none} mode the processor asks for no span at all.
 */
@Singleton
public class TraceExport {

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    private final TraceSettings settings;
    private final RowQueue<SpanData> queue;
    private volatile SpanExport<SpanData> export;

    public TraceExport() {
        this.settings = TraceSettings.read(ConfigProvider.getConfig());
        this.queue = SpanExport.queue(settings);
    }

    @Produces
    @Singleton
    SpanProcessor toQueue() {
        return new Handoff(queue);
    }

    void start(@Observes StartupEvent event) {
        Config config = ConfigProvider.getConfig();
        export = SpanExport.start(config, Plane.MCP_GATEWAY, settings, queue, List::of, registry, vertx);
    }

    void stop(@Observes ShutdownEvent event) {
        if (export != null) {
            export.close();
        }
    }

    /** The running export, or null when traces are off. */
    public SpanExport<SpanData> export() {
        return export;
    }

    /** Offers each ended span to the queue, on the thread that ended it: never blocks, never throws. */
    static final class Handoff implements SpanProcessor {

        private final RowQueue<SpanData> queue;

        Handoff(RowQueue<SpanData> queue) {
            this.queue = queue;
        }

        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
            if (span.getSpanContext().isSampled()) {
                queue.offer(span.toSpanData());
            }
        }

        @Override
        public boolean isEndRequired() {
            return queue != null;
        }
    }
}
