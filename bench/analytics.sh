#!/usr/bin/env bash
# Analytics API speed on 10 million request-log rows: loads ROWS synthetic rows (and ROWS/10 tool calls) over 30 days
# into a scratch ClickHouse database ($DB, dropped first), generated inside ClickHouse (INSERT ... SELECT FROM
# system.numbers, which 18.16 runs too); starts two control planes of its own on $PORT and $PORT+1, pointed at that
# database, with the telemetry writer off, a PostgreSQL schema and a NATS config bucket of their own (so a running
# `./switchboard up` is not touched): "before" with switchboard.analytics.percentiles=reservoir (the V4 rollups, exact
# percentiles), "after" with the default tdigest (the V7 rollups). Then asks GET /admin/v1/analytics/... the typical
# questions RUNS times each through curl, before and after taking turns (so both see the same load), and prints per
# question the median and the slowest wall time of each (HTTP round trip, parameter checks, ClickHouse, JSON answer),
# the ratio of the medians, and which table answered after (analytics/Rollup.java).
# KEEP=1 leaves the database for a later REUSE=1 run (which skips the load).
# Needs the control-plane jar (./mvnw -q -pl control-plane -am package -DskipTests) and deploy/stack.sh's servers.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
ROWS=${ROWS:-10000000}
RUNS=${RUNS:-7}
DB=${DB:-sb_bench_analytics}
PORT=${PORT:-18091}
JAR=$REPO/control-plane/target/quarkus-app/quarkus-run.jar
LOG=${LOG:-/tmp/sb-bench-analytics-control-plane.log}
[ -f "$JAR" ] || { echo "no $JAR: ./mvnw -q -pl control-plane -am package -DskipTests" >&2; exit 1; }

"$REPO/deploy/stack.sh" start >/dev/null
while IFS='=' read -r k v; do
  case "$k" in SWITCHBOARD_*) export "$k=$v" ;; esac
done < <("$REPO/deploy/stack.sh" env)
CH=$SWITCHBOARD_CLICKHOUSE_URL
ch() { curl -sS --fail "$CH/" --data-binary "$1"; }
ch_file() { # schema file: statements end with ';' at the end of a line
  sed -e '/^ *--/d' -e "s/\${database}/$DB/g" "$1" | tr '\n' ' ' | tr ';' '\n' | while read -r statement; do
    [ -z "${statement// /}" ] || ch "$statement"
  done
}

BASE=$(date -u -d '2026-11-01T00:00:00Z' +%s)
SPAN=$((30 * 86400))
echo "ClickHouse $(ch 'SELECT version()') at $CH, database $DB"
load_start=$(date +%s%N)
if [ -n "${REUSE:-}" ]; then
  echo "REUSE: the rows already in $DB (left by a run with KEEP=1)"
else
ch "DROP DATABASE IF EXISTS $DB"
ch_file "$REPO/control-plane/src/main/resources/clickhouse/V1__telemetry.sql"
ch_file "$REPO/control-plane/src/main/resources/clickhouse/V2__metadata_and_team.sql"
ch_file "$REPO/control-plane/src/main/resources/clickhouse/V3__limits.sql"
# the rollups' views fill them as the rows are loaded, as in production (the backfill finds empty tables)
ch_file "$REPO/control-plane/src/main/resources/clickhouse/V4__rollups.sql"
ch_file "$REPO/control-plane/src/main/resources/clickhouse/V5__event_id.sql"
ch_file "$REPO/control-plane/src/main/resources/clickhouse/V6__payloads.sql"
ch_file "$REPO/control-plane/src/main/resources/clickhouse/V7__tdigest_rollups.sql"

# 500 users in 20 teams, 1,000 API keys, 6 requested models (2 virtual), 4 targets on 3 accounts, half streams,
# 2% 502s and ~2.7% 429s, 2,000 customers in the metadata
ch "INSERT INTO $DB.request_logs (request_id, started_at, started_at_ms, instance, subject, team, credential,
  endpoint, requested_model, resolved_model, stream, status, error_code, latency_ms, time_to_first_token_ms,
  prompt_tokens, completion_tokens, time_per_output_token_ms, cost_usd, attempts, guardrails, metadata_keys,
  metadata_values)
