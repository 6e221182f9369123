#!/usr/bin/env bash
# Profile of the gateway with everything on (the bench's switchboard-full gateway: a real API key, a rate limit and a
# budget, request logs and spans published to NATS JetStream, the Prometheus meters), measured as CPU time and
# allocation per request, which other load on the machine disturbs far less than RPS.
#
# It starts the nginx mock, a private nats-server (JetStream, its own port and directory, removed at the end) and the
# gateway pinned to $GW_CPU with the same jar, heap, GC, event loop, config and telemetry flags as bench/run.sh's
# switchboard-full. No control plane: the rows stay in the private stream (the gateway's work is the same; what reads
# them is bench/run.sh's concern). After a warm-up, each of $REPS repetitions per mode runs wrk twice:
#   - plain: the gateway's CPU time (/proc/<pid>/stat, user+system) ÷ requests answered, in all and per thread (its
#     /proc/<pid>/task/*: event loop, telemetry publishers, NATS client, GC, JIT compilers);
#   - under JFR (settings=profile): allocation per request (jfr-alloc.mjs: the bytes the event loop and the telemetry
#     publishers allocated, from jdk.ThreadAllocationStatistics) and the recording, kept for the top frames.
# Then the medians, the top CPU frames (self, and the first Switchboard frame of each sample) and the top allocation
# sites, and the gateway's RSS. With COMPARE_JAR set, a second gateway (B: that jar, same flags, its own stream) runs
# beside the first (A) and each repetition measures A then B, so that both see the same outside load: compare them.
#
# Knobs (env): MODES ("json sse"), CONNS (16), REPS (3), DUR (10 s per run), WARMUP (40 s per mode), GW_CPU (1),
# LG_CPU (0), SB_HEAP (256m; empty: no -Xmx, the JVM's own sizing), JAVA_OPTS (more JVM options for the gateway,
# e.g. "-XX:MaxRAM=1g -XX:MaxRAMPercentage=75 -XX:NewSize=24m" for the chart's heap; they come after the script's own -D options, so
# they can override them), JAVA_OPTS_B (gateway B's, default JAVA_OPTS; e.g. telemetry off beside A with
# "-Dswitchboard.telemetry.enabled=false -Dswitchboard.traces.export=none" and COMPARE_JAR set to the same jar),
# WORK (target/profile), TOP (25 frames), ASPROF (the path of async-profiler's asprof: the second run of each
# repetition is then sampled by it, every 1 ms of CPU on every thread, Java, JVM and kernel frames alike, instead of
# recorded by JFR; no allocation figures then). Needs the gateway built: ./mvnw -q -pl gateway-plane -am package -DskipTests
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)
MODES=${MODES:-"json sse"}
CONNS=${CONNS:-16}
REPS=${REPS:-3}
DUR=${DUR:-10}
WARMUP=${WARMUP:-40}
GW_CPU=${GW_CPU:-1}
LG_CPU=${LG_CPU:-0}
SB_HEAP=${SB_HEAP-256m}
JAVA_OPTS=${JAVA_OPTS:-}
WORK=${WORK:-$REPO/target/profile}
TOP=${TOP:-25}
MOCK_PORT=${MOCK_PORT:-18280}
GW_PORT=${GW_PORT:-18293}
NATS_PORT=${NATS_PORT:-18222}
KEY_INDEX=${KEY_INDEX:-499}
SB_JAR=${SB_JAR:-$REPO/gateway-plane/target/quarkus-app/quarkus-run.jar}
COMPARE_JAR=${COMPARE_JAR:-}
ASPROF=${ASPROF:-}
JAVA_OPTS_B=${JAVA_OPTS_B:-$JAVA_OPTS}
GW_PORT_B=${GW_PORT_B:-18294}

