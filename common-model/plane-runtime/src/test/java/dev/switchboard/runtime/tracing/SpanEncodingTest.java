package dev.switchboard.runtime.tracing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reused low-allocation marshaler writes what OpenTelemetry's plain one writes, request after request. */
class SpanEncodingTest {

    private static final Resource RESOURCE = Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), "switchboard-gateway",
            AttributeKey.stringKey("service.instance.id"), "gw-1"));
    private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("dev.switchboard.test");

    /** A request's spans as a plane builds them: a server span with a remote parent and events, a failed client span. */
    private static List<SpanData> request(long traceLow, String model) {
        SpanContext server = FinishedSpan.context(0x1234L, traceLow, traceLow + 1);
        long start = 1_765_000_000_000_000_000L + traceLow;
        Attributes attributes = Attributes.builder()
                .put("gen_ai.operation.name", "chat")
                .put("gen_ai.request.model", model)
                .put("gen_ai.usage.input_tokens", 1000L)
                .put("switchboard.cost_usd", 0.002)
                .put("switchboard.stream", true)
                .put(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"))
                .put("switchboard.subject", "user:\u00e9l\u00e8ve \u65e5\u672c")
                .build();
        List<EventData> events = List.of(EventData.create(start, "gen_ai.content.prompt",
                Attributes.of(AttributeKey.stringKey("gen_ai.prompt"), "{\"messages\":[]}")));
        List<SpanData> spans = new ArrayList<>();
        spans.add(new FinishedSpan("chat " + model, SpanKind.SERVER, server,
                FinishedSpan.remoteParent(0x1234L, traceLow, 77), StatusData.unset(), start, start + 5_000_000,
                attributes, RESOURCE, SCOPE, events));
        spans.add(new FinishedSpan("chat " + model, SpanKind.CLIENT, FinishedSpan.context(0x1234L, traceLow, traceLow + 2),
                server, StatusData.create(StatusCode.ERROR, null), start + 1000, start + 4_000_000,
                Attributes.of(AttributeKey.longKey("http.response.status_code"), 503L,
                        AttributeKey.stringKey("error.type"), "503"), RESOURCE, SCOPE, null));
        return spans;
    }

    private static byte[] plain(List<SpanData> spans) throws Exception {
        TraceRequestMarshaler marshaler = TraceRequestMarshaler.create(spans);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        marshaler.writeBinaryTo(out);
        return out.toByteArray();
    }

    @Test
    void theBytesAreThoseOfOpenTelemetrysOwnMarshalerEveryTime() throws Exception {
        List<SpanData> group = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            group.addAll(request(i * 100L, "gpt-4o-mini-" + i));
        }
        List<SpanData> one = request(9_000L, "claude");
        byte[] expected = plain(group);
        assertArrayEquals(expected, SpanEncoding.encode(group));
        // the marshaler is reused: another request in between leaves nothing behind
        assertArrayEquals(plain(one), SpanEncoding.encode(one));
        assertArrayEquals(expected, SpanEncoding.encode(group));
        assertEquals(0, SpanEncoding.encode(List.of()).length, "no spans, an empty request");
    }

    @Test
    void aMessageIsWrittenWhereItGoesAfterItsSizeIsKnownAndOneNotWrittenLeavesNothingBehind() throws Exception {
        List<SpanData> group = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            group.addAll(request(i * 10L, "m-" + i));
        }
        byte[] expected = plain(group);
        SpanEncoding encoding = new SpanEncoding();
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        batch.write(new byte[] {1, 2, 3}); // what the batch held before
        assertEquals(expected.length, encoding.prepare(group));
        encoding.writeTo(batch);
        byte[] written = batch.toByteArray();
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(written, 3, written.length));

        // a message prepared and then not written (too large for the batch: it is encoded again in halves)
        encoding.prepare(request(5L, "dropped"));
        List<SpanData> half = group.subList(0, 2);
        assertEquals(plain(half).length, encoding.prepare(half));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encoding.writeTo(out);
        assertArrayEquals(plain(half), out.toByteArray());
        assertThrows(IllegalStateException.class, () -> encoding.writeTo(new ByteArrayOutputStream()),
                "written once: prepared again first");
    }
}
