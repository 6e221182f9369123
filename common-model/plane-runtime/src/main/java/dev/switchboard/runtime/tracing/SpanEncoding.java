package dev.switchboard.runtime.tracing;

import io.opentelemetry.exporter.internal.otlp.traces.LowAllocationTraceRequestMarshaler;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collection;

/**
 * Finished spans to the bytes of one OTLP {@code ExportTraceServiceRequest}, by OpenTelemetry's own marshaler (the one
 * its OTLP exporters use): the wire format is never written by hand here. It is the SDK's low-allocation marshaler
 * (what its exporters use with {@code MemoryMode.REUSABLE_DATA}), one per thread and reused: the same bytes as
 * {@code TraceRequestMarshaler}, without a marshaler object and a byte array per attribute of every span.
 */
public final class SpanEncoding {

    private static final ThreadLocal<LowAllocationTraceRequestMarshaler> MARSHALERS =
            ThreadLocal.withInitial(LowAllocationTraceRequestMarshaler::new);

    private SpanEncoding() {
    }

    public static byte[] encode(Collection<SpanData> spans) {
        LowAllocationTraceRequestMarshaler marshaler = MARSHALERS.get();
        try {
            marshaler.initialize(spans);
            Exact out = new Exact(marshaler.getBinarySerializedSize());
            marshaler.writeBinaryTo(out);
            return out.bytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            marshaler.reset();
        }
    }

    /** The marshaler says its size first: written into an array of that size, not grown and copied at the end. */
    private static final class Exact extends OutputStream {
        private final byte[] bytes;
        private int length;

        Exact(int size) {
            this.bytes = new byte[size];
        }

        @Override
        public void write(int b) {
            bytes[length++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            System.arraycopy(b, off, bytes, length, len);
            length += len;
        }

        byte[] bytes() {
            return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
        }
    }
}
