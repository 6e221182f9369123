#!/usr/bin/env bash
# Switchboard soak: the gateway at half its measured capacity for a long time (30 minutes by default), with the RSS,
# the heap after GC and the p99 sampled every minute, and a summary that says whether they stayed flat.
# The same setup as bench/run.sh: the gateway jar pinned to CPU $GW_CPU with one event loop, -Xmx256m and SerialGC,
# the nginx mock upstream and wrk on CPU $LG_CPU, the generated config (1,000 API keys, 100 models), 127.0.0.1 only.
# Run from anywhere: bench/soak.sh. Knobs (env) right below; see bench/README.md (Soak).
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)

SOAK_MINUTES=${SOAK_MINUTES:-30}     # minutes at half capacity, each one a sample
MODE=${MODE:-json}                   # json or sse (the mock's fixed 650-byte answer, or its 5 KB stream)
CONNS=${CONNS:-64}                   # wrk connections, for the capacity run and the soak
WARMUP=${WARMUP:-60}                 # seconds of JVM warm-up at full load before the capacity run
CAPACITY_DUR=${CAPACITY_DUR:-30}     # seconds of the capacity run
LOAD_SHARE=${LOAD_SHARE:-0.5}        # the soak's target rate, as a share of the measured capacity
FLAT_TOLERANCE=${FLAT_TOLERANCE:-0.10}   # "flat": the last third within this share of the first third
LIVE_EVERY=${LIVE_EVERY:-5}          # minutes between two live-heap samples (a full GC each, between two minutes)
WORK=${WORK:-$REPO/target/bench}
GW_CPU=${GW_CPU:-1}
LG_CPU=${LG_CPU:-0}
MOCK_PORT=${MOCK_PORT:-18080}
SB_PORT=${SB_PORT:-18190}
KEY_INDEX=${KEY_INDEX:-499}
SB_JAR=${SB_JAR:-$REPO/gateway-plane/target/quarkus-app/quarkus-run.jar}
SB_HEAP=${SB_HEAP:-256m}

say() { printf '%s\n' "$*"; }
die() { printf 'soak: %s\n' "$*" >&2; exit 1; }

[[ $MODE == json || $MODE == sse ]] || die "MODE must be json or sse (got '$MODE')"
for n in "$SOAK_MINUTES" "$CONNS" "$WARMUP" "$CAPACITY_DUR"; do
  [[ $n =~ ^[0-9]+$ && $n -gt 0 ]] || die "SOAK_MINUTES, CONNS, WARMUP and CAPACITY_DUR must be positive whole numbers (got '$n')"
done
for tool in nginx wrk node taskset curl jcmd; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
    die "missing '$tool' (Debian: apt-get install -y nginx wrk nodejs curl util-linux; jcmd comes with the JDK)"
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
taskset -c "$GW_CPU" true 2>/dev/null && taskset -c "$LG_CPU" true 2>/dev/null ||
  die "cannot pin to CPUs $GW_CPU and $LG_CPU (this machine has $(nproc) usable); set GW_CPU / LG_CPU"
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$MOCK_PORT" "$SB_PORT"; do port_open "$p" && die "port $p on 127.0.0.1 is already in use (set MOCK_PORT / SB_PORT)"; done
if [ ! -f "$SB_JAR" ]; then
  say "soak: building the gateway (./mvnw -q -pl gateway-plane -am package -DskipTests)"
  (cd "$REPO" && ./mvnw -q -pl gateway-plane -am package -DskipTests) || die "gateway build failed"
fi

OUT=$WORK/soak/$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
node "$BENCH/mock-upstream-conf.mjs" --port "$MOCK_PORT" --dir "$WORK/mock"
node "$BENCH/gen-config.mjs" --out "$WORK/switchboard" --mock-port "$MOCK_PORT" --mcp-port 18085 >/dev/null
SB_KEY=$(sed -n "$((KEY_INDEX + 1))p" "$WORK/switchboard/keys.tsv" | cut -f2)
[ -n "$SB_KEY" ] || die "no API key number $KEY_INDEX in $WORK/switchboard/keys.tsv"
taskset -cp "$LG_CPU" $$ >/dev/null

