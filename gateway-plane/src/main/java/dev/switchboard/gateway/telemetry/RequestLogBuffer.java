package dev.switchboard.gateway.telemetry;

import dev.switchboard.model.telemetry.RowSource;
import dev.switchboard.model.telemetry.TelemetrySettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Request-log events waiting to be published. Bounded: when full, new events are dropped and counted, so that
 * telemetry never blocks or fails a request. {@link RequestLogExport} publishes them to NATS (when telemetry is on);
 * encoding happens there, on the publisher's thread, never here.
 */
@ApplicationScoped
public class RequestLogBuffer implements RowSource<RequestLog> {

    private final ArrayBlockingQueue<RequestLog> queue;
    private final LongAdder dropped = new LongAdder();

    public RequestLogBuffer(@ConfigProperty(name = TelemetrySettings.BUFFER_SIZE,
            defaultValue = TelemetrySettings.BUFFER_SIZE_DEFAULT) int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    public void offer(RequestLog log) {
        if (!queue.offer(log)) {
            dropped.increment();
        }
    }

    /** Takes up to {@code max} queued events, oldest first. */
    public List<RequestLog> drain(int max) {
        List<RequestLog> out = new ArrayList<>(Math.min(max, queue.size()));
        queue.drainTo(out, max);
        return out;
    }

    @Override
    public RequestLog poll() {
        return queue.poll();
    }

    @Override
    public int size() {
        return queue.size();
    }

    @Override
    public long dropped() {
        return dropped.sum();
    }
}
