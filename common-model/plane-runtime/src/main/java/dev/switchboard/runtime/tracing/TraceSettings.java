package dev.switchboard.runtime.tracing;

import dev.switchboard.runtime.Settings;
import dev.switchboard.runtime.feed.FeedSettings;
import java.time.Duration;
import java.util.Locale;
import org.eclipse.microprofile.config.Config;

/**
 * Where a plane's spans go. The same property names on both planes.
 *
 * @param mode         {@link Mode#NATS} (the default with a NATS URL), {@link Mode#OTLP} or {@link Mode#NONE}
 * @param bufferSize   the bound of the queue of finished requests (or spans) waiting to be exported
 * @param otlpEndpoint in {@code otlp} mode, the collector: {@code http://host:4318} for HTTP, {@code http://host:4317}
 *                     for gRPC
 * @param protocol     in {@code otlp} mode, {@code http/protobuf} or {@code grpc}
 */
public record TraceSettings(Mode mode, int bufferSize, String otlpEndpoint, OtlpSender.Protocol protocol) {

    public static final String EXPORT = "switchboard.traces.export";
    public static final String BUFFER_SIZE = "switchboard.traces.buffer-size";
    public static final String OTLP_ENDPOINT = "switchboard.traces.otlp.endpoint";
    public static final String OTLP_PROTOCOL = "switchboard.traces.otlp.protocol";
    public static final Duration FLUSH_INTERVAL = Duration.ofMillis(250);

    /** How spans leave a plane. */
    public enum Mode {
        /** To NATS, for the control plane to forward (the article's path). */
        NATS,
        /** Straight from the plane to an OTLP collector. */
        OTLP,
        /** Not recorded at all. */
        NONE
    }

    public static TraceSettings read(Config config) {
        Settings s = new Settings(config);
        boolean hasNats = s.text(FeedSettings.NATS_URL).filter(u -> !u.isBlank()).isPresent();
        Mode mode = s.text(EXPORT).map(m -> Mode.valueOf(m.trim().toUpperCase(Locale.ROOT)))
                .orElse(hasNats ? Mode.NATS : Mode.NONE);
        if (mode == Mode.NATS && !hasNats) {
            throw new IllegalArgumentException(EXPORT + "=nats needs " + FeedSettings.NATS_URL);
        }
        String endpoint = s.text(OTLP_ENDPOINT).orElse(null);
        if (mode == Mode.OTLP && (endpoint == null || endpoint.isBlank())) {
            throw new IllegalArgumentException(EXPORT + "=otlp needs " + OTLP_ENDPOINT);
        }
        return new TraceSettings(mode, (int) s.number(BUFFER_SIZE, "10000"), endpoint,
                OtlpSender.Protocol.of(s.text(OTLP_PROTOCOL, "http/protobuf")));
    }

    public boolean enabled() {
        return mode != Mode.NONE;
    }
}
