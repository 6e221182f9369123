package dev.switchboard.runtime.tracing;

import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collection;

/**
 * Finished spans to the bytes of one OTLP {@code ExportTraceServiceRequest}, by OpenTelemetry's own marshaler (the one
 * its OTLP exporters use): the wire format is never written by hand here.
 */
public final class SpanEncoding {

    private SpanEncoding() {
    }

    public static byte[] encode(Collection<SpanData> spans) {
        TraceRequestMarshaler marshaler = TraceRequestMarshaler.create(spans);
        Exact out = new Exact(marshaler.getBinarySerializedSize());
        try {
            marshaler.writeBinaryTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.bytes();
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
