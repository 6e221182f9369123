#!/usr/bin/env bash
# Switchboard benchmark: wrk drives OpenAI chat.completions (JSON and SSE) through each target to an nginx mock, and
# MCP tools/call through the MCP targets to a Node MCP mock.
# The service under test is pinned to CPU $GW_CPU; wrk and the mocks share CPU $LG_CPU. Only 127.0.0.1 is used.
# Run from anywhere: bench/run.sh. Knobs (env): see bench/README.md and the defaults right below.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)

TARGETS=${TARGETS:-"nginx-direct nginx-proxy portkey switchboard switchboard-anthropic switchboard-bedrock switchboard-gemini switchboard-vertex switchboard-azure switchboard-guardrails switchboard-limits switchboard-full mcp-direct mcp-nginx-proxy mcp-gateway mcp-gateway-guardrails"}
MODES=${MODES:-"json sse"}
CONNS=${CONNS:-"1 4 16 64"}
REPS=${REPS:-3}
DUR=${DUR:-10}                   # seconds per run
DUR_SAT=${DUR_SAT:-$((DUR * 2))} # seconds per run at 64 connections or more
WARMUP=${WARMUP:-60}             # seconds of JVM warm-up in total (split over the switchboard targets and modes)
WARMUP_OTHER=${WARMUP_OTHER:-5}  # seconds per mode for nginx-proxy and portkey
WORK=${WORK:-$REPO/target/bench}
GW_CPU=${GW_CPU:-1}
LG_CPU=${LG_CPU:-0}
MOCK_PORT=${MOCK_PORT:-18080}
PROXY_PORT=${PROXY_PORT:-18181}
PORTKEY_PORT=${PORTKEY_PORT:-18787}
SB_PORT=${SB_PORT:-18190}
MCP_MOCK_PORT=${MCP_MOCK_PORT:-18085}
MCPGW_PORT=${MCPGW_PORT:-18192}
KEY_INDEX=${KEY_INDEX:-499}      # which generated API key wrk sends (0-based: 499 = the 500th)
SB_JAR=${SB_JAR:-$REPO/gateway-plane/target/quarkus-app/quarkus-run.jar}
MCPGW_JAR=${MCPGW_JAR:-$REPO/mcp-gateway/target/quarkus-app/quarkus-run.jar}
SB_HEAP=${SB_HEAP-256m}          # -Xmx of the Java gateways; empty: none (the JVM sizes the heap from the RAM it sees)
SB_JAVA_OPTS=${SB_JAVA_OPTS:-}   # more options for the Java gateways, e.g. the chart's heap: "-XX:MaxRAM=1g -XX:MaxRAMPercentage=75 -XX:NewSize=24m"
# switchboard-full: a second gateway process with telemetry to NATS, written to ClickHouse by a control plane of its own
SBFULL_PORT=${SBFULL_PORT:-18193}
CP_PORT=${CP_PORT:-18194}
CP_JAR=${CP_JAR:-$REPO/control-plane/target/quarkus-app/quarkus-run.jar}
CP_HEAP=${CP_HEAP:-512m}
FULL_NAME=${FULL_NAME:-sb_bench_full}   # its ClickHouse database and PostgreSQL schema; NATS names are derived from it
FULL_WAIT=${FULL_WAIT:-600}             # seconds to wait for the run's request logs to reach ClickHouse after the load
FULL_STREAM_BYTES=${FULL_STREAM_BYTES:-8589934592}  # the telemetry stream's size limit: holds every row until the drain
FULL_MIN_SHARE=${FULL_MIN_SHARE:-0.99}  # FAIL below this share of the answered requests stored in ClickHouse
CHECK_BODIES=${CHECK_BODIES:-1}         # 1: wrk checks every answer of the switchboard targets for the mock's text

KNOWN_TARGETS="nginx-direct nginx-proxy portkey switchboard switchboard-vm-priority switchboard-vm-weight
  switchboard-anthropic switchboard-bedrock switchboard-gemini switchboard-vertex switchboard-azure switchboard-guardrails switchboard-limits switchboard-full mcp-direct mcp-nginx-proxy mcp-gateway mcp-gateway-guardrails"