die() { printf 'profile: %s\n' "$*" >&2; exit 1; }
for tool in nginx wrk nats-server java jcmd jfr node taskset; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || die "missing '$tool'"
done
[ -f "$SB_JAR" ] || die "no $SB_JAR: ./mvnw -q -pl gateway-plane -am package -DskipTests"
[ -z "$COMPARE_JAR" ] || [ -f "$COMPARE_JAR" ] || die "no $COMPARE_JAR"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
NATS=$(command -v nats-server || echo /usr/sbin/nats-server)

OUT=$WORK/$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
node "$BENCH/mock-upstream-conf.mjs" --port "$MOCK_PORT" --dir "$WORK/mock"
node "$BENCH/gen-config.mjs" --out "$WORK/switchboard" --mock-port "$MOCK_PORT" >/dev/null
KEY=$(sed -n "$((KEY_INDEX + 1))p" "$WORK/switchboard/keys.tsv" | cut -f2)
taskset -cp "$LG_CPU" $$ >/dev/null

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$OUT/nats"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
start() { # name cpu cmd...
  local name=$1 cpu=$2; shift 2
  (exec taskset -c "$cpu" "$@") >"$OUT/$name.log" 2>&1 &
  PIDS+=($!)
  LAST=$!
}
wait_port() { local i; for i in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; return 1; }

start mock "$LG_CPU" "$NGINX" -p "$WORK/mock" -e "$WORK/mock/error.log" -c "$WORK/mock/nginx.conf"
wait_port "$MOCK_PORT" || die "the mock did not start"
start nats "$LG_CPU" "$NATS" -js -a 127.0.0.1 -p "$NATS_PORT" -sd "$OUT/nats"
wait_port "$NATS_PORT" || die "nats-server did not start"
start_gateway() { # name jar port java-options
  # shellcheck disable=SC2086 # the options are a list
  SWITCHBOARD_CONFIG=$WORK/switchboard/config.yaml start "$1" "$GW_CPU" \
    java ${SB_HEAP:+"-Xmx$SB_HEAP"} -XX:+UseSerialGC \
      "-Dquarkus.http.port=$3" -Dquarkus.http.host=127.0.0.1 -Dquarkus.vertx.event-loops-pool-size=1 \
      "-Dswitchboard.nats.url=nats://127.0.0.1:$NATS_PORT" "-Dswitchboard.sync.bucket=sb-profile-$1-unused" \
      "-Dswitchboard.snapshot-cache=$OUT/snapshot-cache.$1.json.gz" \
      -Dswitchboard.telemetry.enabled=true -Dswitchboard.traces.export=nats \
      "-Dswitchboard.telemetry.stream=SB_PROFILE_$1" "-Dswitchboard.telemetry.subject-prefix=sb-profile-$1.telemetry." \
      -Dswitchboard.telemetry.max-bytes=268435456 "-Dswitchboard.telemetry.instance-id=profile-$1" \
      "-Dswitchboard.limits.subject-prefix=sb-profile-$1.limits.counts." "-Dswitchboard.limits.bucket=sb-profile-$1-limits" \
      $4 -jar "$2"
  GW_PID[$1]=$LAST
  GW_AT[$1]=$3
  wait_port "$3" || { tail -n 20 "$OUT/$1.log" >&2; die "the gateway $1 did not start"; }
}
declare -A GW_PID=() GW_AT=()
GATEWAYS=A
start_gateway A "$SB_JAR" "$GW_PORT" "$JAVA_OPTS"
if [ -n "$COMPARE_JAR" ]; then GATEWAYS="A B"; start_gateway B "$COMPARE_JAR" "$GW_PORT_B" "$JAVA_OPTS_B"; fi

