-- Switchboard telemetry, schema version 7: rollups with t-digest percentile states, which merge about ten times
-- faster than V4's quantiles states (those keep every value up to 8192 per row, and merging them was nearly all the
-- time of a 30-day question on 10 million rows). The analytics API answers from these by default
-- (switchboard.analytics.percentiles=tdigest; analytics/Rollup.java); the percentiles are approximate (ClickHouse's
-- quantilesTDigest, Float32; docs/observability.md gives the error measured against exact ones). Counts, tokens and
-- costs are exact sums as in V4. V4's rollups stay as they are and are still fed, for
-- switchboard.analytics.percentiles=reservoir.
-- Besides V4's three, a daily rollup by model: a question over whole days by model, account or status merges 24 times
-- fewer states from it than from the hourly one.
-- Existing rows: each INSERT ... SELECT runs once, only when this start created its table (telemetry/ClickHouseStore).
-- quantilesTDigest, its -State, -Merge and -If combinators and AggregateFunction columns exist in ClickHouse 18.16 and
-- in current releases.
-- Each statement ends with a semicolon at the end of a line.

CREATE TABLE IF NOT EXISTS ${database}.request_logs_hourly_models_tdigest
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
    latency         AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64),
    ttft            AggregateFunction(quantilesTDigestIf(0.5, 0.95), Float64, UInt8),
    ttft_count      AggregateFunction(countIf, UInt8)
)
ENGINE = AggregatingMergeTree()
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, requested_model, resolved, status);

CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.request_logs_hourly_models_tdigest_mv
TO ${database}.request_logs_hourly_models_tdigest
AS SELECT toStartOfHour(started_at) AS hour, requested_model, ifNull(resolved_model, '') AS resolved, status,
    countState() AS requests, countIfState(status >= 400) AS errors,
    sumState(if(prompt_tokens > 0, prompt_tokens, 0)) AS input_tokens,
    sumState(if(completion_tokens > 0, completion_tokens, 0)) AS output_tokens,
    sumState(cost_usd) AS cost, quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestIfState(0.5, 0.95)(time_to_first_token_ms, stream = 1 AND time_to_first_token_ms >= 0) AS ttft,
    countIfState(stream = 1 AND time_to_first_token_ms >= 0) AS ttft_count
FROM ${database}.request_logs
GROUP BY hour, requested_model, resolved, status;

INSERT INTO ${database}.request_logs_hourly_models_tdigest
SELECT toStartOfHour(started_at) AS hour, requested_model, ifNull(resolved_model, '') AS resolved, status,
    countState() AS requests, countIfState(status >= 400) AS errors,
    sumState(if(prompt_tokens > 0, prompt_tokens, 0)) AS input_tokens,
    sumState(if(completion_tokens > 0, completion_tokens, 0)) AS output_tokens,
    sumState(cost_usd) AS cost, quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestIfState(0.5, 0.95)(time_to_first_token_ms, stream = 1 AND time_to_first_token_ms >= 0) AS ttft,
    countIfState(stream = 1 AND time_to_first_token_ms >= 0) AS ttft_count
FROM ${database}.request_logs
GROUP BY hour, requested_model, resolved, status;

CREATE TABLE IF NOT EXISTS ${database}.request_logs_daily_models_tdigest
(
    day             DateTime('UTC'),
    requested_model String,
    resolved        String,
    status          Int32,
    requests        AggregateFunction(count),
    errors          AggregateFunction(countIf, UInt8),
    input_tokens    AggregateFunction(sum, Int64),
    output_tokens   AggregateFunction(sum, Int64),
    cost            AggregateFunction(sum, Float64),
    latency         AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64),
    ttft            AggregateFunction(quantilesTDigestIf(0.5, 0.95), Float64, UInt8),
    ttft_count      AggregateFunction(countIf, UInt8)
)
ENGINE = AggregatingMergeTree()
PARTITION BY toYYYYMM(day)
ORDER BY (day, requested_model, resolved, status);

CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.request_logs_daily_models_tdigest_mv
TO ${database}.request_logs_daily_models_tdigest
AS SELECT toStartOfDay(started_at) AS day, requested_model, ifNull(resolved_model, '') AS resolved, status,
    countState() AS requests, countIfState(status >= 400) AS errors,
    sumState(if(prompt_tokens > 0, prompt_tokens, 0)) AS input_tokens,
    sumState(if(completion_tokens > 0, completion_tokens, 0)) AS output_tokens,
    sumState(cost_usd) AS cost, quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestIfState(0.5, 0.95)(time_to_first_token_ms, stream = 1 AND time_to_first_token_ms >= 0) AS ttft,
    countIfState(stream = 1 AND time_to_first_token_ms >= 0) AS ttft_count
