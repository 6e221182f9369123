package dev.switchboard.controlplane.tracing;

import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.runtime.tracing.OtlpSender;
import dev.switchboard.runtime.tracing.SpanRelay;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The planes' spans from NATS to the configured OTLP collector ({@code switchboard.traces.otlp.endpoint}, HTTP/protobuf
 * or gRPC): two {@link SpanRelay}s on the telemetry stream, retrying with backoff while the collector is away. One
 * forwards the spans the planes encoded (the MCP gateway's; the gateway's when its request logs are off); the other
 * makes the gateway's spans from its traced request logs (consumer {@code <switchboard.traces.consumer>-request-logs}).
 * Without an endpoint nothing is forwarded and spans age out of the stream.
 */
@Singleton
public class SpanForwarding {

    private static final Logger LOG = Logger.getLogger(SpanForwarding.class);

    @Inject
    ControlPlaneConfig config;

    @Inject
    Vertx vertx;

    private volatile SpanRelay relay;
    private volatile SpanRelay requestLogRelay;

    void start(@Observes StartupEvent event) {
        ControlPlaneConfig.Traces traces = config.traces();
        if (traces.otlp().endpoint().filter(e -> !e.isBlank()).isEmpty()) {
            LOG.info("traces: not forwarded (switchboard.traces.otlp.endpoint is not set)");
            return;
        }
        OtlpSender.Protocol protocol = OtlpSender.Protocol.of(traces.otlp().protocol());
        String endpoint = traces.otlp().endpoint().get();
        relay = SpanRelay.start(settings(traces.consumer()), OtlpSender.create(protocol, endpoint, vertx));
        requestLogRelay = SpanRelay.fromRequestLogs(settings(traces.consumer() + "-request-logs"),
                OtlpSender.create(protocol, endpoint, vertx));
    }

    private SpanRelay.Settings settings(String consumer) {
        return new SpanRelay.Settings(config.nats().url(), config.telemetry().stream(),
                config.telemetry().subjectPrefix(), consumer, Duration.ofMillis(100), config.traces().retryMax());
    }

    void stop(@Observes ShutdownEvent event) {
        if (relay != null) {
            relay.close();
        }
        if (requestLogRelay != null) {
            requestLogRelay.close();
        }
    }

    /** The relay of the planes' encoded spans, or null when no collector is configured. */
    public SpanRelay relay() {
        return relay;
    }

    /** The relay that makes the gateway's spans from its request logs, or null when no collector is configured. */
    public SpanRelay requestLogRelay() {
        return requestLogRelay;
    }
}
