package dev.switchboard.controlplane.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.controlplane.support.ClickHouseHttp;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Schema version 2 on a table of version 1: ClickHouse 18.16 has no {@code ADD COLUMN IF NOT EXISTS}, so the control
 * plane adds only the columns {@code system.columns} lacks; at every later start it adds nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = ControlPlaneTestStack.class, restrictToAnnotatedClass = false)
class SchemaMigrationTest {

    @Inject
    ClickHouseStore clickhouse;

    private static String columns(String table) throws Exception {
        return ClickHouseHttp.run("SELECT name FROM system.columns WHERE database = '"
                + ControlPlaneTestStack.clickhouseDatabase + "' AND table = '" + table + "' AND name IN ('team',"
                + " 'metadata_keys', 'metadata_values') ORDER BY name").strip();
    }

    @Test
    void version2AddsTheMetadataAndTeamColumnsToAVersion1TableOnce() throws Exception {
        Telemetry.awaitTables();
        String logs = Telemetry.table(TelemetryKind.REQUEST_LOGS);
        for (String column : List.of("team", "metadata_keys", "metadata_values")) {
            ClickHouseHttp.run("ALTER TABLE " + logs + " DROP COLUMN " + column);
        }
        assertEquals("", columns("request_logs"), "back to version 1");
        ClickHouseHttp.insert(logs, "{\"request_id\":\"v1-row\",\"started_at\":\"2026-02-01 00:00:00\","
                + "\"subject\":\"user:v1\",\"requested_model\":\"m\",\"attempts\":\"[]\",\"guardrails\":\"[]\"}\n");

        clickhouse.ensureSchema();
        clickhouse.ensureSchema(); // a second start: nothing to add, nothing refused

        assertEquals("metadata_keys\nmetadata_values\nteam", columns("request_logs"));
        assertEquals("[]\t[]\t", ClickHouseHttp.run("SELECT metadata_keys, metadata_values, team FROM " + logs
                + " WHERE request_id = 'v1-row'").replace("\n", ""), "a version-1 row reads as no metadata");
        List<String> inOrder = ClickHouseHttp.run("DESCRIBE TABLE " + logs).strip().lines()
                .map(line -> line.substring(0, line.indexOf('\t'))).toList();
        assertEquals(TelemetryKind.REQUEST_LOGS.columns(), inOrder, "the table's columns are the wire's, in order");
    }
}
