package dev.switchboard.controlplane.support;

import dev.switchboard.controlplane.telemetry.TelemetryWriter;
import io.quarkus.arc.Arc;
import java.time.Duration;

/**
 * Waits until the control plane under test has applied the whole ClickHouse schema, rollups and their backfill
 * included (its writer reports ClickHouse reachable only then). A row a test inserts while a rollup's view exists but
 * its backfill still runs would be counted twice in the rollup.
 */
public final class TelemetrySchemaReady {

    private TelemetrySchemaReady() {
    }

    public static void await() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        TelemetryWriter writer = Arc.container().instance(TelemetryWriter.class).get();
        while (!writer.status().clickhouseReachable()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the telemetry schema was not applied within 60 s");
            }
            Thread.sleep(50);
        }
    }
}
