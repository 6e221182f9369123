package dev.switchboard.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.switchboard.model.telemetry.TelemetryWire;
import dev.switchboard.runtime.telemetry.TelemetryPublisher;
import dev.switchboard.runtime.tracing.OtlpSender;
import dev.switchboard.runtime.tracing.SpanRelay;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@link TracesThroughNatsTest}'s requests and checks with the gateway's request logs off: its spans then leave
 * encoded, by a span lane of their own ({@link TelemetryWire#SPANS}), and the relay forwards them as they came.
 */
@QuarkusTest
@TestProfile(SpansLaneThroughNatsTest.WithoutRequestLogs.class)
@EnabledIf(value = "dev.switchboard.teststack.PrivateNats#installed",
        disabledReason = "/usr/sbin/nats-server is not installed: this test stops and starts a NATS of its own")
class SpansLaneThroughNatsTest extends TracesThroughNatsTest {

    public static class WithoutRequestLogs extends TracesThroughNatsTest.Profile {
        @Override
        boolean requestLogs() {
            return false;
        }
    }

    @Override
    SpanRelay relay(SpanRelay.Settings settings, OtlpSender sender) {
        assertFalse(traces.inRequestLogs(), "request logs off: the spans have a lane of their own");
        assertNull(requestLogs.publisher(), "no request logs");
        return SpanRelay.start(settings, sender);
    }

    @Override
    TelemetryPublisher.Lane<?> lane() {
        TelemetryPublisher.Lane<?> lane = publisher().lanes().get(0);
        assertEquals(TelemetryWire.SPANS, lane.wireSubject());
        return lane;
    }

    @Override
    TelemetryPublisher publisher() {
        return traces.export().publisher();
    }
}
