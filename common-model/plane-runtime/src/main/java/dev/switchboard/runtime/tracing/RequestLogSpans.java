package dev.switchboard.runtime.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.model.telemetry.RequestLogRows;
import dev.switchboard.runtime.Plane;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The gateway's spans made from its request logs, where the control plane forwards them: a gateway whose spans go
 * through NATS and whose request logs are on writes each traced request's trace context into its row
 * ({@link RequestLogRows}, the {@code trace} column) and publishes no spans of its own, so that a request is encoded
 * once, on the request log's thread, and the OTLP encoding is done here, off the gateway's cores. The spans are the
 * ones the gateway would have made ({@link RequestSpans}: the same names, ids, times and attributes), their resource
 * the gateway's service name and the row's {@code instance}. One relay thread's.
 */
public final class RequestLogSpans {

    private static final Logger LOG = Logger.getLogger(RequestLogSpans.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A row without a trace has this, written by {@link RequestLogRows}: such a row is passed over unread. */
    private static final byte[] NO_TRACE = ",\"trace\":\"\"".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_INSTANCES = 1024;

    private final Map<String, RequestSpans> byInstance = new HashMap<>();
    private final AtomicLong unreadable = new AtomicLong();

    /**
     * The spans of a batch of {@code request_logs} rows ({@code JSONEachRow}, one per line) as one OTLP
     * {@code ExportTraceServiceRequest}, or null when no row in it is traced. A row that cannot be read is left out,
     * logged and counted ({@link #unreadable}); its request log is not this class's concern.
     */
    public byte[] otlp(byte[] rows) {
        List<SpanData> spans = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= rows.length; i++) {
            if (i == rows.length || rows[i] == '\n') {
                if (i > start && !contains(rows, start, i, NO_TRACE)) {
                    spansOf(rows, start, i, spans);
                }
                start = i + 1;
            }
        }
        return spans.isEmpty() ? null : SpanEncoding.encode(spans);
    }

    /** Rows that could not be read, so made no spans. */
    public long unreadable() {
        return unreadable.get();
    }

    private void spansOf(byte[] rows, int from, int to, List<SpanData> out) {
        try {
            JsonNode row = JSON.readTree(rows, from, to - from);
            RequestLog log = RequestLogRows.read(row);
            if (log.trace() != null) {
                out.addAll(spansFor(row.path("instance").asText("")).of(log));
            }
        } catch (Exception e) {
            unreadable.incrementAndGet();
            LOG.warning(() -> "traces: a request log row that cannot be read made no spans: " + e.getMessage());
        }
    }

    private RequestSpans spansFor(String instance) {
        RequestSpans spans = byInstance.get(instance);
        if (spans == null) {
            if (byInstance.size() >= MAX_INSTANCES) {
                byInstance.clear(); // replicas come and go: a bound, not a cache worth keeping exact
            }
            spans = new RequestSpans(Resource.create(Attributes.of(
                    AttributeKey.stringKey("service.name"), Plane.GATEWAY.clientName(),
                    AttributeKey.stringKey("service.instance.id"), instance)));
            byInstance.put(instance, spans);
        }
        return spans;
    }

    private static boolean contains(byte[] b, int from, int to, byte[] what) {
        outer:
        for (int i = from; i <= to - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b[i + j] != what[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
