package dev.switchboard.runtime.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetryGaugesTest {

    /** A plane with two exports (request logs and spans) gets a connection gauge for each, not one shadowing the other. */
    @Test
    void eachPublisherGetsItsOwnConnectionGauge() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TelemetrySettings settings = TelemetrySettings.defaults("nats://127.0.0.1:1", "c");
        TelemetryGauges.bind(TelemetryPublisher.create(settings,
                List.of(TelemetryPublisher.lane("request-logs", new Empty(), (r, instance, row) -> { }))), registry);
        TelemetryGauges.bind(TelemetryPublisher.create(settings,
                List.of(TelemetryPublisher.protobufLane("spans", new Empty(), TelemetryPublisherTest.bytesOf(r -> new byte[0])))), registry);

        var gauges = registry.find(TelemetryGauges.CONNECTED).gauges();
        assertEquals(2, gauges.size(), gauges.toString());
        assertEquals(0.0, registry.get(TelemetryGauges.CONNECTED).tag("publisher", "request-logs").gauge().value());
        assertEquals(0.0, registry.get(TelemetryGauges.CONNECTED).tag("publisher", "spans").gauge().value());
    }

    private static final class Empty implements RowSource<Object> {
        @Override
        public Object poll() {
            return null;
        }

        @Override
        public int size() {
            return 0;
        }

        @Override
        public long dropped() {
            return 0;
        }
    }
}
