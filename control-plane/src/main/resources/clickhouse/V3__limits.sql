-- Switchboard telemetry, schema version 3: rate limits and budgets. Applied after V2 at every start.
-- request_logs gains the wire keys of the budget counters a request was counted on (limit_keys, summed per key and
-- instance into the spent totals a restarted replica starts from) and the rate limit or budget that refused it
-- (limit_rule). ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS, so the control plane (telemetry/ClickHouseStore)
-- runs an ADD COLUMN only when system.columns does not list that column yet. A row written without them (an older
-- plane) reads as no keys and no rule. AFTER keeps the table's columns in the wire's order when a later version's
-- columns are already there.
-- limit_events holds budget threshold events (dev.switchboard.model.limits.LimitsWire.EVENT_COLUMNS). Every replica
-- that sees a crossing raises it with the same event_id; the stream's duplicate window drops most copies and the
-- ReplacingMergeTree the rest at merge time (read with FINAL, or GROUP BY event_id, for an exact count). Copies of one
-- event fall in one partition: they are raised within the same budget period.
-- Each statement ends with a semicolon at the end of a line.
ALTER TABLE ${database}.request_logs ADD COLUMN limit_keys Array(String) AFTER metadata_values;

ALTER TABLE ${database}.request_logs ADD COLUMN limit_rule Nullable(String) AFTER limit_keys;

CREATE TABLE IF NOT EXISTS ${database}.limit_events
(
    event_id        String,
    at              DateTime('UTC'),
    at_ms           UInt64,
    replica         String,
    kind            String,
    counter         String,
    budget          String,
    member          String,
    percent         Int32,
    spent_usd       Float64,
    limit_usd       Float64,
    window_start_ms UInt64,
    period_end_ms   UInt64
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(at)
ORDER BY event_id;