PIDS=()
WRK_PID=
cleanup() {
  local p i
  [ -z "$WRK_PID" ] || kill "$WRK_PID" 2>/dev/null || true
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

(cd "$WORK/mock" && exec taskset -c "$LG_CPU" "$NGINX" -p "$WORK/mock" -e "$WORK/mock/error.log" -c "$WORK/mock/nginx.conf") \
  >"$OUT/mock.log" 2>&1 &
PIDS+=($!)
# every collection's "heap before->after" goes to gc.log: the heap after GC, read without forcing a collection
(cd "$REPO" && SWITCHBOARD_CONFIG=$WORK/switchboard/config.yaml exec taskset -c "$GW_CPU" java "-Xmx$SB_HEAP" \
  -XX:+UseSerialGC "-Xlog:gc:file=$OUT/gc.log" "-Dquarkus.http.port=$SB_PORT" -Dquarkus.http.host=127.0.0.1 \
  -Dquarkus.vertx.event-loops-pool-size=1 -jar "$SB_JAR") >"$OUT/switchboard.log" 2>&1 &
SB_PID=$!
PIDS+=($SB_PID)
for i in $(seq 450); do port_open "$SB_PORT" && break; kill -0 "$SB_PID" 2>/dev/null || break; sleep 0.2; done
port_open "$SB_PORT" || { tail -n 20 "$OUT/switchboard.log" >&2; die "the gateway did not come up on port $SB_PORT"; }
port_open "$MOCK_PORT" || die "the nginx mock did not come up on port $MOCK_PORT"

MODEL=mock/gpt-4o-mini
[ "$MODE" = sse ] && MODEL=mock-stream/gpt-4o-mini
URL=http://127.0.0.1:$SB_PORT/v1/chat/completions
code=$(curl -sS -o "$OUT/first-answer" -w '%{http_code}' -H "Authorization: Bearer $SB_KEY" -H 'Content-Type: application/json' \
  -d "{\"model\":\"$MODEL\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" "$URL") || code=000
[ "$code" = 200 ] || die "the gateway answered $code to a chat completion (see $OUT/first-answer)"

# wrk for $1 seconds; DELAY_MS (env) paces each connection. Prints post.lua's RESULT line.
load() {
  local secs=$1
  env MODEL="$MODEL" STREAM=$([ "$MODE" = sse ] && echo 1 || echo 0) DELAY_MS="${DELAY_MS:-0}" \
    wrk -t1 "-c$CONNS" "-d${secs}s" --timeout 10s -s "$BENCH/post.lua" -H "Authorization: Bearer $SB_KEY" "$URL" \
    >"$OUT/wrk.last" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || true
  WRK_PID=
  grep '^RESULT ' "$OUT/wrk.last" || die "wrk gave no result: $(tail -n 5 "$OUT/wrk.last")"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$SB_PID/status"; }
# the heap after the last collection of the last minute (MB), from the GC log: "... 70M->12M(247M) ..."
heap_after_gc_mb() { sed -n 's/.*[0-9]M->\([0-9]*\)M([0-9]*M).*/\1/p' "$OUT/gc.log" | tail -n 1; }
# The live heap (MB): a class histogram, which runs a full GC first and counts what survived it; kept as
# histogram-<label>.txt, so that the summary can name what grew. Taken between two minutes of load, never during one.
live_heap_mb() {
  jcmd "$SB_PID" GC.class_histogram >"$OUT/histogram-$1.txt"
  awk '$1 == "Total" { printf "%.1f", $3 / 1048576 }' "$OUT/histogram-$1.txt"
}

say "soak: warming up for ${WARMUP}s at $CONNS connections ($MODE)"
load "$WARMUP" >/dev/null
say "soak: measuring capacity for ${CAPACITY_DUR}s"
capacity=$(load "$CAPACITY_DUR")
cap_rps=$(field rps "$capacity")
target=$(awk -v r="$cap_rps" -v s="$LOAD_SHARE" 'BEGIN { printf "%.0f", r * s }')
# each connection waits this long after an answer before its next request; corrected every minute toward the target
DELAY_MS=$(awk -v c="$CONNS" -v t="$target" 'BEGIN { printf "%.3f", c * 1000 / t }')
# the pause that would have given the target rate, had the round at $DELAY_MS given $1 req/s
repaced() { awk -v d="$DELAY_MS" -v r="$1" -v t="$target" 'BEGIN { n = d * r / t; if (n < 0.05) n = 0.05; printf "%.3f", n }'; }
# two short rounds to bring the pacing near the target before the first measured minute
for round in 1 2; do
  result=$(DELAY_MS=$DELAY_MS load 20)
  DELAY_MS=$(repaced "$(field rps "$result")")
done
start_heap=$(live_heap_mb 0)
start_rss=$(rss_mb)
printf 'minute\tlive_heap_mb\n0\t%s\n' "$start_heap" >"$OUT/live-heap.tsv"
say "soak: capacity $cap_rps req/s, p99 $(field p99_us "$capacity") us; soaking at $target req/s for $SOAK_MINUTES min"
say "soak: after warm-up and a full GC: live heap $start_heap MB, RSS $start_rss MB"
{
  printf 'minute\trps\tp50_us\tp99_us\tmax_us\terrors\trss_mb\theap_after_gc_mb\tdelay_ms\n'
} >"$OUT/samples.tsv"
for minute in $(seq "$SOAK_MINUTES"); do
  result=$(DELAY_MS=$DELAY_MS load 60)
  rps=$(field rps "$result")
  errors=$(( $(field err_connect "$result") + $(field err_read "$result") + $(field err_write "$result") \
    + $(field err_status "$result") + $(field err_timeout "$result") ))
  row=$(printf '%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s' "$minute" "$rps" "$(field p50_us "$result")" "$(field p99_us "$result")" \
    "$(field max_us "$result")" "$errors" "$(rss_mb)" "$(heap_after_gc_mb)" "$DELAY_MS")
  printf '%s\n' "$row" >>"$OUT/samples.tsv"
  say "soak: $row"
  if (( minute % LIVE_EVERY == 0 || minute == SOAK_MINUTES )); then
    live=$(live_heap_mb "$minute")
    printf '%d\t%s\n' "$minute" "$live" >>"$OUT/live-heap.tsv"
    say "soak: live heap after minute $minute: $live MB"
  fi
  DELAY_MS=$(repaced "$rps")
done
end_rss=$(rss_mb)
first_live=$(sed -n 3p "$OUT/live-heap.tsv" | cut -f1)   # the first sample under soak load (the start's holds warm-up residue)

# flat: the mean of the last third of the minutes within FLAT_TOLERANCE of the mean of the first third
awk -F'\t' -v tol="$FLAT_TOLERANCE" -v cap="$cap_rps" -v target="$target" \
    -v sr="$start_rss" -v er="$end_rss" -v minutes="$SOAK_MINUTES" -v mode="$MODE" -v conns="$CONNS" \
    -v live="$OUT/live-heap.tsv" '
  NR == 1 { next }
  { n++; rps[n] = $2; p99[n] = $4; err += $6; rss[n] = $7; heap[n] = $8 }
  function mean(a, from, to,   s, i) { s = 0; for (i = from; i <= to; i++) s += a[i]; return s / (to - from + 1) }
  function maxof(a,   m, i) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
  function verdict(name, unit, a,   k, first, last, ok) {
    k = int(n / 3); if (k < 1) k = 1
    first = mean(a, 1, k); last = mean(a, n - k + 1, n)
    ok = (last <= first * (1 + tol))
    printf "%-22s first %s: %.1f %s, last %s: %.1f %s, max %.1f %s: %s\n", name, (k == 1 ? "minute" : k " minutes"), first, unit,
      (k == 1 ? "minute" : k " minutes"), last, unit, maxof(a), unit, ok ? "FLAT" : "GREW (more than " tol * 100 "%)"
    return ok
  }
  END {
    printf "Soak: %d minutes at %s req/s (%.0f%% of the measured capacity of %s req/s), %s, %s connections\n",
      minutes, target, target / cap * 100, cap, mode, conns
    printf "%-22s mean %.0f req/s, max %.0f req/s\n", "achieved rate", mean(rps, 1, n), maxof(rps)
    a = verdict("RSS", "MB", rss)
    c = verdict("p99", "us", p99)
    printf "%-22s first %.1f MB, last %.1f MB (informative: with the serial collector, old-generation garbage piles up between full GCs)\n",
      "heap after young GC", mean(heap, 1, 1), mean(heap, n, n)
    while ((getline line < live) > 0) { split(line, f, "\t"); if (f[1] ~ /^[0-9]+$/) { m++; lm[m] = f[1]; lv[m] = f[2] } }
    # the live heap: the first sample under load against the last (the one after warm-up still holds its residue)
    b = (m < 3) || (lv[m] <= lv[2] * (1 + tol))
    printf "%-22s", "live heap (full GC)"; for (i = 1; i <= m; i++) printf " %s: %.1f", (i == 1 ? "start" : "min " lm[i]), lv[i]
    printf " MB: %s\n", b ? "FLAT" : "GREW (more than " tol * 100 "% from minute " lm[2] ")"
    printf "%-22s start %.1f MB, end %.1f MB\n", "RSS before/after", sr, er
    printf "%-22s %d\n", "errors", err
    printf "verdict: %s\n", (a && b && c && err == 0) ? "STABLE" : "NOT STABLE"
  }' "$OUT/samples.tsv" | tee "$OUT/summary.txt"
# what grew most between the first live sample under load and the last, by class (bytes, instances)
if [ -n "$first_live" ] && [ "$first_live" != "$SOAK_MINUTES" ]; then
  {
    printf 'grew most from minute %s to %s (bytes, instances, class):\n' "$first_live" "$SOAK_MINUTES"
    awk 'FNR == 1 { file++ } $1 ~ /^[0-9]+:$/ { if (file == 1) { b0[$4] = $3; n0[$4] = $2 } else { b1[$4] = $3; n1[$4] = $2 } }
      END { for (k in b1) { d = b1[k] - b0[k]; if (d > 0) printf "%d\t%d\t%s\n", d, n1[k] - n0[k], k } }' \
      "$OUT/histogram-$first_live.txt" "$OUT/histogram-$SOAK_MINUTES.txt" | sort -rn | head -n 12 | sed 's/^/  /'
  } | tee -a "$OUT/summary.txt"
fi
say "soak: samples in $OUT/samples.tsv and live-heap.tsv, summary in $OUT/summary.txt"
