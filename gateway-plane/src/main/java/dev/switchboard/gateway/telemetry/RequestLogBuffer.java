package dev.switchboard.gateway.telemetry;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Request-log events waiting to be published. Bounded: when full, new events are dropped and counted, so that
 * telemetry never blocks or fails a request.
 */
@ApplicationScoped
public class RequestLogBuffer {

    private final ArrayBlockingQueue<RequestLog> queue;
    private final LongAdder dropped = new LongAdder();

    public RequestLogBuffer(@ConfigProperty(name = "switchboard.telemetry.buffer-size", defaultValue = "10000") int capacity) {
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

    public int size() {
        return queue.size();
    }

    public long dropped() {
        return dropped.sum();
    }
}
