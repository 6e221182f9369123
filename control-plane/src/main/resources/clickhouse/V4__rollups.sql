-- Switchboard telemetry, schema version 4: rollups the analytics API answers from when a question's group-by and
-- filters fall within a rollup's dimensions and its range and interval are whole buckets of the rollup (hours or days;
-- analytics/Rollup.java says which).
-- Each rollup is an AggregatingMergeTree fed by a materialized view on every insert into request_logs / tool_calls;
-- its figures are aggregate states merged at query time (countMerge, sumMerge, quantilesMerge), so they equal what
-- the same question computes from the raw rows: quantiles keeps every value up to 8192 per group, as on the raw table.
-- Two rollups for request_logs, because together their dimensions would make about one rollup row per request:
-- by model per hour (requested and resolved model, status) and by caller per day (team, subject, credential, status:
-- callers are many, and a rollup of a few requests per row merges no faster than the raw rows). Tool calls per day by
-- server, tool and outcome. A rollup's cost at query time is its row count: each row is a set of states to merge.
-- Columns a publisher may leave null are ifNull(..., '') here, as the analytics API reads them.
-- Existing rows: the INSERT ... SELECT after each view runs once, only when this start created the rollup table
-- (telemetry/ClickHouseStore), so a restart does not count them twice. Functions and syntax run on ClickHouse 18.16
-- and on current releases.
-- Each statement ends with a semicolon at the end of a line.
CREATE TABLE IF NOT EXISTS ${database}.request_logs_hourly_models
(
    hour            DateTime('UTC'),
    requested_model String,
    resolved        String,
    status          Int32,
    requests        AggregateFunction(count),
    errors          AggregateFunction(countIf, UInt8),
    input_tokens    AggregateFunction(sum, Int64),
    output_tokens   AggregateFunction(sum, Int64),
    cost            AggregateFunction(sum, Float64),
    latency         AggregateFunction(quantiles(0.5, 0.95, 0.99), Float64),
    ttft            AggregateFunction(quantilesIf(0.5, 0.95), Float64, UInt8),
    ttft_count      AggregateFunction(countIf, UInt8)
)
ENGINE = AggregatingMergeTree()
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, requested_model, resolved, status);

CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.request_logs_hourly_models_mv
TO ${database}.request_logs_hourly_models
AS SELECT toStartOfHour(started_at) AS hour, requested_model, ifNull(resolved_model, '') AS resolved, status,
    countState() AS requests, countIfState(status >= 400) AS errors,
    sumState(if(prompt_tokens > 0, prompt_tokens, 0)) AS input_tokens,
    sumState(if(completion_tokens > 0, completion_tokens, 0)) AS output_tokens,
    sumState(cost_usd) AS cost, quantilesState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesIfState(0.5, 0.95)(time_to_first_token_ms, stream = 1 AND time_to_first_token_ms >= 0) AS ttft,
    countIfState(stream = 1 AND time_to_first_token_ms >= 0) AS ttft_count
FROM ${database}.request_logs
GROUP BY hour, requested_model, resolved, status;

INSERT INTO ${database}.request_logs_hourly_models
SELECT toStartOfHour(started_at) AS hour, requested_model, ifNull(resolved_model, '') AS resolved, status,
    countState() AS requests, countIfState(status >= 400) AS errors,
    sumState(if(prompt_tokens > 0, prompt_tokens, 0)) AS input_tokens,
    sumState(if(completion_tokens > 0, completion_tokens, 0)) AS output_tokens,
    sumState(cost_usd) AS cost, quantilesState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesIfState(0.5, 0.95)(time_to_first_token_ms, stream = 1 AND time_to_first_token_ms >= 0) AS ttft,
    countIfState(stream = 1 AND time_to_first_token_ms >= 0) AS ttft_count
FROM ${database}.request_logs
GROUP BY hour, requested_model, resolved, status;

