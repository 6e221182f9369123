package dev.switchboard.controlplane.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.controlplane.support.ClickHouseHttp;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Schema version 2 on a table of version 1: ClickHouse 18.16 has no {@code ADD COLUMN IF NOT EXISTS}, so the control
 * plane adds only the columns {@code system.columns} lacks; at every later start it adds nothing. Version 4's rollups
 * and version 7's rollups are filled from the rows already there once, when they are created.
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
        for (String view : List.of("request_logs_hourly_models_mv", "request_logs_daily_callers_mv",
                "request_logs_hourly_models_tdigest_mv", "request_logs_daily_models_tdigest_mv",
                "request_logs_daily_callers_tdigest_mv")) {
            ClickHouseHttp.run("DROP TABLE " + ControlPlaneTestStack.clickhouseDatabase + "." + view); // not in V1
        }
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

    @Test
    void version6AddsThePayloadColumnsOnceAndOlderRowsReadAsNoPayloads() throws Exception {
        Telemetry.awaitTables();
        String logs = Telemetry.table(TelemetryKind.REQUEST_LOGS);
        List<String> payloadColumns = List.of("prompt", "prompt_truncated", "completion", "completion_truncated");
        for (String column : payloadColumns) {
            ClickHouseHttp.run("ALTER TABLE " + logs + " DROP COLUMN " + column);
        }
        ClickHouseHttp.insert(logs, "{\"request_id\":\"v5-row\",\"started_at\":\"2026-02-01 00:00:00\","
                + "\"subject\":\"user:v4\",\"requested_model\":\"m\",\"attempts\":\"[]\",\"guardrails\":\"[]\"}\n");

        clickhouse.ensureSchema();
        clickhouse.ensureSchema(); // a second start: nothing to add, nothing refused

        assertEquals("v5-row\t\t0\t\t0", ClickHouseHttp.run("SELECT request_id, prompt, prompt_truncated, completion,"
                + " completion_truncated FROM " + logs + " WHERE request_id = 'v5-row'").strip(),
                "a version-5 row reads as no payloads");
        List<String> inOrder = ClickHouseHttp.run("DESCRIBE TABLE " + logs).strip().lines()
                .map(line -> line.substring(0, line.indexOf('\t'))).toList();
        assertEquals(TelemetryKind.REQUEST_LOGS.columns(), inOrder, "the table's columns are the wire's, in order");
    }

    @Test
    void version4FillsANewRollupFromTheRowsAlreadyThereOnce() throws Exception {
        Telemetry.awaitTables();
        String db = ControlPlaneTestStack.clickhouseDatabase;
        ClickHouseHttp.run("DROP TABLE " + db + ".tool_calls_daily_mv");
        ClickHouseHttp.run("DROP TABLE " + db + ".tool_calls_daily");
        String server = "backfill-" + UUID.randomUUID();
        ClickHouseHttp.insert(Telemetry.table(TelemetryKind.TOOL_CALLS), toolCall(server, "ok", 1)
                + toolCall(server, "ok", 2) + toolCall(server, "denied", 3));

        clickhouse.ensureSchema();
        clickhouse.ensureSchema(); // a second start: the rollup exists, the old rows are not added again
        ClickHouseHttp.insert(Telemetry.table(TelemetryKind.TOOL_CALLS), toolCall(server, "tool_error", 4));

        assertEquals("4\t2\t[2.5,3.85,3.97]", ClickHouseHttp.run("SELECT countMerge(calls), countIfMerge(errors),"
                + " arrayMap(x -> round(x, 2), quantilesMerge(0.5, 0.95, 0.99)(latency)) FROM " + db + ".tool_calls_daily WHERE server = '"
                + server + "'").strip(), "three rows from the backfill, one through the view");
    }

    @Test
    void version7FillsItsTdigestRollupFromTheRowsAlreadyThereOnce() throws Exception {
        Telemetry.awaitTables();
        String db = ControlPlaneTestStack.clickhouseDatabase;
        ClickHouseHttp.run("DROP TABLE " + db + ".tool_calls_daily_tdigest_mv");
        ClickHouseHttp.run("DROP TABLE " + db + ".tool_calls_daily_tdigest");
        String server = "backfill-td-" + UUID.randomUUID();
        ClickHouseHttp.insert(Telemetry.table(TelemetryKind.TOOL_CALLS), toolCall(server, "ok", 1)
                + toolCall(server, "ok", 2) + toolCall(server, "denied", 3));

        clickhouse.ensureSchema();
        clickhouse.ensureSchema(); // a second start: the rollup exists, the old rows are not added again
        ClickHouseHttp.insert(Telemetry.table(TelemetryKind.TOOL_CALLS), toolCall(server, "tool_error", 4));

        // four values: t-digest keeps each as its own centroid, so the median is exact
        assertEquals("4\t2\t2.5", ClickHouseHttp.run("SELECT countMerge(calls), countIfMerge(errors),"
                + " round(quantilesTDigestMerge(0.5, 0.95, 0.99)(latency)[1], 2) FROM " + db
                + ".tool_calls_daily_tdigest WHERE server = '" + server + "'").strip(),
                "three rows from the backfill, one through the view");
    }

    private static String toolCall(String server, String outcome, int latencyMs) {
        return "{\"request_id\":\"" + server + "-" + latencyMs + "\",\"at\":\"2026-03-01 10:00:00\","
                + "\"at_ms\":1772359200000,\"subject\":\"user:backfill\",\"server\":\"" + server + "\","
                + "\"tool\":\"t\",\"latency_us\":" + latencyMs * 1000 + ",\"outcome\":\"" + outcome + "\","
                + "\"guardrails\":\"[]\"}\n";
    }
}
