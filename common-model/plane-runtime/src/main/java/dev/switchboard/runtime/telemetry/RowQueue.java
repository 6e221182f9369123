package dev.switchboard.runtime.telemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bounded {@link RowSource}: {@link #offer} never blocks; when the queue is full the record is dropped and counted.
 *
 * @param <T> the plane's record type
 */
public final class RowQueue<T> implements RowSource<T> {

    private final ArrayBlockingQueue<T> queue;
    private final LongAdder dropped = new LongAdder();

    public RowQueue(int capacity) {
        this.queue = new ArrayBlockingQueue<>(Math.max(1, capacity));
    }

    /** Queues {@code row}; false (and counted as dropped) when the queue is full. Never blocks. */
    public boolean offer(T row) {
        if (queue.offer(row)) {
            return true;
        }
        dropped.increment();
        return false;
    }

    /** Takes up to {@code max} queued records, oldest first. */
    public List<T> drain(int max) {
        List<T> out = new ArrayList<>(Math.min(max, queue.size()));
        queue.drainTo(out, max);
        return out;
    }

    /** Whether a record offered now would be kept. */
    public boolean hasRoom() {
        return queue.remainingCapacity() > 0;
    }

    /** Under one lock rather than one per record. */
    @Override
    public int drainTo(List<? super T> into, int max) {
        return queue.drainTo(into, max);
    }

    @Override
    public T poll() {
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