FROM ${database}.request_logs
GROUP BY day, requested_model, resolved, status;

INSERT INTO ${database}.request_logs_daily_models_tdigest
SELECT toStartOfDay(started_at) AS day, requested_model, ifNull(resolved_model, '') AS resolved, status,
    countState() AS requests, countIfState(status >= 400) AS errors,
    sumState(if(prompt_tokens > 0, prompt_tokens, 0)) AS input_tokens,
    sumState(if(completion_tokens > 0, completion_tokens, 0)) AS output_tokens,
    sumState(cost_usd) AS cost, quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestIfState(0.5, 0.95)(time_to_first_token_ms, stream = 1 AND time_to_first_token_ms >= 0) AS ttft,
    countIfState(stream = 1 AND time_to_first_token_ms >= 0) AS ttft_count
FROM ${database}.request_logs
GROUP BY day, requested_model, resolved, status;

CREATE TABLE IF NOT EXISTS ${database}.request_logs_daily_callers_tdigest
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
    latency         AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64),
    ttft            AggregateFunction(quantilesTDigestIf(0.5, 0.95), Float64, UInt8),
    ttft_count      AggregateFunction(countIf, UInt8)
)
ENGINE = AggregatingMergeTree()
PARTITION BY toYYYYMM(day)
ORDER BY (day, team, subject, caller, status);

CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.request_logs_daily_callers_tdigest_mv
TO ${database}.request_logs_daily_callers_tdigest
AS SELECT toStartOfDay(started_at) AS day, team, subject, ifNull(credential, '') AS caller, status,
    countState() AS requests, countIfState(status >= 400) AS errors,
    sumState(if(prompt_tokens > 0, prompt_tokens, 0)) AS input_tokens,
    sumState(if(completion_tokens > 0, completion_tokens, 0)) AS output_tokens,
    sumState(cost_usd) AS cost, quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestIfState(0.5, 0.95)(time_to_first_token_ms, stream = 1 AND time_to_first_token_ms >= 0) AS ttft,
    countIfState(stream = 1 AND time_to_first_token_ms >= 0) AS ttft_count
FROM ${database}.request_logs
GROUP BY day, team, subject, caller, status;

INSERT INTO ${database}.request_logs_daily_callers_tdigest
SELECT toStartOfDay(started_at) AS day, team, subject, ifNull(credential, '') AS caller, status,
    countState() AS requests, countIfState(status >= 400) AS errors,
    sumState(if(prompt_tokens > 0, prompt_tokens, 0)) AS input_tokens,
    sumState(if(completion_tokens > 0, completion_tokens, 0)) AS output_tokens,
    sumState(cost_usd) AS cost, quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestIfState(0.5, 0.95)(time_to_first_token_ms, stream = 1 AND time_to_first_token_ms >= 0) AS ttft,
    countIfState(stream = 1 AND time_to_first_token_ms >= 0) AS ttft_count
FROM ${database}.request_logs
GROUP BY day, team, subject, caller, status;

CREATE TABLE IF NOT EXISTS ${database}.tool_calls_daily_tdigest
(
    day             DateTime('UTC'),
    server          String,
    tool            String,
    call_outcome    String,
    calls           AggregateFunction(count),
    errors          AggregateFunction(countIf, UInt8),
    latency         AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64)
)
ENGINE = AggregatingMergeTree()
PARTITION BY toYYYYMM(day)
ORDER BY (day, server, tool, call_outcome);

CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.tool_calls_daily_tdigest_mv
TO ${database}.tool_calls_daily_tdigest
AS SELECT toStartOfDay(at) AS day, server, tool, ifNull(outcome, '') AS call_outcome,
    countState() AS calls, countIfState(ifNull(outcome, '') NOT IN ('ok', 'resumable')) AS errors,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_us / 1000) AS latency
FROM ${database}.tool_calls
GROUP BY day, server, tool, call_outcome;

INSERT INTO ${database}.tool_calls_daily_tdigest
SELECT toStartOfDay(at) AS day, server, tool, ifNull(outcome, '') AS call_outcome,
    countState() AS calls, countIfState(ifNull(outcome, '') NOT IN ('ok', 'resumable')) AS errors,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_us / 1000) AS latency
FROM ${database}.tool_calls
GROUP BY day, server, tool, call_outcome;