CREATE TABLE IF NOT EXISTS ${database}.request_logs_daily_callers
(
    day             DateTime('UTC'),
    team            String,
    subject         String,
    caller          String,
    status          Int32,
    requests        AggregateFunction(count),
    errors          AggregateFunction(countIf, UInt8),
    input_tokens    AggregateFunction(sum, Int64),
    output_tokens   AggregateFunction(sum, Int64),
    cost            AggregateFunction(sum, Float64),
    latency         AggregateFunction(quantiles(0.5, 0.95, 0.99), Float64),
    ttft            AggregateFunction(quantilesIf(0.5, 0.95), Float64, UInt8),
    ttft_count      AggregateFunction(countIf, UInt8)
)
ENGINE = AggregatingMergeTree()
PARTITION BY toYYYYMM(day)
ORDER BY (day, team, subject, caller, status);

CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.request_logs_daily_callers_mv
TO ${database}.request_logs_daily_callers
AS SELECT toStartOfDay(started_at) AS day, team, subject, ifNull(credential, '') AS caller, status,
    countState() AS requests, countIfState(status >= 400) AS errors,
    sumState(if(prompt_tokens > 0, prompt_tokens, 0)) AS input_tokens,
    sumState(if(completion_tokens > 0, completion_tokens, 0)) AS output_tokens,
    sumState(cost_usd) AS cost, quantilesState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesIfState(0.5, 0.95)(time_to_first_token_ms, stream = 1 AND time_to_first_token_ms >= 0) AS ttft,
    countIfState(stream = 1 AND time_to_first_token_ms >= 0) AS ttft_count
FROM ${database}.request_logs
GROUP BY day, team, subject, caller, status;

INSERT INTO ${database}.request_logs_daily_callers
SELECT toStartOfDay(started_at) AS day, team, subject, ifNull(credential, '') AS caller, status,
    countState() AS requests, countIfState(status >= 400) AS errors,
    sumState(if(prompt_tokens > 0, prompt_tokens, 0)) AS input_tokens,
    sumState(if(completion_tokens > 0, completion_tokens, 0)) AS output_tokens,
    sumState(cost_usd) AS cost, quantilesState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesIfState(0.5, 0.95)(time_to_first_token_ms, stream = 1 AND time_to_first_token_ms >= 0) AS ttft,
    countIfState(stream = 1 AND time_to_first_token_ms >= 0) AS ttft_count
FROM ${database}.request_logs
GROUP BY day, team, subject, caller, status;

CREATE TABLE IF NOT EXISTS ${database}.tool_calls_daily
(
    day          DateTime('UTC'),
    server       String,
    tool         String,
    call_outcome String,
    calls        AggregateFunction(count),
    errors       AggregateFunction(countIf, UInt8),
    latency      AggregateFunction(quantiles(0.5, 0.95, 0.99), Float64)
)
ENGINE = AggregatingMergeTree()
PARTITION BY toYYYYMM(day)
ORDER BY (day, server, tool, call_outcome);

CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.tool_calls_daily_mv
TO ${database}.tool_calls_daily
AS SELECT toStartOfDay(at) AS day, server, tool, ifNull(outcome, '') AS call_outcome,
    countState() AS calls, countIfState(ifNull(outcome, '') NOT IN ('ok', 'resumable')) AS errors,
    quantilesState(0.5, 0.95, 0.99)(latency_us / 1000) AS latency
FROM ${database}.tool_calls
GROUP BY day, server, tool, call_outcome;

INSERT INTO ${database}.tool_calls_daily
SELECT toStartOfDay(at) AS day, server, tool, ifNull(outcome, '') AS call_outcome,
    countState() AS calls, countIfState(ifNull(outcome, '') NOT IN ('ok', 'resumable')) AS errors,
    quantilesState(0.5, 0.95, 0.99)(latency_us / 1000) AS latency
FROM ${database}.tool_calls
GROUP BY day, server, tool, call_outcome;
