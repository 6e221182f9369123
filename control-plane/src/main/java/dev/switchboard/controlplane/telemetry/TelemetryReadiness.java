package dev.switchboard.controlplane.telemetry;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The telemetry writer in the readiness report. Always up: the admin API works without ClickHouse, so a ClickHouse
 * outage must not take the control plane out of its load balancer; the data says whether the writer lags (it does
 * while NATS or ClickHouse is away; {@code pending} is -1 while NATS is, unknown), since when an outage lasts
 * ({@code outage_since}, {@code last_error}) and when the last one ended ({@code last_outage_ended},
 * {@code last_outage_error}).
 */
@Singleton
@Readiness
public class TelemetryReadiness implements HealthCheck {

    @Inject
    TelemetryWriter writer;

    @Override
    public HealthCheckResponse call() {
        TelemetryWriter.Status s = writer.status();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("telemetry-writer").up()
                .withData("state", s.state());
        if ("running".equals(s.state())) {
            b.withData("nats_connected", s.natsConnected())
                    .withData("clickhouse_reachable", s.clickhouseReachable())
                    .withData("pending", s.pending())
                    .withData("lagging", !s.natsConnected() || !s.clickhouseReachable()
                            || s.pending() > 10L * writer.batch())
                    .withData("written_messages", s.writtenMessages())
                    .withData("written_rows", s.writtenRows())
                    .withData("terminated", s.terminated())
                    .withData("dropped_rows", s.droppedRows());
            if (s.lastError() != null) {
                b.withData("last_error", s.lastError());
            }
            if (s.outageSince() != null) {
                b.withData("outage_since", s.outageSince().toString());
            }
            if (s.lastOutageEnded() != null) {
                b.withData("last_outage_ended", s.lastOutageEnded().toString());
                if (s.lastOutageError() != null) {
                    b.withData("last_outage_error", s.lastOutageError());
                }
            }
        }
        return b.build();
    }
}