CLK_TCK=$(getconf CLK_TCK)
# CPU ticks of each thread, by name with its digits dropped (vert.x-eventloop-thread-0 -> vert.x-eventloop-thread-):
# the threads of a pool add up. Linux keeps a thread's first 15 characters.
thread_ticks() {
  local t s
  for t in /proc/"$1"/task/*; do
    s=$(cat "$t/stat" 2>/dev/null) || continue
    set -- ${s##*) }
    printf '%s\t%d\n' "$(tr -d '0-9' <"$t/comm" | tr ' ' '_')" $((${12} + ${13}))
  done | awk -F'\t' '{ n[$1] += $2 } END { for (k in n) printf "%s\t%d\n", k, n[k] }'
}
cpu_ms() { local s; s=$(cat "/proc/$1/stat"); set -- ${s##*) }; echo $(((${12} + ${13}) * 1000 / CLK_TCK)); }
rss_mb() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
reqs_of() { sed -n 's/^RESULT reqs=\([0-9]*\).*/\1/p' "$1"; }
run_wrk() { # gateway mode seconds output
  local g=$1; shift
  local model=mock-limited/gpt-4o-mini stream=0
  [ "$1" = sse ] && { model=mock-limited-stream/gpt-4o-mini; stream=1; }
  MODEL=$model STREAM=$stream taskset -c "$LG_CPU" wrk -t1 -c"$CONNS" -d"$2"s --timeout 10s -s "$BENCH/post.lua" \
    -H "Authorization: Bearer $KEY" "http://127.0.0.1:${GW_AT[$g]}/v1/chat/completions" >"$3" 2>&1
  grep -q '^RESULT' "$3" || { cat "$3" >&2; die "wrk gave no result"; }
  local e; e=$(sed -n 's/.*err_status=\([0-9]*\).*/\1/p' "$3")
  [ "${e:-0}" = 0 ] || die "the gateway answered $e requests with an error status (see $3)"
}

for g in $GATEWAYS; do
  for m in $MODES; do
    printf 'profile: warm-up %s %s, %ss\n' "$g" "$m" "$WARMUP"
    run_wrk "$g" "$m" "$WARMUP" "$OUT/warmup.$g.$m.txt"
  done
  # JFR's first recording in a process is slow to start (its own code runs cold): one during the warm-up, thrown away
  if [ -z "$ASPROF" ]; then
    jcmd "${GW_PID[$g]}" JFR.start name=warm settings=profile >/dev/null
    run_wrk "$g" json 5 "$OUT/warmup-jfr.$g.txt"
    jcmd "${GW_PID[$g]}" JFR.stop name=warm >/dev/null
  fi
done
printf 'gateway\tmode\trep\treqs\tcpu_ms\tcpu_us_per_req\treqs_jfr\talloc_bytes_per_req\talloc_all_threads_per_req\n' >"$OUT/results.tsv"
for rep in $(seq "$REPS"); do
  for m in $MODES; do
    for g in $GATEWAYS; do
      gw=${GW_PID[$g]}
      thread_ticks "$gw" >"$OUT/threads0.tsv"
      c0=$(cpu_ms "$gw")
      run_wrk "$g" "$m" "$DUR" "$OUT/wrk.$g.$m.$rep.txt"
      c1=$(cpu_ms "$gw")
      thread_ticks "$gw" >"$OUT/threads1.tsv"
      n=$(reqs_of "$OUT/wrk.$g.$m.$rep.txt")
      awk -F'\t' -v g="$g" -v m="$m" -v r="$rep" -v n="$n" -v hz="$CLK_TCK" \
        'NR == FNR { a[$1] = $2; next } { d = $2 - a[$1]; if (d > 0) printf "%s\t%s\t%s\t%s\t%.2f\n", g, m, r, $1, d * 1e6 / hz / n }' \
        "$OUT/threads0.tsv" "$OUT/threads1.tsv" >>"$OUT/threads.tsv"
      if [ -n "$ASPROF" ]; then
        "$ASPROF" start -e cpu -i 1ms --threads "$gw" >/dev/null
        run_wrk "$g" "$m" "$DUR" "$OUT/wrk-jfr.$g.$m.$rep.txt"
        "$ASPROF" stop -o collapsed -f "$OUT/$g.$m.$rep.collapsed.txt" "$gw" >/dev/null
        alloc=0 alloc_all=0
      else
        jcmd "$gw" JFR.start name="p$m$rep" settings=profile filename="$OUT/$g.$m.$rep.jfr" >/dev/null
        run_wrk "$g" "$m" "$DUR" "$OUT/wrk-jfr.$g.$m.$rep.txt"
        jcmd "$gw" JFR.stop name="p$m$rep" >/dev/null
        read -r alloc alloc_all < <(node "$BENCH/jfr-alloc.mjs" "$OUT/$g.$m.$rep.jfr")
      fi
      nj=$(reqs_of "$OUT/wrk-jfr.$g.$m.$rep.txt")
      awk -v g="$g" -v m="$m" -v r="$rep" -v n="$n" -v c=$((c1 - c0)) -v nj="$nj" -v a="$alloc" -v aa="$alloc_all" \
        'BEGIN { printf "%s\t%s\t%s\t%d\t%d\t%.1f\t%d\t%.0f\t%.0f\n", g, m, r, n, c, c * 1000 / n, nj, a / nj, aa / nj }' |
        tee -a "$OUT/results.tsv"
    done
  done
done

{
  printf '## medians of %s (CPU µs per request, bytes allocated per request), %s connections\n\n' "$REPS" "$CONNS"
  for g in $GATEWAYS; do
    for m in $MODES; do
      awk -F'\t' -v g="$g" -v m="$m" '$1 == g && $2 == m { c[++n] = $6; a[n] = $8 }
        function med(x, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
          return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2 }
        END { printf "%s %s: CPU %.1f µs/request, allocation %.0f bytes/request\n", g, m, med(c, n), med(a, n) }' "$OUT/results.tsv"
    done
    printf '%s RSS at the end: %s MB\n' "$g" "$(rss_mb "${GW_PID[$g]}")"
    # with -XX:NativeMemoryTracking=summary in the options: where that memory is
    jcmd "${GW_PID[$g]}" VM.native_memory summary >"$OUT/$g.native-memory.txt" 2>&1 || true
    jcmd "${GW_PID[$g]}" GC.heap_info >"$OUT/$g.heap.txt" 2>&1 || true
  done
  printf '\n## CPU µs per request by thread (medians of %s; threads that used no CPU in a repetition count as 0 there)\n\n' "$REPS"
  for g in $GATEWAYS; do
    for m in $MODES; do
      awk -F'\t' -v g="$g" -v m="$m" -v reps="$REPS" '$1 == g && $2 == m { v[$4] = v[$4] " " $5 }
        END { for (t in v) { n = split(v[t], x, " "); for (i = n + 1; i <= reps; i++) x[i] = 0
            for (i = 1; i <= reps; i++) for (j = i + 1; j <= reps; j++) if (x[j] < x[i]) { s = x[i]; x[i] = x[j]; x[j] = s }
            printf "%s %s %-24s %7.2f\n", g, m, t, reps % 2 ? x[(reps + 1) / 2] : (x[reps / 2] + x[reps / 2 + 1]) / 2 } }' \
        "$OUT/threads.tsv" | sort -k4 -rn
    done
  done
  for g in $GATEWAYS; do
    for m in $MODES; do
      printf '\n## %s %s: top frames (all %s recordings)\n\n' "$g" "$m" "$REPS"
      if [ -n "$ASPROF" ]; then
        node "$BENCH/collapsed-top.mjs" --top "$TOP" --interval-us 1000 \
          --requests "$(awk -F'\t' -v g="$g" -v m="$m" '$1 == g && $2 == m { n += $7 } END { print n }' "$OUT/results.tsv")" \
          "$OUT/$g.$m".*.collapsed.txt
      else
        node "$BENCH/jfr-top.mjs" --top "$TOP" "$OUT/$g.$m".*.jfr
      fi
    done
  done
} | tee "$OUT/summary.md"
printf 'profile: results in %s\n' "$OUT"
