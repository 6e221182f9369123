package dev.switchboard.controlplane.telemetry;

import dev.switchboard.model.limits.LimitsWire;
import dev.switchboard.model.telemetry.TelemetryWire;
import java.util.List;
import java.util.Set;

/** The kinds of telemetry rows: their table (also the subject's last token), columns and how to read them back. */
public enum TelemetryKind {

    REQUEST_LOGS("request_logs", "started_at", "started_at_ms", TelemetryWire.REQUEST_LOG_COLUMNS,
            Set.of("attempts", "guardrails", "prompt", "trace"), Set.of("stream", "prompt_truncated", "completion_truncated"),
            Set.of("started_at_ms", "prompt_tokens", "completion_tokens")),
    TOOL_CALLS("tool_calls", "at", "at_ms", TelemetryWire.TOOL_CALL_COLUMNS,
            Set.of("request", "response", "guardrails", "approval"),
            Set.of("request_truncated", "response_truncated"), Set.of("at_ms", "latency_us")),
    /** Budget threshold events ({@code LimitsWire#encodeEvent}); their webhooks are posted by {@code BudgetAlerts}. */
    LIMIT_EVENTS("limit_events", "at", "at_ms", LimitsWire.EVENT_COLUMNS, Set.of(), Set.of(),
            Set.of("at_ms", "window_start_ms", "period_end_ms"));

    /** A key of the request metadata, as the gateway accepts it in {@code x-tfy-metadata}. */
    public static final java.util.regex.Pattern METADATA_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** The query parameters that filter (and in analytics group) by a metadata key: {@code metadata.<key>}. */
    public static final String METADATA_PREFIX = "metadata.";

    private final String table;
    private final String timeColumn;
    private final String millisColumn;
    private final List<String> columns;
    private final Set<String> jsonColumns;
    private final Set<String> booleanColumns;
    private final Set<String> int64Columns;

    TelemetryKind(String table, String timeColumn, String millisColumn, List<String> columns, Set<String> jsonColumns,
                  Set<String> booleanColumns, Set<String> int64Columns) {
        this.table = table;
        this.timeColumn = timeColumn;
        this.millisColumn = millisColumn;
        this.columns = columns;
        this.jsonColumns = jsonColumns;
        this.booleanColumns = booleanColumns;
        this.int64Columns = int64Columns;
    }

    public String table() {
        return table;
    }

    /** The {@code DateTime} column (partition and first sort key). */
    public String timeColumn() {
        return timeColumn;
    }

    /** The same instant in epoch milliseconds. */
    public String millisColumn() {
        return millisColumn;
    }

    public List<String> columns() {
        return columns;
    }

    /** Columns holding JSON text, answered by the API as JSON (as text when not valid JSON, e.g. truncated). */
    public boolean isJson(String column) {
        return jsonColumns.contains(column);
    }

    /** 0/1 columns, answered as booleans. */
    public boolean isBoolean(String column) {
        return booleanColumns.contains(column);
    }

    /** 64-bit integer columns, which ClickHouse's JSON output quotes. */
    public boolean isInt64(String column) {
        return int64Columns.contains(column);
    }

    /**
     * The {@code LIMIT 1 BY} clause that keeps one row of each event: delivery is at least once, so a row may be stored
     * twice. Rows written before the event id (schema version 5) have it empty; their copies are alike in request id,
     * instance and time, which tell them apart.
     */
    public String onePerEvent() {
        if (this == LIMIT_EVENTS) {
            return "LIMIT 1 BY event_id";
        }
        return "LIMIT 1 BY " + TelemetryWire.EVENT_ID + ", request_id, instance, " + millisColumn;
    }

    /** The kind a subject under {@code prefix} names, or null. */
    public static TelemetryKind ofSubject(String prefix, String subject) {
        if (subject == null || !subject.startsWith(prefix)) {
            return null;
        }
        String rest = subject.substring(prefix.length());
        for (TelemetryKind k : values()) {
            if (k.table.equals(rest)) {
                return k;
            }
        }
        return null;
    }
}
