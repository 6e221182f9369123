package dev.switchboard.mcpgateway.audit;

import dev.switchboard.model.telemetry.TelemetryWire;
import dev.switchboard.runtime.Plane;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.runtime.telemetry.TelemetryExport;
import dev.switchboard.runtime.telemetry.TelemetryPublisher;
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
 * The audit records of tool calls on their way to NATS ({@link TelemetryWire#TOOL_CALLS}): the tool-call pipeline
 * offers each to a bounded {@link RowQueue} ({@code switchboard.audit.buffer-size} long; full, it drops and counts),
 * which the runtime's {@link TelemetryExport} drains and encodes on its own thread when telemetry is on.
 */
@ApplicationScoped
public class ToolCallExport {

    static final String BUFFER_SIZE = "switchboard.audit.buffer-size";

    @Inject
    RowQueue<ToolCallRecord> audit;

    @Inject
    MeterRegistry registry;

    private volatile TelemetryPublisher publisher;

    @Produces
    @Singleton
    static RowQueue<ToolCallRecord> auditRecords() {
        return TelemetryExport.queue(ConfigProvider.getConfig(), BUFFER_SIZE);
    }

    void start(@Observes StartupEvent event) {
        publisher = TelemetryExport.start(ConfigProvider.getConfig(), Plane.MCP_GATEWAY, "tool calls",
                TelemetryWire.TOOL_CALLS, audit, ToolCallRows::write, registry);
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
