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

    /** How many records are queued now. */
    int size();

    /** How many records were dropped because the queue was full, since start. */
    long dropped();
}