SELECT toString(number), toDateTime($BASE + intDiv(number * $SPAN, $ROWS)),
  toUInt64($BASE) * 1000 + intDiv(number * $SPAN * 1000, $ROWS), 'gw-1', concat('user:u', toString(number % 500)),
  concat('team-', toString(number % 500 % 20)), concat('api_key:key-', toString(number % 1000)), 'CHAT_COMPLETIONS',
  ['assistant', 'fast', 'openai/gpt-4o', 'openai/gpt-4o-mini', 'anthropic/claude-sonnet', 'databricks/dbrx'][number % 6 + 1],
  ['openai/gpt-4o', 'openai/gpt-4o-mini', 'anthropic/claude-sonnet', 'databricks/dbrx'][intDiv(number, 7) % 4 + 1],
  number % 2, multiIf(number % 50 = 0, 502, number % 37 = 0, 429, 200), NULL,
  toFloat64(50 + number * 7919 % 3000), if(number % 2 = 1, toFloat64(20 + number * 104729 % 800), -1),
  100 + number % 2000, 10 + number % 700, 1.5, (100 + number % 2000) * 0.000001 + (10 + number % 700) * 0.000002,
  '[]', '[]', ['customer_id', 'env'], [concat('cust-', toString(number % 2000)), if(number % 3 = 0, 'prod', 'dev')]
FROM system.numbers LIMIT $ROWS"
ch "INSERT INTO $DB.tool_calls (request_id, at, at_ms, instance, subject, server, tool, latency_us, outcome,
  request_truncated, response_truncated, guardrails)
SELECT toString(number), toDateTime($BASE + intDiv(number * $SPAN, $ROWS / 10)),
  toUInt64($BASE) * 1000 + intDiv(number * $SPAN * 1000, $ROWS / 10), 'mcp-1', concat('user:u', toString(number % 500)),
  concat('srv-', toString(number % 8)), concat('tool-', toString(number % 40)), 200 + number * 7919 % 200000,
  ['ok', 'ok', 'ok', 'tool_error', 'denied', 'ok', 'timeout'][number % 7 + 1], 0, 0, '[]'
FROM system.numbers LIMIT $((ROWS / 10))"
ch "OPTIMIZE TABLE $DB.request_logs FINAL" || true
ch "OPTIMIZE TABLE $DB.tool_calls FINAL" || true
for rollup in request_logs_hourly_models request_logs_daily_callers tool_calls_daily \
    request_logs_hourly_models_tdigest request_logs_daily_models_tdigest request_logs_daily_callers_tdigest \
    tool_calls_daily_tdigest; do
  ch "OPTIMIZE TABLE $DB.$rollup FINAL" || true
done
fi
echo "loaded $(ch "SELECT count() FROM $DB.request_logs") request logs, $(ch "SELECT count() FROM $DB.tool_calls") tool calls in $(( ($(date +%s%N) - load_start) / 1000000 )) ms; on disk: $(ch "SELECT formatReadableSize(sum(bytes)) FROM system.parts WHERE database = '$DB' AND active")"

TOKEN=bench-analytics-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
SCHEMA=sb_bench_analytics
start_control_plane() { # port, percentiles, log
  SWITCHBOARD_CLICKHOUSE_DATABASE=$DB SWITCHBOARD_TELEMETRY_WRITER_ENABLED=false SWITCHBOARD_ADMIN_TOKEN=$TOKEN \
    SWITCHBOARD_MASTER_KEY=$MASTER_KEY SWITCHBOARD_ANALYTICS_PERCENTILES=$2 \
    java -Xmx512m -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$1" -Dswitchboard.db.schema=$SCHEMA \
    -Dswitchboard.sync.bucket=sb-bench-analytics -jar "$JAR" >"$3" 2>&1 &
}
MASTER_KEY=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
start_control_plane "$PORT" reservoir "$LOG"
BEFORE_PID=$!
cleanup() {
  for pid in $BEFORE_PID ${AFTER_PID:-}; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PGPASSWORD=${SWITCHBOARD_PG_PASSWORD:-} psql -q -h "$SWITCHBOARD_PG_HOST" -p "$SWITCHBOARD_PG_PORT" \
    -U "$SWITCHBOARD_PG_USER" -d "$SWITCHBOARD_PG_DATABASE" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] || ch "DROP DATABASE IF EXISTS $DB" || true
}
trap cleanup EXIT
await_ready() { # url, pid, log
  for _ in $(seq 240); do
    curl -sf "$1/q/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { tail -20 "$3"; exit 1; }
    sleep 0.5
  done
  echo "$1 not ready after 2 minutes" >&2; tail -20 "$3"; exit 1
}
BEFORE=http://127.0.0.1:$PORT
# the second one starts once the first has created the PostgreSQL schema they share
await_ready "$BEFORE" "$BEFORE_PID" "$LOG"
start_control_plane "$((PORT + 1))" tdigest "$LOG.after"
AFTER_PID=$!
AFTER=http://127.0.0.1:$((PORT + 1))
await_ready "$AFTER" "$AFTER_PID" "$LOG.after"

