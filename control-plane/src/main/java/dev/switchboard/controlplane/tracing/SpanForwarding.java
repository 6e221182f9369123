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
 * or gRPC): a {@link SpanRelay} on the telemetry stream, retrying with backoff while the collector is away. Without an
 * endpoint nothing is forwarded and spans age out of the stream.
 */
@Singleton
public class SpanForwarding {

    private static final Logger LOG = Logger.getLogger(SpanForwarding.class);

    @Inject
    ControlPlaneConfig config;

    @Inject
    Vertx vertx;

    private volatile SpanRelay relay;

    void start(@Observes StartupEvent event) {
        ControlPlaneConfig.Traces traces = config.traces();
        if (traces.otlp().endpoint().filter(e -> !e.isBlank()).isEmpty()) {
            LOG.info("traces: not forwarded (switchboard.traces.otlp.endpoint is not set)");
            return;
        }
        OtlpSender sender = OtlpSender.create(OtlpSender.Protocol.of(traces.otlp().protocol()),
                traces.otlp().endpoint().get(), vertx);
        relay = SpanRelay.start(new SpanRelay.Settings(config.nats().url(), config.telemetry().stream(),
                config.telemetry().subjectPrefix(), traces.consumer(), Duration.ofMillis(100), traces.retryMax()), sender);
    }

    void stop(@Observes ShutdownEvent event) {
        if (relay != null) {
            relay.close();
        }
    }

    /** The running relay, or null when no collector is configured. */
    public SpanRelay relay() {
        return relay;
    }
}
