package dev.switchboard.model.telemetry;

/**
 * The contract between the planes, which publish what they record, and the control plane, which writes it to
 * ClickHouse: one JetStream stream, one subject per kind of row, each message a batch of rows.
 * <ul>
 *   <li>A message's body is rows in ClickHouse's {@code JSONEachRow} format: one flat JSON object per line, keys the
 *       column names of the kind's table (see {@link #REQUEST_LOG_COLUMNS} and {@link #TOOL_CALL_COLUMNS}), so that
 *       the writer inserts the body as it came. At most {@link #MAX_BATCH_BYTES} per message.</li>
 *   <li>Times are {@code "YYYY-MM-DD hh:mm:ss"} in UTC (a ClickHouse {@code DateTime}, which every version reads)
 *       plus the same instant in epoch milliseconds; nested things (attempts, guardrail verdicts, an approval) are
 *       JSON text in a {@code String} column; booleans are 0/1; the request metadata is two parallel JSON arrays of
 *       strings, {@code metadata_keys} and {@code metadata_values} (ClickHouse 18.16 has no Map type).</li>
 *   <li>A row may leave out a column whose value is both its type's default (the empty string, 0, an empty array,
 *       null in a {@code Nullable} column) and the column's default in the table: ClickHouse fills in the same value
 *       whatever its version, so that a row carries only what the request had. A column whose table default is
 *       something else ({@code audio_seconds}, -1) is always written: 18.16 fills in the type's default, not the
 *       table's.</li>
 *   <li>The {@code Nats-Msg-Id} header is {@code <instance>-<sequence>}, so a batch published twice (a retry after a
 *       lost acknowledgement) is stored once by JetStream's duplicate window.</li>
 * </ul>
 * Delivery is at least once end to end: the writer acknowledges a message only after ClickHouse took its rows. So a
 * row may be stored twice (a message delivered again after its insert went through but before its acknowledgement);
 * each row carries an {@link #EVENT_ID} that its publisher gives it once, and readers keep one row per event id.
 */
public final class TelemetryWire {

    /** The JetStream stream holding both subjects, limited by age and size (a buffer, not the archive). */
    public static final String STREAM = "SWITCHBOARD_TELEMETRY";
    public static final String SUBJECT_PREFIX = "switchboard.telemetry.";
    /** The gateway plane's request logs (one row per LLM request, guardrail verdicts included). */
    public static final String REQUEST_LOGS = SUBJECT_PREFIX + "request_logs";
    /** The MCP gateway's audit records (one row per tool call). */
    public static final String TOOL_CALLS = SUBJECT_PREFIX + "tool_calls";
    /**
     * Finished spans that do not go through a request log (the MCP gateway's, and the gateway's when its request logs
     * are off): each message is an OTLP {@code ExportTraceServiceRequest} in protobuf (requests
     * concatenated, which protobuf reads as one request holding all their spans), forwarded as it came to the OTLP
     * endpoint the control plane is given. Not a table: the ClickHouse writer skips it.
     */
    public static final String SPANS = SUBJECT_PREFIX + "spans";
    public static final int MAX_BATCH_BYTES = 512 * 1024;
    /**
     * The column, in {@code request_logs} and {@code tool_calls} since schema version 5, that names a row once and for
     * all: {@code <instance>-<n>}, given by the publisher when it encodes the row (a row published again keeps it).
     * Rows written before it read as the empty string.
     */
    public static final String EVENT_ID = "event_id";

    /**
     * Columns of {@code request_logs}, in table order: {@code team} and the metadata since schema version 2;
     * {@code limit_keys} (the wire keys of the budget counters the request was counted on, {@code CounterKey#wire})
     * and {@code limit_rule} (the rate limit or budget that refused it, null otherwise) since version 3: the control
     * plane sums {@code cost_usd} per limit key and {@code instance} into the spent totals a restarted replica starts
     * from. A row without them reads as no keys. {@link #EVENT_ID} since version 5; the payloads ({@code prompt},
     * {@code completion} and whether each was cut, "" and 0 when not logged) since {@code V6__payloads.sql};
     * {@code audio_seconds} (a transcription's or translation's reported audio, -1 for every other request) since
     * {@code V8__audio_seconds.sql}; {@code trace} (what the request's spans need beyond the other columns, as JSON
     * text, when the plane's spans go through its request logs; "" otherwise, left out by {@code RequestLogRows}) since
     * {@code V9__trace.sql}.
     */
    public static final java.util.List<String> REQUEST_LOG_COLUMNS = java.util.List.of(
            "request_id", "started_at", "started_at_ms", "instance", "subject", "team", "credential", "endpoint",
            "requested_model", "resolved_model", "stream", "status", "error_code", "latency_ms",
            "time_to_first_token_ms", "prompt_tokens", "completion_tokens", "time_per_output_token_ms", "cost_usd",
            "attempts", "guardrails", "metadata_keys", "metadata_values", "limit_keys", "limit_rule", "prompt",
            "prompt_truncated", "completion", "completion_truncated", "audio_seconds", "trace", EVENT_ID);

    /** Columns of {@code tool_calls}, in table order. */
    public static final java.util.List<String> TOOL_CALL_COLUMNS = java.util.List.of(
            "request_id", "at", "at_ms", "instance", "session_id", "subject", "credential", "endpoint", "server",
            "tool", "latency_us", "outcome", "error", "request", "request_truncated", "request_withheld",
            "response", "response_truncated", "response_withheld", "guardrails", "approval", EVENT_ID);

    private TelemetryWire() {
    }
}