FROM=2026-11-01T00:00:00Z
TO=2026-12-01T00:00:00Z
R="from=$FROM&to=$TO"
QUERIES=(
  "llm totals, 30 days|/admin/v1/analytics/llm?$R"
  "llm by model per day|/admin/v1/analytics/llm?$R&group_by=model&interval=day"
  "llm by provider_account, virtual_model per hour|/admin/v1/analytics/llm?$R&group_by=provider_account,virtual_model&interval=hour&limit=10000"
  "llm by team, model, env=prod|/admin/v1/analytics/llm?$R&group_by=team,model&metadata.env=prod"
  "llm by subject (500)|/admin/v1/analytics/llm?$R&group_by=subject"
  "llm by api_key (1,000)|/admin/v1/analytics/llm?$R&group_by=api_key"
  "llm by metadata.customer_id (2,000)|/admin/v1/analytics/llm?$R&group_by=metadata.customer_id&limit=10000"
  "llm one customer per day|/admin/v1/analytics/llm?$R&metadata.customer_id=cust-42&interval=day"
  "llm one subject by model per hour|/admin/v1/analytics/llm?$R&subject=user:u42&group_by=model&interval=hour&limit=10000"
  "llm 5xx by resolved_model, last 24 h|/admin/v1/analytics/llm?from=2026-11-30T00:00:00Z&to=$TO&group_by=resolved_model&status_class=5xx"
  "tool calls by server, tool per day ($((ROWS / 10)) rows)|/admin/v1/analytics/tool-calls?$R&group_by=server,tool&interval=day&limit=10000"
)
ask() { # base URL, path, label: prints the wall time in seconds; the answer is left in /tmp/sb-bench-analytics.json
  local out
  out=$(curl -sS -o /tmp/sb-bench-analytics.json -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" "$1$2")
  [ "${out%% *}" = 200 ] || { echo "$3: HTTP ${out%% *}: $(head -c 300 /tmp/sb-bench-analytics.json)" >&2; exit 1; }
  echo "${out#* }"
}
stats() { # seconds, one a line: "median max" in ms
  sort -n | awk '{a[NR]=$1*1000} END {printf "%.0f %.0f\n", a[int((NR+1)/2)], a[NR]}'
}
printf '%-58s %17s %17s %7s %6s  %s\n' "question (over $ROWS request logs)" "before med/max ms" "after med/max ms" \
  "ratio" "rows" "source after"
for q in "${QUERIES[@]}"; do
  label=${q%%|*}
  path=${q#*|}
  before=()
  after=()
  for _ in $(seq "$RUNS"); do
    t=$(ask "$BEFORE" "$path" "$label") || exit 1
    before+=("$t")
    t=$(ask "$AFTER" "$path" "$label") || exit 1
    after+=("$t")
  done
  rows=$(grep -o '"rows":\[.*\]' /tmp/sb-bench-analytics.json | grep -o '"latency_ms"' | wc -l)
  source=$(grep -o '"source":"[a-z_]*"' /tmp/sb-bench-analytics.json | cut -d'"' -f4)
  read -r bmed bmax < <(printf '%s\n' "${before[@]}" | stats)
  read -r amed amax < <(printf '%s\n' "${after[@]}" | stats)
  printf '%-58s %17s %17s %7s %6d  %s\n' "$label" "$bmed / $bmax" "$amed / $amax" \
    "$(awk -v b="$bmed" -v a="$amed" 'BEGIN {printf "%.1fx", (a > 0 ? b / a : 0)}')" "$rows" "$source"
done
