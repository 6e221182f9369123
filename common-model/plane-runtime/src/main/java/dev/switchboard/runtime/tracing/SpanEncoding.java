package dev.switchboard.runtime.tracing;

import dev.switchboard.runtime.telemetry.SizedOutput;
import io.opentelemetry.exporter.internal.otlp.traces.LowAllocationTraceRequestMarshaler;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Collection;

/**
 * Finished spans to the bytes of one OTLP {@code ExportTraceServiceRequest}, by OpenTelemetry's own marshaler (the one
 * its OTLP exporters use): the wire format is never written by hand here. It is the SDK's low-allocation marshaler
 * (what its exporters use with {@code MemoryMode.REUSABLE_DATA}), reused: the same bytes as
 * {@code TraceRequestMarshaler}, without a marshaler object and a byte array per attribute of every span. An instance
 * is one thread's; it says a message's size before it writes it, so that the message can go straight where it is
 * sent ({@link #prepare}, {@link #writeTo}).
 */
public final class SpanEncoding {

    private static final ThreadLocal<SpanEncoding> ENCODINGS = ThreadLocal.withInitial(SpanEncoding::new);

    private final LowAllocationTraceRequestMarshaler marshaler = new LowAllocationTraceRequestMarshaler();
    private boolean prepared;

    /** The spans' message as a new array (by the thread's encoder). */
    public static byte[] encode(Collection<SpanData> spans) {
        SpanEncoding encoding = ENCODINGS.get();
        SizedOutput out = new SizedOutput(encoding.prepare(spans));
        try {
            encoding.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.bytes();
    }

    /** Prepares the message of {@code spans} (whatever was prepared before and not written is dropped); its size. */
    public int prepare(Collection<SpanData> spans) {
        reset();
        prepared = true; // reset before the next, even when this one fails half-way
        marshaler.initialize(spans);
        return marshaler.getBinarySerializedSize();
    }

    /** Writes the message prepared last: as many bytes as {@link #prepare} said. */
    public void writeTo(OutputStream out) throws IOException {
        if (!prepared) {
            throw new IllegalStateException("nothing prepared");
        }
        try {
            marshaler.writeBinaryTo(out);
        } finally {
            reset();
        }
    }

    private void reset() {
        if (prepared) {
            prepared = false;
            marshaler.reset();
        }
    }
}
