package dev.switchboard.runtime.telemetry;

/**
 * Where a {@link TelemetryPublisher} takes a kind of rows from: a bounded queue that the plane's request path offers
 * its records to (an offer that never blocks: a record that does not fit is dropped and counted). The publisher's
 * thread alone polls it and encodes what it took, so that nothing is encoded on the request path.
 *
 * @param <T> the plane's record type
 */
public interface RowSource<T> {

    /** The oldest queued record, removed; null when none is queued. */
    T poll();

    /** Moves up to {@code max} of the oldest queued records to {@code into}, oldest first; how many it moved. */
    default int drainTo(java.util.List<? super T> into, int max) {
        int moved = 0;
        for (T record; moved < max && (record = poll()) != null; moved++) {
            into.add(record);
        }
        return moved;
    }

    /** How many records are queued now. */
    int size();

    /** How many records were dropped because the queue was full, since start. */
    long dropped();
}
