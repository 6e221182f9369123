package dev.switchboard.mcpgateway.tracing;


import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.runtime.telemetry.TelemetrySettings;
import dev.switchboard.runtime.tracing.OtlpSender;
import dev.switchboard.runtime.tracing.SpanRelay;
import dev.switchboard.runtime.tracing.TraceSettings;
import dev.switchboard.teststack.LocalStack;
import dev.switchboard.testsupport.fakes.OtlpReceiver;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tool call's spans take the gateway plane's path: handed to NATS (the shared test NATS, a stream and subjects of
 * this test's own), forwarded by the control plane's relay to a real OTLP receiver, in the trace of the agent's
 * {@code traceparent}.
 */
@QuarkusTest
@TestProfile(ToolCallTracesTest.Profile.class)
class ToolCallTracesTest {

    private static final String NAME = "MCP_TRACES_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10)
            .toUpperCase();
    private static final String PREFIX = "test.traces." + NAME.toLowerCase() + ".";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path cache;
            try {
                cache = Files.createTempDirectory("switchboard-mcp-traces-test").resolve("snapshot.json.gz");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of(
                    FeedSettings.NATS_URL, LocalStack.get().natsUrl(),
                    FeedSettings.BUCKET, "no-such-bucket-" + NAME.toLowerCase(),
                    FeedSettings.CACHE_FILE, cache.toString(),
                    TraceSettings.EXPORT, "nats",
                    TelemetrySettings.STREAM, NAME,
                    TelemetrySettings.SUBJECT_PREFIX, PREFIX,
                    TelemetrySettings.FLUSH_INTERVAL, "50ms",
                    TelemetrySettings.MAX_AGE, "1h");
        }
    }

    @TestHTTPResource("/")
    URL root;

    static OtlpReceiver receiver;
    static SpanRelay relay;

    @BeforeAll
    static void relayToReceiver() {
        receiver = OtlpReceiver.http();
        relay = SpanRelay.start(new SpanRelay.Settings(LocalStack.get().natsUrl(), NAME, PREFIX,
                        "spans-" + NAME.toLowerCase(), Duration.ofMillis(100), Duration.ofSeconds(1)),
                OtlpSender.create(OtlpSender.Protocol.HTTP_PROTOBUF, receiver.endpoint(), null));
    }

    @AfterAll
    static void stop() throws Exception {
        relay.close();
        receiver.close();
        try (Connection nats = Nats.connect(LocalStack.get().natsUrl())) {
            nats.jetStreamManagement().deleteStream(NAME);
        }
    }

    @Test
    void aToolCallIsASpanInTheAgentsTraceAfterTheNatsHop() {
        AgentTrace.callEcho(root, "traced").assertArrived(receiver,
                () -> Optional.ofNullable(relay.problem()).map(p -> " (" + p + ")").orElse(""));
    }
}
