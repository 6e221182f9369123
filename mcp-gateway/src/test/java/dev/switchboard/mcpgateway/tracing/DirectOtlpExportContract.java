package dev.switchboard.mcpgateway.tracing;

import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.runtime.tracing.TraceSettings;
import dev.switchboard.teststack.LocalStack;
import dev.switchboard.testsupport.fakes.OtlpReceiver;
import io.quarkus.test.common.http.TestHTTPResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code switchboard.traces.export=otlp} on the MCP gateway: a tool call's spans go straight to a real OTLP receiver
 * ({@link OtlpReceiver}) over the protocol each subclass sets, in the agent's trace.
 */
abstract class DirectOtlpExportContract {

    /** The config a subclass's profile gives: otlp export to {@code receiver} over {@code protocol}. */
    static Map<String, String> otlpTo(OtlpReceiver receiver, String protocol) {
        try {
            return Map.of(
                    FeedSettings.NATS_URL, LocalStack.get().natsUrl(),
                    FeedSettings.BUCKET, "no-such-bucket-" + UUID.randomUUID(),
                    FeedSettings.CACHE_FILE, Files.createTempDirectory("switchboard-mcp-otlp-test")
                            .resolve("snapshot.json.gz").toString(),
                    TraceSettings.EXPORT, "otlp",
                    TraceSettings.OTLP_ENDPOINT, receiver.endpoint(),
                    TraceSettings.OTLP_PROTOCOL, protocol);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TestHTTPResource("/")
    URL root;

    abstract OtlpReceiver receiver();

    @Test
    void aToolCallsSpansGoStraightToTheCollectorInTheAgentsTrace() {
        AgentTrace.callEcho(root, "direct").assertArrived(receiver(), () -> "");
    }
}
