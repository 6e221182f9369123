package dev.switchboard.mcpgateway.audit;

import dev.switchboard.model.telemetry.RowSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Audit records waiting to be exported. Bounded: when full, new records are dropped and counted, so that auditing
 * never blocks or fails a tool call. {@link ToolCallExport} publishes them to NATS (when telemetry is on); encoding
 * happens there, on the publisher's thread, never here.
 */
public final class AuditBuffer implements RowSource<ToolCallRecord> {

    private final ArrayBlockingQueue<ToolCallRecord> queue;
    private final LongAdder dropped = new LongAdder();

    public AuditBuffer(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    public void offer(ToolCallRecord record) {
        if (!queue.offer(record)) {
            dropped.increment();
        }
    }

    /** Takes up to {@code max} queued records, oldest first. */
    public List<ToolCallRecord> drain(int max) {
        List<ToolCallRecord> out = new ArrayList<>(Math.min(max, queue.size()));
        queue.drainTo(out, max);
        return out;
    }

    /** Whether a record offered now would be kept: a caller may skip building one that would be dropped. */
    public boolean hasRoom() {
        return queue.remainingCapacity() > 0;
    }

    @Override
    public ToolCallRecord poll() {
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
