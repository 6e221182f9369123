package dev.switchboard.gateway.telemetry;

import dev.switchboard.model.feed.FeedSettings;
import dev.switchboard.model.telemetry.TelemetryGauges;
import dev.switchboard.model.telemetry.TelemetryPublisher;
import dev.switchboard.model.telemetry.TelemetrySettings;
import dev.switchboard.model.telemetry.TelemetryWire;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Publishes the request logs to NATS ({@link TelemetryWire#REQUEST_LOGS}): a {@link TelemetryPublisher} drains the
 * {@link RequestLogBuffer} the request path offers to, encoding each on its own thread. On by default when the gateway
 * has a NATS URL ({@code switchboard.nats.url}), off in the standalone mode; {@code switchboard.telemetry.enabled}
 * decides otherwise. Off, the buffer is left to whoever drains it (the tests).
 */
@ApplicationScoped
public class RequestLogExport {

    private static final Logger LOG = Logger.getLogger(RequestLogExport.class);

    @Inject
    RequestLogBuffer logs;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = TelemetrySettings.ENABLED)
    Optional<Boolean> enabled;

    @ConfigProperty(name = FeedSettings.NATS_URL)
    Optional<String> natsUrl;

    @ConfigProperty(name = TelemetrySettings.FLUSH_INTERVAL, defaultValue = TelemetrySettings.FLUSH_INTERVAL_DEFAULT)
    Duration flushInterval;

    @ConfigProperty(name = TelemetrySettings.INSTANCE_ID)
    Optional<String> instance;

    @ConfigProperty(name = TelemetrySettings.STREAM, defaultValue = TelemetryWire.STREAM)
    String stream;

    @ConfigProperty(name = TelemetrySettings.SUBJECT_PREFIX, defaultValue = TelemetryWire.SUBJECT_PREFIX)
    String subjectPrefix;

    @ConfigProperty(name = TelemetrySettings.MAX_AGE, defaultValue = TelemetrySettings.MAX_AGE_DEFAULT)
    Duration maxAge;

    @ConfigProperty(name = TelemetrySettings.MAX_BYTES, defaultValue = TelemetrySettings.MAX_BYTES_DEFAULT)
    long maxBytes;

    @ConfigProperty(name = TelemetrySettings.RETRY_MAX, defaultValue = TelemetrySettings.RETRY_MAX_DEFAULT)
    Duration retryMax;

    private volatile TelemetryPublisher publisher;

    void start(@Observes StartupEvent event) {
        if (!TelemetrySettings.enabled(enabled, natsUrl)) {
            if (enabled.orElse(false)) {
                LOG.warnf("%s is true but %s is not set: request logs are not published", TelemetrySettings.ENABLED,
                        FeedSettings.NATS_URL);
            }
            return;
        }
        TelemetrySettings settings = new TelemetrySettings(natsUrl.orElseThrow(), stream, subjectPrefix,
                instance.orElse(null), flushInterval, maxAge, maxBytes, retryMax, "switchboard-gateway-plane-telemetry");
        String id = settings.instance();
        TelemetryPublisher p = TelemetryPublisher.create(settings,
                List.of(TelemetryPublisher.lane(TelemetryWire.REQUEST_LOGS, logs, log -> RequestLogRows.encode(log, id))));
        TelemetryGauges.bind(p, registry);
        publisher = p.start();
    }

    void stop(@Observes ShutdownEvent event) {
        TelemetryPublisher p = publisher;
        if (p != null) {
            p.close();
        }
    }

    /** The running publisher, or null when telemetry is off. */
    public TelemetryPublisher publisher() {
        return publisher;
    }
}