say() { printf '%s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
has_target() { [[ " $TARGETS " == *" $1 "* ]]; }
is_switchboard() { [[ $1 == switchboard* ]]; }
any_switchboard() { local t; for t in $TARGETS; do is_switchboard "$t" && return 0; done; return 1; }
is_full() { [[ $1 == switchboard-full ]]; }   # its own gateway process (and control plane), not the shared one
is_sb_shared() { is_switchboard "$1" && ! is_full "$1"; }
any_sb_shared() { local t; for t in $TARGETS; do is_sb_shared "$t" && return 0; done; return 1; }
is_mcp() { [[ $1 == mcp-* ]]; }
is_mcp_gateway() { [[ $1 == mcp-gateway* ]]; }
any_mcp() { local t; for t in $TARGETS; do is_mcp "$t" && return 0; done; return 1; }
any_mcp_gateway() { local t; for t in $TARGETS; do is_mcp_gateway "$t" && return 0; done; return 1; }
any_java() { any_switchboard || any_mcp_gateway; }
needs_proxy() { has_target nginx-proxy || has_target mcp-nginx-proxy; }
modes_of() { if is_mcp "$1"; then echo mcp; else echo "$MODES"; fi; }   # MCP targets have one mode: tools/call

for t in $TARGETS; do [[ " $KNOWN_TARGETS " == *" $t "* ]] || die "unknown target '$t' (known: $KNOWN_TARGETS)"; done
for m in $MODES; do [[ $m == json || $m == sse ]] || die "unknown mode '$m' (json, sse)"; done
[[ $CHECK_BODIES == [01] ]] || die "CHECK_BODIES must be 0 or 1 (got '$CHECK_BODIES')"
for n in "$REPS" "$DUR" "$DUR_SAT" "$WARMUP" "$WARMUP_OTHER" $CONNS; do
  [[ $n =~ ^[0-9]+$ ]] || die "REPS, DUR, DUR_SAT, WARMUP, WARMUP_OTHER and CONNS must be whole numbers (got '$n')"
done

# ---------------------------------------------------------------- tools
missing_apt=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing_apt+=(nginx)
command -v wrk >/dev/null || missing_apt+=(wrk)
if ((${#missing_apt[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "bench: installing ${missing_apt[*]} (apt-get)"
    # RUNLEVEL=1 keeps the package from starting the system nginx service, which would sit on port 80
    install_apt() { DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -q "${missing_apt[@]}" >/dev/null; }
    install_apt || { apt-get update -q >/dev/null && install_apt; } || die "apt-get install -y ${missing_apt[*]} failed"
  else
    die "missing ${missing_apt[*]}; install as root: apt-get install -y ${missing_apt[*]}"
  fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for tool in node npm curl taskset cmp ps; do
  command -v "$tool" >/dev/null || die "missing '$tool' (Debian: apt-get install -y nodejs npm curl util-linux diffutils procps)"
done
if any_java; then command -v java >/dev/null || die "missing 'java' (Java 17) for the switchboard and mcp-gateway targets"; fi
taskset -c "$GW_CPU" true 2>/dev/null && taskset -c "$LG_CPU" true 2>/dev/null ||
  die "cannot pin to CPUs $GW_CPU and $LG_CPU (this machine has $(nproc) usable); set GW_CPU / LG_CPU"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ports=("$MOCK_PORT")
needs_proxy && ports+=("$PROXY_PORT")
any_mcp && ports+=("$MCP_MOCK_PORT")
any_mcp_gateway && ports+=("$MCPGW_PORT")
has_target portkey && ports+=("$PORTKEY_PORT")
any_sb_shared && ports+=("$SB_PORT")
has_target switchboard-full && ports+=("$SBFULL_PORT" "$CP_PORT")
for p in "${ports[@]}"; do port_open "$p" && die "port $p on 127.0.0.1 is already in use (set MOCK_PORT/PROXY_PORT/PORTKEY_PORT/SB_PORT/MCP_MOCK_PORT/MCPGW_PORT)"; done

# ---------------------------------------------------------------- installs and builds (idempotent)
mkdir -p "$WORK"
if has_target portkey; then
  pk=$WORK/portkey
  if [ -f "$pk/node_modules/@portkey-ai/gateway/package.json" ] &&
     cmp -s "$BENCH/portkey/package.json" "$pk/package.json" &&
     cmp -s "$BENCH/portkey/package-lock.json" "$pk/package-lock.json"; then
    :
  else
    say "bench: installing Portkey from bench/portkey/package-lock.json into $pk"
    mkdir -p "$pk"
    cp "$BENCH/portkey/package.json" "$BENCH/portkey/package-lock.json" "$pk/"
    (cd "$pk" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $pk"
  fi
fi
if any_switchboard && [ ! -f "$SB_JAR" ]; then
  [ -x "$REPO/mvnw" ] || die "no $SB_JAR and no ./mvnw in $REPO to build it"
  say "bench: building the gateway (./mvnw -q -pl gateway-plane -am package -DskipTests)"
  (cd "$REPO" && ./mvnw -q -pl gateway-plane -am package -DskipTests) || die "gateway build failed"
  [ -f "$SB_JAR" ] || die "the build did not produce $SB_JAR"
fi
if has_target switchboard-full && [ ! -f "$CP_JAR" ]; then
  [ -x "$REPO/mvnw" ] || die "no $CP_JAR and no ./mvnw in $REPO to build it"
  say "bench: building the control plane (./mvnw -q -pl control-plane -am package -DskipTests)"
  (cd "$REPO" && ./mvnw -q -pl control-plane -am package -DskipTests) || die "control plane build failed"
  [ -f "$CP_JAR" ] || die "the build did not produce $CP_JAR"
fi
if any_mcp_gateway && [ ! -f "$MCPGW_JAR" ]; then
  [ -x "$REPO/mvnw" ] || die "no $MCPGW_JAR and no ./mvnw in $REPO to build it"
  say "bench: building the MCP gateway (./mvnw -q -pl mcp-gateway -am package -DskipTests)"
  (cd "$REPO" && ./mvnw -q -pl mcp-gateway -am package -DskipTests) || die "MCP gateway build failed"
  [ -f "$MCPGW_JAR" ] || die "the build did not produce $MCPGW_JAR"
fi

OUT=$WORK/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
node "$BENCH/mock-upstream-conf.mjs" --port "$MOCK_PORT" --dir "$WORK/mock"
needs_proxy && node "$BENCH/nginx-proxy-conf.mjs" --port "$PROXY_PORT" --upstream "127.0.0.1:$MOCK_PORT" \
  --mcp-upstream "127.0.0.1:$MCP_MOCK_PORT" --dir "$WORK/proxy"
if any_java; then
  mkdir -p "$WORK/switchboard"   # the Vertex AI account's throwaway service-account key is made there once
  node "$BENCH/gen-config.mjs" --out "$WORK/switchboard" --mock-port "$MOCK_PORT" --mcp-port "$MCP_MOCK_PORT" \
    --vertex-key "$WORK/switchboard/vertex-service-account.json" >/dev/null
  SB_KEY=$(sed -n "$((KEY_INDEX + 1))p" "$WORK/switchboard/keys.tsv" | cut -f2)
  [ -n "$SB_KEY" ] || die "no API key number $KEY_INDEX in $WORK/switchboard/keys.tsv"
fi

NCPU=$(nproc)
# From here on this shell and its helpers (curl, sampling, wrk) stay off the gateway's CPU.
taskset -cp "$LG_CPU" $$ >/dev/null

# ---------------------------------------------------------------- processes
PIDS=()
WRK_PID=
FULL_STACK=   # set once switchboard-full's stack is started: cleanup drops its data and stops what it started
cleanup() {
  local p i
  [ -z "$WRK_PID" ] || kill "$WRK_PID" 2>/dev/null || true
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  [ -z "$FULL_STACK" ] || full_cleanup
  nats_unpin
}
trap cleanup EXIT
trap 'exit 130' INT TERM

declare -A PID_OF=()   # target -> pid whose RSS is the gateway's
FAILED=()              # targets that did not start or answered wrong

start() { # name cpu dir cmd... ; output goes to $OUT/<name>.log
  local name=$1 cpu=$2 dir=$3; shift 3
  (cd "$dir" && exec taskset -c "$cpu" "$@") >"$OUT/$name.log" 2>&1 &
  PIDS+=($!)
  PID_OF[$name]=$!
}
wait_port() { # name port seconds
  local i
  for i in $(seq $(($3 * 5))); do
    port_open "$2" && return 0
    kill -0 "${PID_OF[$1]}" 2>/dev/null || break
    sleep 0.2
  done
  say "bench: FAIL $1 did not come up on port $2; last lines of $OUT/$1.log:" >&2
  tail -n 20 "$OUT/$1.log" >&2 || true
  return 1
}
nginx_worker() { # master pid -> its (single) worker's pid
  local w i
  for i in $(seq 20); do
    w=$(ps --ppid "$1" -o pid= | head -n1 | tr -d ' ') || true
    [ -n "$w" ] && { echo "$w"; return; }
    sleep 0.1
  done
  echo "$1"
}
rss_kb() { # pid -> VmRSS in kB, 0 if gone
  local k v _
  while read -r k v _; do [ "$k" = VmRSS: ] && { echo "$v"; return; }; done <"/proc/$1/status" 2>/dev/null
  echo 0
}
CLK_TCK=$(getconf CLK_TCK)
cpu_ms() { # pid -> user+system CPU time used so far, in ms (0 if gone)
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  set -- ${stat##*) }   # fields after "(comm)": state is field 3, utime 14, stime 15
  echo $(((${12} + ${13}) * 1000 / CLK_TCK))
}
sys_ms() { # pid -> system CPU time used so far, in ms (0 if gone): the kernel's share of cpu_ms
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  set -- ${stat##*) }
  echo $((${13} * 1000 / CLK_TCK))
}
drop_target() { # target reason: report it, measure the rest
  local t kept=
  FAILED+=("$1: $2")
  for t in $TARGETS; do [ "$t" = "$1" ] || kept+="$t "; done
  TARGETS=$kept
}

# ---------------------------------------------------------------- switchboard-full: the stack and a control plane
# The stack (PostgreSQL, NATS with JetStream, ClickHouse) comes from deploy/stack.sh with a state directory of the
# bench's own: servers already listening are reused and never stopped, and `stop` stops only what this run started.
# Everything the control plane and the gateway keep is the bench's own: the PostgreSQL schema and the ClickHouse
# database $FULL_NAME, and NATS names derived from it (config bucket, telemetry stream and subjects, limits subjects
# and bucket), so a `./switchboard up` on this machine is never touched.
FULL_STREAM=$(tr 'a-z-' 'A-Z_' <<<"$FULL_NAME")                     # SB_BENCH_FULL
FULL_SUBJECTS=$(tr '_' '-' <<<"$FULL_NAME").telemetry.             # sb-bench-full.telemetry.
FULL_LIMIT_SUBJECTS=$(tr '_' '-' <<<"$FULL_NAME").limits.counts.
FULL_BUCKET=$(tr '_' '-' <<<"$FULL_NAME")                           # the control plane's config bucket
FULL_INSTANCE=bench-full-$(date +%s)                                # the gateway's instance id: its rows in ClickHouse
FULL_ANSWERED=0                                                     # requests switchboard-full answered (wrk + curl)
ch() { curl -sS --fail --max-time "${CH_MAX_TIME:-30}" "$SWITCHBOARD_CLICKHOUSE_URL/" --data-binary "$1"; }
pg() {
  command -v psql >/dev/null || return 0
  PGPASSWORD=${SWITCHBOARD_PG_PASSWORD:-} psql -q -h "$SWITCHBOARD_PG_HOST" -p "$SWITCHBOARD_PG_PORT" \
    -U "$SWITCHBOARD_PG_USER" -d "$SWITCHBOARD_PG_DATABASE" -c "$1" >/dev/null 2>&1
}
full_cleanup() {
  FULL_STACK=
  pg "DROP SCHEMA IF EXISTS $FULL_NAME CASCADE" || true
  [ -n "${KEEP_FULL:-}" ] || ch "DROP DATABASE IF EXISTS $FULL_NAME" >/dev/null 2>&1 || true
  [ -n "${KEEP_FULL:-}" ] || js_delete_stream "$FULL_STREAM" >/dev/null 2>&1 || true
  SWITCHBOARD_STACK_DIR=$WORK/stack "$REPO/deploy/stack.sh" stop >>"$OUT/stack.log" 2>&1 || true
}
full_start() { # starts the stack and the control plane (stopped again before the load); the gateway is started with the others
  say "bench: switchboard-full: deploy/stack.sh start (state in $WORK/stack; servers already running are reused)"
  FULL_STACK=1
  SWITCHBOARD_STACK_DIR=$WORK/stack taskset -c "$LG_CPU" "$REPO/deploy/stack.sh" start >"$OUT/stack.log" 2>&1 ||
    { tail -n 20 "$OUT/stack.log" >&2; return 1; }
  grep -E 'reusing|started|running' "$OUT/stack.log" | sed 's/^/  /' || true
  local k v
  while IFS='=' read -r k v; do   # shell variables, not exported: the other gateways must not see a NATS URL
    case "$k" in SWITCHBOARD_*) declare -g "$k=$v" ;; esac
  done < <(SWITCHBOARD_STACK_DIR=$WORK/stack "$REPO/deploy/stack.sh" env)
  # a clean slate: the previous run's rows and config are gone. ClickHouse 18.16 needs minutes to drop a database of
  # millions of rows, and a previous run's drop may still be going on: this one waits for it (up to 15 minutes)
  CH_MAX_TIME=900 ch "DROP DATABASE IF EXISTS $FULL_NAME" >/dev/null || return 1
  pg "DROP SCHEMA IF EXISTS $FULL_NAME CASCADE" || true
  js_delete_stream "$FULL_STREAM" && js_create_stream || return 1   # a stream and consumers of this run's own
  FULL_TOKEN=bench-full-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  FULL_MASTER_KEY=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
  nats_pin
  cp_start control-plane
}
# The NATS server takes switchboard-full's telemetry during the load. One already running (the system's, or a
# `./switchboard up`'s) may be scheduled on any CPU, the gateway's too, where its work would count against the
# gateway: it is moved to the load generator's CPU for the run, as a server on another host would be, and put back.
# There it runs at nice 19 (when this script may set it back after: as root), so that it takes the load generator's
# idle time rather than holding wrk and the mock back between a request and its answer: a server on another host
# delays neither. Its CPU during each switchboard-full run is results.tsv's nats_cpu_ms.
NATS_PID= NATS_AFFINITY= NATS_NICE=
nats_pin() {
  local port=${SWITCHBOARD_NATS_URL##*:}
  port=${port%%/*}
  NATS_PID=$(ss -Hltnp "sport = :$port" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)
  if [ -z "$NATS_PID" ]; then
    say "bench: switchboard-full: no pid for the NATS server on port $port (ss): it is not pinned, nats_cpu_ms stays 0" >&2
    return 0
  fi
  NATS_AFFINITY=$(taskset -pc "$NATS_PID" 2>/dev/null | sed 's/.*: //')
  if taskset -apc "$LG_CPU" "$NATS_PID" >/dev/null 2>&1; then
    say "  NATS server (pid $NATS_PID, CPUs $NATS_AFFINITY) pinned to CPU $LG_CPU for the run"
  else
    say "bench: switchboard-full: could not pin the NATS server (pid $NATS_PID) to CPU $LG_CPU; it may share the gateway's CPU" >&2
    NATS_AFFINITY=
  fi
  if [ "$(id -u)" = 0 ]; then
    NATS_NICE=$(ps -o ni= -p "$NATS_PID" | tr -d ' ')
    if nats_renice 19; then
      say "  NATS server at nice 19 for the run (was $NATS_NICE)"
    else
      say "bench: switchboard-full: could not set the NATS server (pid $NATS_PID) to nice 19; it runs at $NATS_NICE" >&2
    fi
  else
    say "  NATS server left at its priority: only root may set it back after a run"
  fi
}
nats_renice() { # every thread of the NATS server to nice $1
  local task ok=0
  for task in /proc/"$NATS_PID"/task/*; do renice -n "$1" -p "${task##*/}" >/dev/null 2>&1 && ok=1; done
  [ "$ok" = 1 ]
}
nats_unpin() {
  [ -n "$NATS_AFFINITY" ] && taskset -apc "$NATS_AFFINITY" "$NATS_PID" >/dev/null 2>&1 || true
  [ -n "$NATS_NICE" ] && nats_renice "$NATS_NICE" || true
  NATS_AFFINITY= NATS_NICE=
}
# The control plane of switchboard-full, started under the name $1 (its log: $OUT/$1.log). It is started once before
# the load, to make its schema, consumers and buckets, and stopped before the warm-up (cp_stop): on this 2-core
# machine it could only run on the load generator's core, where it held wrk back. The gateway publishes to JetStream
# during the load exactly as it would with the control plane running; the control plane is started again after the
# last measured run (cp_start control-plane-drain) and writes the stream to ClickHouse while no load runs.
cp_start() {
  SWITCHBOARD_PG_HOST=$SWITCHBOARD_PG_HOST SWITCHBOARD_PG_PORT=$SWITCHBOARD_PG_PORT SWITCHBOARD_PG_USER=$SWITCHBOARD_PG_USER \
    SWITCHBOARD_PG_DATABASE=$SWITCHBOARD_PG_DATABASE SWITCHBOARD_NATS_URL=$SWITCHBOARD_NATS_URL \
    SWITCHBOARD_CLICKHOUSE_URL=$SWITCHBOARD_CLICKHOUSE_URL SWITCHBOARD_CLICKHOUSE_DATABASE=$FULL_NAME \
    SWITCHBOARD_ADMIN_TOKEN=$FULL_TOKEN SWITCHBOARD_MASTER_KEY=$FULL_MASTER_KEY \
    start "$1" "$LG_CPU" "$REPO" java "-Xmx$CP_HEAP" -XX:+UseSerialGC -Dquarkus.http.host=127.0.0.1 \
      "-Dquarkus.http.port=$CP_PORT" "-Dswitchboard.db.schema=$FULL_NAME" "-Dswitchboard.sync.bucket=$FULL_BUCKET" \
      "-Dswitchboard.telemetry.stream=$FULL_STREAM" "-Dswitchboard.telemetry.subject-prefix=$FULL_SUBJECTS" \
      "-Dswitchboard.telemetry.writer.consumer=$FULL_BUCKET-writer" "-Dswitchboard.traces.consumer=$FULL_BUCKET-spans" \
      "-Dswitchboard.limits.subject-prefix=$FULL_LIMIT_SUBJECTS" "-Dswitchboard.limits.bucket=$FULL_BUCKET-limits" \
      -jar "$CP_JAR"
  CP_PID=${PID_OF[$1]}
  local i
  for i in $(seq 240); do
    curl -sf --max-time 2 "http://127.0.0.1:$CP_PORT/q/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$CP_PID" 2>/dev/null || break
    sleep 0.5
  done
  say "bench: FAIL the control plane did not get ready on port $CP_PORT; last lines of $OUT/$1.log:" >&2
  tail -n 20 "$OUT/$1.log" >&2 || true
  return 1
}
cp_stop() { # a clean stop (SIGTERM): what it fetched and did not write yet is delivered again to the next start
  local i
  [ -n "${CP_PID:-}" ] || return 0
  CP_CPU_MS=$((${CP_CPU_MS:-0} + $(cpu_ms "$CP_PID")))
  kill -TERM "$CP_PID" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$CP_PID" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$CP_PID" 2>/dev/null || true
  wait "$CP_PID" 2>/dev/null || true
  CP_PID=
}
# One JetStream API call ($1: the subject after $JS.API., $2: the JSON request) over the NATS protocol (no CLI needed);
# sets JS_REPLY to the answer. Only the bench's own stream is ever named here.
js_api() {
  local addr=${SWITCHBOARD_NATS_URL#*://} line
  addr=${addr%%/*}
  JS_REPLY=
  [[ $addr != *@* ]] || { JS_REPLY='a NATS URL with credentials: not supported here'; return 1; }
  exec 7<>"/dev/tcp/${addr%:*}/${addr##*:}" || return 1
  printf 'CONNECT {"verbose":false,"pedantic":false,"name":"bench"}\r\nSUB _INBOX.bench.js 1\r\nPUB $JS.API.%s _INBOX.bench.js %d\r\n%s\r\n' \
    "$1" "${#2}" "$2" >&7
  while read -r -t 10 line <&7; do
    case $line in
      PING*) printf 'PONG\r\n' >&7 ;;
      '{"type"'* | '{"error"'*) JS_REPLY=$line; break ;;
    esac
  done
  exec 7>&-
  [[ $JS_REPLY == *'"type"'* && $JS_REPLY != *'"error"'* ]]
}
js_delete_stream() { # $1, with its consumers; a stream that is not there is fine
  js_api "STREAM.DELETE.$1" '' || [[ $JS_REPLY == *'stream not found'* ]] ||
    { say "bench: could not delete the JetStream stream $1: ${JS_REPLY:-no answer}" >&2; return 1; }
}
# The telemetry stream of switchboard-full, made here with room for every row of the run ($FULL_STREAM_BYTES) since
# the control plane drains it only after the load; otherwise as the planes make it (they leave an existing one as it is).
js_create_stream() {
  js_api "STREAM.CREATE.$FULL_STREAM" "{\"name\":\"$FULL_STREAM\",\"subjects\":[\"$FULL_SUBJECTS>\"],\"storage\":\"file\",\"retention\":\"limits\",\"discard\":\"old\",\"max_bytes\":$FULL_STREAM_BYTES,\"max_age\":604800000000000,\"duplicate_window\":120000000000,\"num_replicas\":1}" ||
    { say "bench: could not create the JetStream stream $FULL_STREAM: ${JS_REPLY:-no answer}" >&2; return 1; }
}
# How many of the run's request logs are in ClickHouse, and what the gateway says it published and dropped.
full_check() {
  local want=$FULL_ANSWERED got=0 i min metrics last_got= stalled=0
  min=$(awk -v n="$want" -v s="$FULL_MIN_SHARE" 'BEGIN { printf "%d", n * s }')
  say "== switchboard-full: telemetry check (request logs of instance $FULL_INSTANCE in ClickHouse $FULL_NAME.request_logs)"
  for i in $(seq $((FULL_WAIT * 2))); do
    got=$(ch "SELECT count() FROM $FULL_NAME.request_logs WHERE instance = '$FULL_INSTANCE'" 2>>"$OUT/checks.err") || got=0
    [ "$got" -ge "$want" ] && break
    # at least the share, and no more arriving for 5 s: what is missing was lost, not late
    if [ "$got" -ge "$min" ] && [ "$got" -ge 1 ]; then
      [ "$got" = "${last_got:-}" ] && stalled=$((${stalled:-0} + 1)) || stalled=0
      [ "${stalled:-0}" -ge 10 ] && break
    fi
    last_got=$got
    sleep 0.5
  done
  local drain_s
  drain_s=$(awk -v a="${DRAIN_START:-0}" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
  metrics=$(curl -sS --max-time 10 "http://127.0.0.1:$SBFULL_PORT/q/metrics" 2>>"$OUT/checks.err" |
    grep -E '^switchboard_telemetry_(published_rows|dropped_rows|failed_publishes|queued_rows)' || true)
  local api
  api=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $FULL_TOKEN" \
    "http://127.0.0.1:$CP_PORT/admin/v1/request-logs?limit=1" 2>>"$OUT/checks.err") || api=000
  local result=ok
  [ "$got" -ge "$min" ] && [ "$got" -ge 1 ] || result=FAIL
  {
    printf 'answered\tstored\tmin_share\tresult\tcontrol_plane_cpu_ms\tadmin_api_http\tdrain_s\n'
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$want" "$got" "$FULL_MIN_SHARE" "$result" \
      "$((${CP_CPU_MS:-0} + $(cpu_ms "${CP_PID:-0}")))" "$api" "$drain_s"
  } >"$OUT/telemetry.tsv"
  printf '%s\n' "$metrics" >"$OUT/telemetry-metrics.txt"
  say "  answered by switchboard-full: $want; request logs in ClickHouse: $got (need >= $min), ${drain_s}s after the control plane's start; admin API request-logs: HTTP $api"
  printf '%s\n' "$metrics" | sed 's/^/  /'
  if [ "$result" = FAIL ]; then
    say "  FAIL  switchboard-full: only $got of $want request logs reached ClickHouse within ${FULL_WAIT}s" >&2
    FAILED+=("switchboard-full: $got of $want request logs reached ClickHouse (telemetry dropped or not written)")
  else
    say "  ok    switchboard-full: $got of $want request logs in ClickHouse"
  fi
}

start mock "$LG_CPU" "$WORK/mock" "$NGINX" -p "$WORK/mock" -e "$WORK/mock/error.log" -c "$WORK/mock/nginx.conf"
wait_port mock "$MOCK_PORT" 10 || die "the nginx mock did not start"
if any_mcp; then
  start mcp-mock "$LG_CPU" "$WORK/mock" node "$BENCH/mcp-mock.mjs" --port "$MCP_MOCK_PORT" --dir "$WORK/mock"
  wait_port mcp-mock "$MCP_MOCK_PORT" 10 || die "the MCP mock did not start"
fi
if needs_proxy; then
  start nginx-proxy "$GW_CPU" "$WORK/proxy" "$NGINX" -p "$WORK/proxy" -e "$WORK/proxy/error.log" -c "$WORK/proxy/nginx.conf"
  if wait_port nginx-proxy "$PROXY_PORT" 10; then
    PID_OF[nginx-proxy]=$(nginx_worker "${PID_OF[nginx-proxy]}")   # RSS of the worker, which does the work
    PID_OF[mcp-nginx-proxy]=${PID_OF[nginx-proxy]}
  else
    has_target nginx-proxy && drop_target nginx-proxy "did not start"
    has_target mcp-nginx-proxy && drop_target mcp-nginx-proxy "did not start"
  fi
fi
if has_target portkey; then
  start portkey "$GW_CPU" "$WORK/portkey" node node_modules/@portkey-ai/gateway/build/start-server.js --port="$PORTKEY_PORT"
  wait_port portkey "$PORTKEY_PORT" 30 || drop_target portkey "did not start"
fi
if any_sb_shared; then
  SWITCHBOARD_CONFIG=$WORK/switchboard/config.yaml \
    start switchboard "$GW_CPU" "$REPO" java ${SB_HEAP:+"-Xmx$SB_HEAP"} -XX:+UseSerialGC $SB_JAVA_OPTS \
      "-Dquarkus.http.port=$SB_PORT" -Dquarkus.http.host=127.0.0.1 -Dquarkus.vertx.event-loops-pool-size=1 -jar "$SB_JAR"
  if wait_port switchboard "$SB_PORT" 90; then
    for t in $TARGETS; do is_sb_shared "$t" && PID_OF[$t]=${PID_OF[switchboard]}; done
  else
    for t in $TARGETS; do is_sb_shared "$t" && drop_target "$t" "did not start"; done
  fi
fi
if has_target switchboard-full; then
  if full_start; then
    # The same jar, heap, GC, event loop and config file as `switchboard`; with a NATS URL its request logs and spans
    # go to the bench's telemetry stream and its limit counts to the control plane. The config stays the file's: the
    # gateway watches a bucket nobody publishes to (and a cache file of its own), never the control plane's snapshots.
    rm -f "$WORK/switchboard/full-snapshot-cache.json.gz"
    SWITCHBOARD_CONFIG=$WORK/switchboard/config.yaml \
      start switchboard-full "$GW_CPU" "$REPO" java ${SB_HEAP:+"-Xmx$SB_HEAP"} -XX:+UseSerialGC $SB_JAVA_OPTS \
        "-Dquarkus.http.port=$SBFULL_PORT" -Dquarkus.http.host=127.0.0.1 -Dquarkus.vertx.event-loops-pool-size=1 \
        "-Dswitchboard.nats.url=$SWITCHBOARD_NATS_URL" "-Dswitchboard.sync.bucket=$FULL_BUCKET-unused" \
        "-Dswitchboard.snapshot-cache=$WORK/switchboard/full-snapshot-cache.json.gz" \
        -Dswitchboard.telemetry.enabled=true -Dswitchboard.traces.export=nats \
        "-Dswitchboard.telemetry.stream=$FULL_STREAM" "-Dswitchboard.telemetry.subject-prefix=$FULL_SUBJECTS" \
        "-Dswitchboard.telemetry.instance-id=$FULL_INSTANCE" \
        "-Dswitchboard.limits.subject-prefix=$FULL_LIMIT_SUBJECTS" "-Dswitchboard.limits.bucket=$FULL_BUCKET-limits" \
        -jar "$SB_JAR"
    wait_port switchboard-full "$SBFULL_PORT" 90 || drop_target switchboard-full "did not start"
  else
    drop_target switchboard-full "the stack or the control plane did not start (see $OUT/stack.log, $OUT/control-plane.log)"
  fi
fi
if any_mcp_gateway; then
  SWITCHBOARD_CONFIG=$WORK/switchboard/config.yaml \
    start mcp-gateway "$GW_CPU" "$REPO" java ${SB_HEAP:+"-Xmx$SB_HEAP"} -XX:+UseSerialGC $SB_JAVA_OPTS \
      "-Dquarkus.http.port=$MCPGW_PORT" -Dquarkus.http.host=127.0.0.1 -Dquarkus.vertx.event-loops-pool-size=1 -jar "$MCPGW_JAR"
  if wait_port mcp-gateway "$MCPGW_PORT" 90; then
    for t in $TARGETS; do is_mcp_gateway "$t" && PID_OF[$t]=${PID_OF[mcp-gateway]}; done
  else
    for t in $TARGETS; do is_mcp_gateway "$t" && drop_target "$t" "did not start"; done
  fi
fi
# One MCP session per gateway endpoint, opened the way a client opens it (initialize, notifications/initialized);
# wrk then sends its tools/call in that session.
declare -A MCP_SESSION=()
MCP_VERSION=2025-06-18
mcp_endpoint_of() { case $1 in mcp-gateway) echo bench ;; mcp-gateway-guardrails) echo bench-guarded ;; esac; }
for t in $TARGETS; do
  is_mcp_gateway "$t" || continue
  url=http://127.0.0.1:$MCPGW_PORT/mcp/v1/$(mcp_endpoint_of "$t")/mcp
  sid=$(curl -sS --max-time 10 -D - -o "$OUT/initialize.$t" -H "Authorization: Bearer $SB_KEY" \
          -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
          -d "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"$MCP_VERSION\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}" \
          "$url" 2>>"$OUT/checks.err" | tr -d '\r' | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: *//p') || sid=
  if [ -z "$sid" ]; then drop_target "$t" "initialize gave no session (see $OUT/initialize.$t)"; continue; fi
  curl -sS --max-time 10 -o /dev/null -H "Authorization: Bearer $SB_KEY" -H "Mcp-Session-Id: $sid" \
    -H "MCP-Protocol-Version: $MCP_VERSION" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$url" 2>>"$OUT/checks.err" || true
  MCP_SESSION[$t]=$sid
done
: >"$OUT/rss.tsv"
for t in $TARGETS; do [ -n "${PID_OF[$t]:-}" ] && printf '%s\tidle\t%s\n' "$t" "$(rss_kb "${PID_OF[$t]}")" >>"$OUT/rss.tsv"; done

# ---------------------------------------------------------------- what a request to each target looks like
# sets URL, MODEL, HDRS for target $1 in mode $2
request_of() {
  local t=$1 m=$2 base=/v1
  [ "$m" = sse ] && base=/stream/v1
  HDRS=() MODEL=
  case $t in
    mcp-direct)      URL=http://127.0.0.1:$MCP_MOCK_PORT/mcp ;;
    mcp-nginx-proxy) URL=http://127.0.0.1:$PROXY_PORT/mcp ;;
    mcp-gateway*)
      URL=http://127.0.0.1:$MCPGW_PORT/mcp/v1/$(mcp_endpoint_of "$t")/mcp
      HDRS=(-H "Authorization: Bearer $SB_KEY" -H "Mcp-Session-Id: ${MCP_SESSION[$t]:-}" -H "MCP-Protocol-Version: $MCP_VERSION") ;;
    nginx-direct) URL=http://127.0.0.1:$MOCK_PORT$base/chat/completions; MODEL=gpt-4o-mini ;;
    nginx-proxy)  URL=http://127.0.0.1:$PROXY_PORT$base/chat/completions; MODEL=gpt-4o-mini ;;
    portkey)
      URL=http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions; MODEL=gpt-4o-mini
      HDRS=(-H "x-portkey-provider: openai" -H "x-portkey-custom-host: http://127.0.0.1:$MOCK_PORT$base"
            -H "Authorization: Bearer sk-bench-unused") ;;
    switchboard*)
      URL=http://127.0.0.1:$SB_PORT/v1/chat/completions
      is_full "$t" && URL=http://127.0.0.1:$SBFULL_PORT/v1/chat/completions
      HDRS=(-H "Authorization: Bearer $SB_KEY")
      case $t/$m in
        switchboard/json) MODEL=mock/gpt-4o-mini ;;
        switchboard/sse)  MODEL=mock-stream/gpt-4o-mini ;;
        switchboard-vm-priority/json) MODEL=vm-00 ;;  # priority over mock/gpt-4o-mini, mock/gpt-4o-mini-001
        switchboard-vm-weight/json)   MODEL=vm-01 ;;  # 50/50 over two mock models
        switchboard-vm-priority/sse)  MODEL=vm-18 ;;  # priority over the two mock-stream models
        switchboard-vm-weight/sse)    MODEL=vm-19 ;;  # 50/50 over the two mock-stream models
        switchboard-anthropic/json)   MODEL=mock-anthropic/claude-bench ;;         # translated to and from Anthropic
        switchboard-anthropic/sse)    MODEL=mock-anthropic-stream/claude-bench ;;
        switchboard-bedrock/*)        MODEL=mock-bedrock/bench-model ;;            # Converse / ConverseStream, SigV4
        switchboard-gemini/*)         MODEL=mock-gemini/gemini-bench ;;            # generateContent / streamGenerateContent
        switchboard-vertex/*)         MODEL=mock-vertex/gemini-bench ;;            # the same on Vertex AI, Bearer token
        switchboard-azure/json)       MODEL=mock-azure/gpt-4o-mini ;;              # Azure deployment path, passed through
        switchboard-azure/sse)        MODEL=mock-azure-stream/gpt-4o-mini ;;
        switchboard-guardrails/json)  MODEL=mock-guarded/gpt-4o-mini ;;            # PII, secrets and regex guardrails
        switchboard-guardrails/sse)   MODEL=mock-guarded-stream/gpt-4o-mini ;;
        switchboard-limits/json)      MODEL=mock-limited/gpt-4o-mini ;;            # a rate limit and a budget per key
        switchboard-limits/sse)       MODEL=mock-limited-stream/gpt-4o-mini ;;
        switchboard-full/json)        MODEL=mock-limited/gpt-4o-mini ;;            # the limits, plus telemetry on
        switchboard-full/sse)         MODEL=mock-limited-stream/gpt-4o-mini ;;
      esac ;;
  esac
}

# ---------------------------------------------------------------- correctness: bodies must equal the mock's bytes
# The targets whose answer is translated from another provider's: they must carry the mock's text (check-body.mjs).
is_translated() {
  case $1 in switchboard-anthropic | switchboard-bedrock | switchboard-gemini | switchboard-vertex) return 0 ;; esac
  return 1
}
expected_of() { # target mode -> the mock's body the answer must equal (a translated one: carry the text of)
  case $1/$2 in
    */mcp) echo "$WORK/mock/expected.mcp.json" ;;
    switchboard-azure/json) echo "$WORK/mock/azure.json" ;;   # Azure's own answer, passed through as it is
    switchboard-azure/sse) echo "$WORK/mock/azure.sse" ;;
    */sse) echo "$WORK/mock/expected.sse" ;;
    *) echo "$WORK/mock/expected.json" ;;
  esac
}
say "== correctness (body through each target vs the mock's fixed body)"
printf 'target\tmode\thttp\tresult\n' >"$OUT/checks.tsv"
for t in $TARGETS; do
  ok=1
  for m in $(modes_of "$t"); do
    request_of "$t" "$m"
    body=$OUT/body.$t.$m
    if [ "$m" = mcp ]; then
      code=$(curl -sS -N --max-time 30 -o "$body" -w '%{http_code}' "${HDRS[@]}" -H 'Content-Type: application/json' \
        -H 'Accept: application/json, text/event-stream' \
        -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"lookup","arguments":{"order_id":"4711"}}}' \
        "$URL" 2>>"$OUT/checks.err") || code=000
    else
      stream=; [ "$m" = sse ] && stream=',"stream":true'
      code=$(curl -sS -N --max-time 30 -o "$body" -w '%{http_code}' "${HDRS[@]}" -H 'Content-Type: application/json' \
        -d "{\"model\":\"$MODEL\",\"messages\":[{\"role\":\"user\",\"content\":\"Say something short.\"}]$stream}" \
        "$URL" 2>>"$OUT/checks.err") || code=000
    fi
    is_full "$t" && FULL_ANSWERED=$((FULL_ANSWERED + 1))
    expected=$(expected_of "$t" "$m")
    if [ "$code" = 200 ] && cmp -s "$body" "$expected"; then
      result=identical; say "  ok    $t $m: HTTP 200, body identical ($(wc -c <"$body") bytes)"
    elif [ "$code" = 200 ] && is_translated "$t" &&
         why=$(node "$BENCH/check-body.mjs" --kind text --got "$body" --expected "$expected"); then
      result=translated; say "  ok    $t $m: HTTP 200, translated answer carries the mock's text, finish reason and usage ($(wc -c <"$body") bytes)"
    elif [ "$code" = 200 ] && [ "$m" = mcp ] &&
         why=$(node "$BENCH/check-body.mjs" --kind json --got "$body" --expected "$expected"); then
      result=same-json; say "  ok    $t $m: HTTP 200, the same JSON-RPC result ($(wc -c <"$body") bytes)"
    else
      result=DIFFERS; ok=0
      say "  FAIL  $t $m: HTTP $code, body differs from the mock's: $(head -c 160 "$body" 2>/dev/null | tr '\n' ' ')" >&2
    fi
    printf '%s\t%s\t%s\t%s\n' "$t" "$m" "$code" "$result" >>"$OUT/checks.tsv"
  done
  [ $ok = 1 ] || FAILED+=("$t: body differs from the mock's (see $OUT/checks.tsv), measured anyway")
