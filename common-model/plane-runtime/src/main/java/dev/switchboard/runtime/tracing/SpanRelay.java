package dev.switchboard.runtime.tracing;

import dev.switchboard.model.telemetry.TelemetryWire;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The control plane's end of the spans' path: a durable JetStream consumer of {@link TelemetryWire#SPANS} whose
 * messages (OTLP trace requests, as the planes encoded them) go as they are to the collector ({@link #start}), or of
 * {@link TelemetryWire#REQUEST_LOGS} whose traced rows are made into the gateway's spans first
 * ({@link #fromRequestLogs}, by {@link RequestLogSpans}; a message with no traced row is acknowledged at once). A message is acknowledged
 * once the collector took it; while the collector cannot take it (unreachable, or a retryable status), it is
 * negatively acknowledged with a growing delay (from {@code retryMin}, doubling up to {@code retryMax}) and stays in the
 * stream; one the collector refuses for good (a 400) is terminated and counted. At least once: a collector may see a
 * batch twice when an acknowledgement is lost.
 */
public final class SpanRelay implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SpanRelay.class.getName());
    private static final int BATCH = 64;

    /**
     * @param stream        the telemetry stream ({@link TelemetryWire#STREAM} but in tests)
     * @param subjectPrefix the subjects' prefix ({@link TelemetryWire#SUBJECT_PREFIX} but in tests)
     * @param consumer      the durable consumer's name
     */
    public record Settings(String natsUrl, String stream, String subjectPrefix, String consumer, Duration retryMin,
                           Duration retryMax) {
    }

    private final Settings settings;
    private final OtlpSender sender;
    /** The subject under the prefix: {@code spans} or {@code request_logs}. */
    private final String kind;
    /** A message's body to the OTLP request sent for it; null: nothing to send. */
    private final UnaryOperator<byte[]> toOtlp;
    private final Thread thread;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean stopping;
    private volatile Connection connection;
    private volatile String problem;

    private SpanRelay(Settings settings, OtlpSender sender, String wireSubject, UnaryOperator<byte[]> toOtlp) {
        this.settings = settings;
        this.sender = sender;
        this.kind = wireSubject.substring(TelemetryWire.SUBJECT_PREFIX.length());
        this.toOtlp = toOtlp;
        this.thread = new Thread(this::run, "switchboard-span-relay-" + kind);
        this.thread.setDaemon(true);
    }

    /** Forwards the planes' spans ({@link TelemetryWire#SPANS}) as they came. */
    public static SpanRelay start(Settings settings, OtlpSender sender) {
        return start(new SpanRelay(settings, sender, TelemetryWire.SPANS, UnaryOperator.identity()));
    }

    /** Makes the spans of the gateway's traced request logs ({@link TelemetryWire#REQUEST_LOGS}) and forwards them. */
    public static SpanRelay fromRequestLogs(Settings settings, OtlpSender sender) {
        return start(new SpanRelay(settings, sender, TelemetryWire.REQUEST_LOGS, new RequestLogSpans()::otlp));
    }

    private static SpanRelay start(SpanRelay relay) {
        relay.thread.start();
        LOG.info(() -> "traces: forwarding spans from " + relay.settings.stream() + " " + relay.kind + " (consumer "
                + relay.settings.consumer() + ") to " + relay.sender.describe());
        return relay;
    }

    /** Messages (batches of spans) the collector took. */
    public long forwarded() {
        return forwarded.get();
    }

    /** Messages the collector refused for good, terminated. */
    public long refused() {
        return refused.get();
    }

    /** What stands in the way now, or null. */
    public String problem() {
        return problem;
    }

    private void run() {
        JetStreamSubscription sub = null;
        long backoff = settings.retryMin().toMillis();
        while (!stopping) {
            try {
                if (sub == null || connection.getStatus() != Connection.Status.CONNECTED) {
                    sub = subscribe();
                }
                List<Message> batch = sub.fetch(BATCH, Duration.ofSeconds(1));
                for (int i = 0; i < batch.size(); i++) {
                    Message msg = batch.get(i);
                    try {
                        byte[] request = toOtlp.apply(msg.getData() == null ? new byte[0] : msg.getData());
                        if (request == null) {
                            msg.ack();
                            continue;
                        }
                        sender.send(request);
                        msg.ack();
                        forwarded.incrementAndGet();
                        backoff = settings.retryMin().toMillis();
                        problemSolved();
                    } catch (OtlpSender.ExportFailure e) {
                        if (!e.retryable()) {
                            msg.term();
                            refused.incrementAndGet();
                            LOG.warning(() -> "traces: the collector refused a batch of spans for good: " + e.getMessage());
                            continue;
                        }
                        Duration wait = Duration.ofMillis(backoff);
                        for (int j = i; j < batch.size(); j++) {
                            batch.get(j).nakWithDelay(wait);
                        }
                        problem("the collector cannot take spans (" + e.getMessage() + "); they stay in the stream");
                        Thread.sleep(backoff);
                        backoff = Math.min(backoff * 2, settings.retryMax().toMillis());
                        break;
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (stopping) {
                    return;
                }
                problem("NATS at " + settings.natsUrl() + " not usable (" + e + ")");
                sub = null;
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, settings.retryMax().toMillis());
            }
        }
    }

    private JetStreamSubscription subscribe() throws Exception {
        Connection c = connection;
        if (c == null || c.getStatus() == Connection.Status.CLOSED) {
            c = Nats.connect(new Options.Builder().server(settings.natsUrl()).connectionName("switchboard-span-relay-" + kind)
                    .connectionTimeout(Duration.ofSeconds(2)).maxReconnects(-1).reconnectWait(Duration.ofMillis(250))
                    .errorListener(new io.nats.client.ErrorListener() {
                    }).build());
            connection = c;
        } else if (c.getStatus() != Connection.Status.CONNECTED) {
            throw new IllegalStateException("NATS connection is " + c.getStatus());
        }
        String prefix = settings.subjectPrefix().endsWith(".") ? settings.subjectPrefix() : settings.subjectPrefix() + ".";
        ConsumerConfiguration consumer = ConsumerConfiguration.builder()
                .durable(settings.consumer())
                .filterSubject(prefix + kind)
                .ackPolicy(AckPolicy.Explicit)
                .deliverPolicy(DeliverPolicy.All)
                .ackWait(Duration.ofSeconds(30))
                .maxDeliver(-1) // a collector's outage must not use up deliveries
                .build();
        try {
            c.jetStreamManagement().addOrUpdateConsumer(settings.stream(), consumer);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == 10059) { // no stream yet: the first plane or the telemetry writer makes it
                throw new IllegalStateException("the stream " + settings.stream() + " does not exist yet");
            }
            LOG.log(Level.INFO, "traces: keeping the consumer " + settings.consumer() + " as it is", e);
        }
        return c.jetStream().subscribe(null, PullSubscribeOptions.bind(settings.stream(), settings.consumer()));
    }

    private void problem(String text) {
        if (!text.equals(problem)) {
            LOG.warning(() -> "traces: " + text);
            problem = text;
        }
    }

    private void problemSolved() {
        if (problem != null) {
            LOG.info("traces: forwarding spans again");
            problem = null;
        }
    }

    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sender.close();
    }
}
