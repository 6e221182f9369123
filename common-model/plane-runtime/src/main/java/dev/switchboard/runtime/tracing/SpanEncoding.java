package dev.switchboard.runtime.tracing;

import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
        ByteArrayOutputStream out = new ByteArrayOutputStream(marshaler.getBinarySerializedSize());
        try {
            marshaler.writeBinaryTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