done

# ---------------------------------------------------------------- environment
version_of() { node -p "require('$1/package.json').version" 2>/dev/null || echo '?'; }
{
  say "date: $(date -u +%FT%TZ)"
  say "host: $(uname -srm); cpu:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) x$NCPU; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  say "node $(node -v); $("$NGINX" -v 2>&1); $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
  command -v java >/dev/null && say "java: $(java -version 2>&1 | head -n1)"
  has_target portkey && say "portkey: @portkey-ai/gateway $(version_of "$WORK/portkey/node_modules/@portkey-ai/gateway"), @hono/node-server $(version_of "$WORK/portkey/node_modules/@hono/node-server")"
  any_switchboard && say "switchboard: $SB_JAR, ${SB_HEAP:+-Xmx$SB_HEAP }-XX:+UseSerialGC${SB_JAVA_OPTS:+ $SB_JAVA_OPTS}, 1 event loop; config $WORK/switchboard/config.yaml (1000 keys, 100 models, 20 virtual models)"
  has_target switchboard-full && say "switchboard-full: the same jar, heap, GC, event loop and config on port $SBFULL_PORT, models mock-limited*/gpt-4o-mini (a rate limit and a budget), request logs and spans to NATS ($SWITCHBOARD_NATS_URL, stream $FULL_STREAM), written to ClickHouse database $FULL_NAME by a control plane ($CP_JAR, -Xmx$CP_HEAP) on CPU $LG_CPU, stopped during the load and draining the stream after the last run"
  any_mcp_gateway && say "mcp-gateway: $MCPGW_JAR, ${SB_HEAP:+-Xmx$SB_HEAP }-XX:+UseSerialGC${SB_JAVA_OPTS:+ $SB_JAVA_OPTS}, 1 event loop; same config; MCP mock: node $(node -v) on CPU $LG_CPU"
  say "repo: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo 'no commit')"
  say "pinning: gateway under test on CPU $GW_CPU (taskset -c $GW_CPU); wrk -t1 + nginx mock on CPU $LG_CPU"
  any_switchboard && say "answers checked under load: $([ "$CHECK_BODIES" = 1 ] && echo "every switchboard answer (wrk, post.lua EXPECT)" || echo "no (CHECK_BODIES=0)")"
  say "targets: $TARGETS; modes: $MODES; conns: $CONNS; reps: $REPS; dur: ${DUR}s (>=64 conns: ${DUR_SAT}s); warm-up: JVM ${WARMUP}s total, others ${WARMUP_OTHER}s per mode"
} | tee "$OUT/env.txt"

