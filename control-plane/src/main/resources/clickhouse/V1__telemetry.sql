-- Switchboard telemetry, schema version 1 (the columns of dev.switchboard.model.telemetry.TelemetryWire).
-- Applied by the control plane at every start (telemetry/TelemetrySchema.java), so every statement is idempotent.
-- ${database} is the configured database (switchboard.clickhouse.database), checked to be a plain identifier.
-- Types both ClickHouse 18.16 and current releases read: no LowCardinality, no TTL (18.16 has neither: retention is
-- by dropping monthly partitions, ALTER TABLE ... DROP PARTITION 202601). 18.16 refuses a JSON null in a column that
-- is not Nullable (it has no input_format_null_as_default), so every text column a publisher may leave null is
-- Nullable, except the sort-key columns (subject, requested_model, server, tool), which cannot be: publishers write ""
-- there. A refused row costs only itself (the writer retries a refused batch row by row before giving up on it).
-- Each statement ends with a semicolon at the end of a line.
CREATE DATABASE IF NOT EXISTS ${database};

CREATE TABLE IF NOT EXISTS ${database}.request_logs
(
    request_id               String,
    started_at               DateTime('UTC'),
    started_at_ms            UInt64,
    instance                 String,
    subject                  String,
    credential               Nullable(String),
    endpoint                 Nullable(String),
    requested_model          String,
    resolved_model           Nullable(String),
    stream                   UInt8,
    status                   Int32,
    error_code               Nullable(String),
    latency_ms               Float64,
    time_to_first_token_ms   Float64,
    prompt_tokens            Int64,
    completion_tokens        Int64,
    time_per_output_token_ms Float64,
    cost_usd                 Float64,
    attempts                 String,
    guardrails               String
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(started_at)
ORDER BY (started_at, subject, requested_model);

CREATE TABLE IF NOT EXISTS ${database}.tool_calls
(
    request_id         String,
    at                 DateTime('UTC'),
    at_ms              UInt64,
    instance           String,
    session_id         Nullable(String),
    subject            String,
    credential         Nullable(String),
    endpoint           Nullable(String),
    server             String,
    tool               String,
    latency_us         Int64,
    outcome            Nullable(String),
    error              Nullable(String),
    request            Nullable(String),
    request_truncated  UInt8,
    request_withheld   Nullable(String),
    response           Nullable(String),
    response_truncated UInt8,
    response_withheld  Nullable(String),
    guardrails         String,
    approval           Nullable(String)
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(at)
ORDER BY (at, subject, server, tool);
