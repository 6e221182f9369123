package dev.switchboard.runtime.tracing;

import dev.switchboard.model.telemetry.TelemetryWire;
import dev.switchboard.runtime.Plane;
import dev.switchboard.runtime.Replica;
import dev.switchboard.runtime.Settings;
import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.runtime.telemetry.TelemetryGauges;
import dev.switchboard.runtime.telemetry.TelemetryPublisher;
import dev.switchboard.runtime.telemetry.TelemetrySettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * A plane's spans on their way out, off the request path: the request path offers what it recorded to a bounded
 * {@link RowQueue} (full, it drops and counts); spans are built and encoded on a background thread, then
 * <ul>
 *   <li>{@code nats}: published to {@link TelemetryWire#SPANS} by a {@link TelemetryPublisher} of their own (its
 *       retries, its bound, its gauges tagged {@code kind=spans}), for the control plane to forward; the spans of
 *       up to {@code TelemetryPublisher.GROUP_RECORDS} requests are encoded as one OTLP request;</li>
 *   <li>{@code otlp}: sent to the collector by an {@link OtlpSender}, a batch every {@link TraceSettings#FLUSH_INTERVAL},
 *       a failed batch tried again (100 ms, doubling up to 5 s) while the queue holds the rest.</li>
 * </ul>
 *
 * @param <T> what the plane records per request (its spans are built from it)
 */
public final class SpanExport<T> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SpanExport.class.getName());
    private static final int MAX_PER_REQUEST = 512;
    private static final long RETRY_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long RETRY_MAX_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final TelemetryPublisher publisher;
    private final OtlpSender sender;
    private final Thread direct;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean stopping;

    private SpanExport(TelemetryPublisher publisher, OtlpSender sender, RowQueue<T> queue,
                       Function<? super T, Collection<SpanData>> spans) {
        this.publisher = publisher;
        this.sender = sender;
        this.direct = sender == null ? null : new Thread(() -> sendLoop(queue, spans), "switchboard-traces");
    }

    /** The queue the request path offers to, or null when {@code settings} say no spans. */
    public static <T> RowQueue<T> queue(TraceSettings settings) {
        return settings.enabled() ? new RowQueue<>(settings.bufferSize()) : null;
    }

    /** The resource of a plane's spans: its service name and this process's instance id. */
    public static Resource resource(Config config, Plane plane) {
        return Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), plane.clientName(),
                AttributeKey.stringKey("service.instance.id"), Replica.id(config)));
    }

    /** Starts the export of {@code queue} as {@code settings} say; null in the {@code none} mode. */
    public static <T> SpanExport<T> start(Config config, Plane plane, TraceSettings settings, RowQueue<T> queue,
                                          Function<? super T, Collection<SpanData>> spans, MeterRegistry registry,
                                          Vertx vertx) {
        switch (settings.mode()) {
            case NATS -> {
                TelemetrySettings t = TelemetrySettings.of(config, plane,
                        new Settings(config).text(FeedSettings.NATS_URL).orElseThrow());
                t = new TelemetrySettings(t.natsUrl(), t.stream(), t.subjectPrefix(), t.instance(), t.flushInterval(),
                        t.maxAge(), t.maxBytes(), t.retryMax(), plane.clientName() + "-traces");
                TelemetryPublisher publisher = TelemetryPublisher.create(t, List.of(TelemetryPublisher.protobufLane(
                        TelemetryWire.SPANS, queue, encoder(spans))));
                TelemetryGauges.bind(publisher, registry);
                return new SpanExport<T>(publisher.start(), null, queue, spans);
            }
            case OTLP -> {
                OtlpSender sender = OtlpSender.create(settings.protocol(), settings.otlpEndpoint(), vertx);
                SpanExport<T> export = new SpanExport<>(null, sender, queue, spans);
                export.direct.setDaemon(true);
                export.direct.start();
                LOG.info(() -> "traces: sending spans straight to " + sender.describe());
                return export;
            }
            default -> {
                return null;
            }
        }
    }

    /** The spans of a group of records as one OTLP request, by the publisher thread's own {@link SpanEncoding}. */
    static <T> TelemetryPublisher.GroupEncoder<T> encoder(Function<? super T, Collection<SpanData>> spans) {
        SpanEncoding encoding = new SpanEncoding();
        return new TelemetryPublisher.GroupEncoder<>() {
            @Override
            public int prepare(List<? extends T> records) {
                return encoding.prepare(spansOf(records, spans));
            }

            @Override
            public void writeTo(java.io.OutputStream out) throws java.io.IOException {
                encoding.writeTo(out);
            }
        };
    }

    /** The spans of {@code records}, in their order: one OTLP request for them all. */
    private static <T> List<SpanData> spansOf(List<? extends T> records, Function<? super T, Collection<SpanData>> spans) {
        List<SpanData> all = new ArrayList<>(records.size() * 2);
        for (T record : records) {
            all.addAll(spans.apply(record));
        }
        return all;
    }

    /** The NATS publisher in the {@code nats} mode, else null. */
    public TelemetryPublisher publisher() {
        return publisher;
    }

    /** In the {@code otlp} mode: requests the collector took. */
    public long sent() {
        return sent.get();
    }

    private void sendLoop(RowQueue<T> queue, Function<? super T, Collection<SpanData>> spans) {
        long retry = RETRY_MIN_NANOS;
        byte[] pending = null;
        while (!stopping) {
            if (pending == null) {
                LockSupport.parkNanos(TraceSettings.FLUSH_INTERVAL.toNanos());
                List<SpanData> batch = new ArrayList<>();
                for (T record : queue.drain(MAX_PER_REQUEST)) {
                    try {
                        batch.addAll(spans.apply(record));
                    } catch (RuntimeException e) {
                        LOG.warning(() -> "traces: dropped the spans of a record that could not be built: " + e);
                    }
                }
                if (batch.isEmpty()) {
                    continue;
                }
                pending = SpanEncoding.encode(batch);
            }
            try {
                sender.send(pending);
                sent.incrementAndGet();
                pending = null;
                retry = RETRY_MIN_NANOS;
            } catch (OtlpSender.ExportFailure e) {
                if (!e.retryable()) {
                    LOG.warning(() -> "traces: the collector refused a batch of spans, dropped: " + e.getMessage());
                    pending = null;
                    continue;
                }
                LOG.fine(() -> "traces: " + e.getMessage() + "; trying again");
                LockSupport.parkNanos(retry);
                retry = Math.min(retry * 2, RETRY_MAX_NANOS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        if (publisher != null) {
            publisher.close();
        }
        if (direct != null) {
            LockSupport.unpark(direct);
            try {
                direct.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sender.close();
        }
    }
}