# ---------------------------------------------------------------- load
# What wrk checks in every answer of a target (post.lua's EXPECT): the switchboard targets' answers must hold the
# mock's text (JSON) or the finish reason (a stream), passed through or translated; a broken translation then shows as
# bad bodies instead of as speed. Other targets' bodies are not looked at (wrk's cost stays as before for them).
ANSWER_TEXT=$(cat "$WORK/mock/answer.txt")
declare -A BAD_OF=()   # target -> answers without the expected text, over its warm-up and measured runs
expect_of() { # target mode
  if [ "$CHECK_BODIES" = 1 ] && is_switchboard "$1"; then
    case $2 in json) printf '%s' "$ANSWER_TEXT" ;; sse) printf '%s' '"finish_reason":"stop"' ;; esac
  fi
}
# run_wrk target mode conns seconds -> sets LINE (wrk's RESULT line), PEAK and END (gateway RSS in kB),
# CPU (ms of CPU the gateway process used during the run), SYS (the part of it in the kernel) and NATS_CPU (ms of the
# NATS server's CPU during a switchboard-full run, 0 for the others)
run_wrk() {
  local t=$1 m=$2 gw=${PID_OF[$1]:-} rss cpu0=0 sys0=0 nats0=0
  request_of "$t" "$m"
  [ -n "$gw" ] && { cpu0=$(cpu_ms "$gw"); sys0=$(sys_ms "$gw"); }
  is_full "$t" && [ -n "$NATS_PID" ] && nats0=$(cpu_ms "$NATS_PID")
  EXPECT=$(expect_of "$t" "$m") \
  MODEL=$MODEL STREAM=$([ "$m" = sse ] && echo 1 || echo 0) MCP=$([ "$m" = mcp ] && echo 1 || echo 0) taskset -c "$LG_CPU" \
    wrk -t1 -c"$3" -d"$4"s --timeout 10s -s "$BENCH/post.lua" "${HDRS[@]}" "$URL" >"$OUT/wrk.out" 2>&1 &
  WRK_PID=$!
  PEAK=0
  while kill -0 "$WRK_PID" 2>/dev/null; do
    if [ -n "$gw" ]; then rss=$(rss_kb "$gw"); ((rss > PEAK)) && PEAK=$rss; fi
    sleep 0.5
  done
  wait "$WRK_PID" || true
  WRK_PID=
  END=0 CPU=0 SYS=0 NATS_CPU=0
  is_full "$t" && [ -n "$NATS_PID" ] && NATS_CPU=$(($(cpu_ms "$NATS_PID") - nats0))
  if [ -n "$gw" ]; then
    END=$(rss_kb "$gw"); ((END > PEAK)) && PEAK=$END
    CPU=$(($(cpu_ms "$gw") - cpu0))
    SYS=$(($(sys_ms "$gw") - sys0))
  fi
  LINE=$(grep '^RESULT' "$OUT/wrk.out" || true)
  [ -n "$LINE" ] || { say "bench: wrk gave no RESULT for $t $m c=$3:" >&2; tail -n 5 "$OUT/wrk.out" >&2; }
  is_full "$t" && FULL_ANSWERED=$((FULL_ANSWERED + $(field reqs)))
  BAD_OF[$t]=$((${BAD_OF[$t]:-0} + $(field bad_body)))
  return 0
}
field() { local x; x=$(sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$LINE"); echo "${x:-0}"; }

n_sb=0 n_mcpgw=0
for t in $TARGETS; do is_sb_shared "$t" && n_sb=$((n_sb + 1)); is_mcp_gateway "$t" && n_mcpgw=$((n_mcpgw + 1)); done
n_modes=$(wc -w <<<"$MODES")
# switchboard-full's control plane stops here and drains the stream after the last measured run (see cp_start)
if has_target switchboard-full && [ -n "${CP_PID:-}" ]; then
  say "bench: switchboard-full: control plane stopped for the load (it drains the stream after the last run)"
  cp_stop
fi
say "== warm-up"
for t in $TARGETS; do
  [ "$t" = nginx-direct ] && continue
  secs=$WARMUP_OTHER
  is_sb_shared "$t" && secs=$(((WARMUP + n_sb * n_modes - 1) / (n_sb * n_modes)))
  is_full "$t" && secs=$(((WARMUP + n_modes - 1) / n_modes))   # a JVM of its own: the whole warm-up
  is_mcp_gateway "$t" && secs=$(((WARMUP + n_mcpgw - 1) / n_mcpgw))
  [ "$t" = mcp-direct ] && continue
  [ "$secs" -gt 0 ] || continue
  for m in $(modes_of "$t"); do
    say "  $t $m: ${secs}s at 16 connections"
    run_wrk "$t" "$m" 16 "$secs"
  done
  [ -n "${PID_OF[$t]:-}" ] && printf '%s\twarm\t%s\n' "$t" "$(rss_kb "${PID_OF[$t]}")" >>"$OUT/rss.tsv"
done

# Each repetition runs every target at one mode and connection count back to back before the next: the runs a ratio
# compares are seconds apart, so that a slow drift of this shared machine's speed (minutes long) falls on both
# (summarize.mjs pairs them by repetition).
ALL_MODES=$MODES
any_mcp && ALL_MODES+=" mcp"
say "== measuring (reps interleaved across targets: at each mode and connection count, every target in turn)"
printf 'rep\ttarget\tmode\tconns\tsecs\trps\tp50_us\tp90_us\tp99_us\terrors\trss_peak_kb\trss_end_kb\treqs\tcpu_ms\tbad_bodies\tsys_ms\tnats_cpu_ms\n' >"$OUT/results.tsv"
for rep in $(seq "$REPS"); do
  for m in $ALL_MODES; do
    for c in $CONNS; do
      for t in $TARGETS; do
        [[ " $(modes_of "$t") " == *" $m "* ]] || continue
        d=$DUR; [ "$c" -ge 64 ] && d=$DUR_SAT
        run_wrk "$t" "$m" "$c" "$d"
        errs=$(($(field err_connect) + $(field err_read) + $(field err_write) + $(field err_status) + $(field err_timeout)))
        row=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$rep" "$t" "$m" "$c" "$d" \
          "$(field rps)" "$(field p50_us)" "$(field p90_us)" "$(field p99_us)" "$errs" "$PEAK" "$END" "$(field reqs)" "$CPU" \
          "$(field bad_body)" "$SYS" "$NATS_CPU")
        printf '%s\n' "$row" >>"$OUT/results.tsv"
        printf '  %s\n' "$row"
        sleep 1
      done
    done
  done
done
for t in $TARGETS; do [ -n "${PID_OF[$t]:-}" ] && printf '%s\tend\t%s\n' "$t" "$(rss_kb "${PID_OF[$t]}")" >>"$OUT/rss.tsv"; done
rm -f "$OUT/wrk.out"
for t in $TARGETS; do
  [ "${BAD_OF[$t]:-0}" = 0 ] || FAILED+=("$t: ${BAD_OF[$t]} answers under load without the mock's text (bad_bodies in results.tsv)")
done
if has_target switchboard-full; then
  say "== switchboard-full: control plane started again to write the run's telemetry to ClickHouse (no load now)"
  DRAIN_START=$(date +%s%N)
  cp_start control-plane-drain || FAILED+=("switchboard-full: the control plane did not start again to drain the stream")
  full_check
fi

say "== summary"
node "$BENCH/summarize.mjs" --dir "$OUT" >"$OUT/summary.md"
cat "$OUT/summary.md"
say ""
say "results: $OUT (summary.md, results.tsv, checks.tsv, rss.tsv, env.txt, logs)"
if ((${#FAILED[@]})); then
  say "" >&2
  say "bench: FAILED:" >&2
  printf '  %s\n' "${FAILED[@]}" >&2
  exit 1
fi
