#!/usr/bin/env bash
# The request path's latency while the gateway swaps in a large config (issue #7): by default 100,000 API keys (on
# 1,000 service accounts) and 10,000 models. Generates two variants of the config (the second has one API key more,
# so every swap is a real change), starts the nginx mock and the gateway, then for each number of connections runs
# wrk twice: once with the config left alone (baseline), once while the config is swapped between the two variants
# every SWAP_EVERY seconds.
# Reports wrk's latency for both, how long each swap took the gateway to apply, and how long the first load took.
#
# Two ways to feed the gateway (FEED):
#   file  SWITCHBOARD_CONFIG: the script writes each variant to a new file and renames it over the config file
#         (atomic); the gateway's poll picks it up. The standalone loader reads documents of up to 134,217,728
#         characters (ConfigCodec.MAX_YAML_CHARS; JSON goes through the same parser).
#   nats  what a config that size takes in production: snapshots in the NATS Object Store, as the control plane
#         publishes them (SnapshotWire: gzip of the snapshot JSON, secrets sealed, revision header). A small Java
#         publisher, compiled from this script against the gateway jar's own libraries, stands in for the control
#         plane; it builds every snapshot before the gateway starts, so only its uploads happen during the runs.
#   auto  file when the config fits under the file loader's limit, else nats (the default is nats).
# The gateway is pinned to CPU $GW_CPU; wrk, the nginx mock, the NATS server and the publisher to CPU $LG_CPU.
# Only 127.0.0.1 is used. Run from anywhere: bench/swap-latency.sh. Knobs (env): see bench/README.md and below.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)

KEYS=${KEYS:-100000}             # API keys in the first variant; the second has one more
MODELS=${MODELS:-10000}
VMS=${VMS:-20}                   # virtual models
SERVICE_ACCOUNTS=${SERVICE_ACCOUNTS:-1000} # the keys' subjects, round-robin (0: gen-config's one per key); see below
FEED=${FEED:-nats}               # nats (the production path for a config this size), file, or auto
CONNS=${CONNS:-"1 16"}           # wrk connections; each gets a baseline run and a run with swaps
DUR=${DUR:-30}                   # seconds per wrk run
SWAP_EVERY=${SWAP_EVERY:-5}      # seconds between swaps (the first one 1 s into the run)
WARMUP=${WARMUP:-30}             # seconds of warm-up at 16 connections, with swaps (not reported)
FILE_POLL=${FILE_POLL:-1s}       # FEED=file: the gateway's switchboard.config-poll-interval (its default is 1s)
WORK=${WORK:-$REPO/target/bench}
GW_CPU=${GW_CPU:-1}
LG_CPU=${LG_CPU:-0}
MOCK_PORT=${MOCK_PORT:-18280}
SB_PORT=${SB_PORT:-18290}
NATS_PORT=${NATS_PORT:-18222}
KEY_INDEX=${KEY_INDEX:-499}      # which generated API key wrk sends (0-based)
SB_JAR=${SB_JAR:-$REPO/gateway-plane/target/quarkus-app/quarkus-run.jar}
SB_HEAP=${SB_HEAP:-1g}           # the gateway's -Xmx (and the publisher's)
INIT_TIMEOUT=${INIT_TIMEOUT:-600} # seconds to wait for the first config to be applied
IDLE_MAX=${IDLE_MAX:-180}        # seconds to wait, after a run, for the gateway to finish pending swaps

FILE_LIMIT=134217728             # ConfigCodec.MAX_YAML_CHARS: the largest document the standalone loader reads

say() { printf '%s\n' "$*"; }
die() { printf 'swap: %s\n' "$*" >&2; exit 1; }

for n in "$KEYS" "$MODELS" "$VMS" "$SERVICE_ACCOUNTS" "$DUR" "$SWAP_EVERY" "$WARMUP" "$KEY_INDEX" $CONNS; do
  [[ $n =~ ^[0-9]+$ ]] || die "KEYS, MODELS, VMS, SERVICE_ACCOUNTS, DUR, SWAP_EVERY, WARMUP, KEY_INDEX and CONNS must be whole numbers (got '$n')"
done
[[ $FEED == auto || $FEED == file || $FEED == nats ]] || die "FEED must be file, nats or auto (got '$FEED')"
((DUR >= 2)) || die "DUR must be at least 2 seconds"
((SWAP_EVERY >= 1)) || die "SWAP_EVERY must be at least 1 second"
((KEY_INDEX < KEYS)) || die "KEY_INDEX ($KEY_INDEX) must be below KEYS ($KEYS)"

# ---------------------------------------------------------------- tools
missing_apt=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing_apt+=(nginx)
command -v wrk >/dev/null || missing_apt+=(wrk)
install_apt() { # packages...
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "swap: installing $* (apt-get)"
    # RUNLEVEL=1 keeps a package from starting its system service
    _apt() { DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -q "$@" >/dev/null; }
    _apt "$@" || { apt-get update -q >/dev/null && _apt "$@"; } || die "apt-get install -y $* failed"
  else
    die "missing $*; install as root: apt-get install -y $*"
  fi
}
((${#missing_apt[@]} == 0)) || install_apt "${missing_apt[@]}"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for tool in node curl taskset java cmp stat; do
  command -v "$tool" >/dev/null || die "missing '$tool' (Debian: apt-get install -y nodejs curl util-linux openjdk-17-jdk-headless diffutils coreutils)"
done
taskset -c "$GW_CPU" true 2>/dev/null && taskset -c "$LG_CPU" true 2>/dev/null ||
  die "cannot pin to CPUs $GW_CPU and $LG_CPU (this machine has $(nproc) usable); set GW_CPU / LG_CPU"
if [ ! -f "$SB_JAR" ]; then
  [ -x "$REPO/mvnw" ] || die "no gateway jar at $SB_JAR and no ./mvnw in $REPO to build it (or set SB_JAR)"
  say "swap: building the gateway (./mvnw -q -pl gateway-plane -am package -DskipTests)"
  (cd "$REPO" && ./mvnw -q -pl gateway-plane -am package -DskipTests) || die "gateway build failed"
fi
SB_LIB=$(dirname "$SB_JAR")/lib/main

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$MOCK_PORT" "$SB_PORT"; do port_open "$p" && die "port $p on 127.0.0.1 is already in use (set MOCK_PORT / SB_PORT)"; done

# ---------------------------------------------------------------- configs
OUT=$WORK/swap/$(date +%Y%m%d-%H%M%S)
GEN=$WORK/swap/gen                 # the two variants (regenerated each run: they carry the mock's port)
mkdir -p "$OUT" "$GEN"
NCPU=$(nproc)
# From here on this shell and what it runs (gen-config, cp, curl, wrk) stay off the gateway's CPU.
taskset -cp "$LG_CPU" $$ >/dev/null

node "$BENCH/mock-upstream-conf.mjs" --port "$MOCK_PORT" --dir "$WORK/swap/mock"
now_ms() { date +%s%3N; }
say "== generating the configs: $KEYS keys and $((KEYS + 1)) keys, $MODELS models, $VMS virtual models"
t=$(now_ms)
node "$BENCH/gen-config.mjs" --out "$GEN/A" --mock-port "$MOCK_PORT" \
  --keys "$KEYS" --models "$MODELS" --virtual-models "$VMS" >/dev/null
GEN_MS=$(($(now_ms) - t))
node "$BENCH/gen-config.mjs" --out "$GEN/B" --mock-port "$MOCK_PORT" \
  --keys "$((KEYS + 1))" --models "$MODELS" --virtual-models "$VMS" >/dev/null
# gen-config gives every key a service account of its own and grants all of them "*" in one access rule. The snapshot
# indexes access per subject (ConfigSnapshot.indexAccess: a set of every granted model for each subject), so at
# 100,000 keys and 10,000 models that is about 10^9 entries and no heap holds it. Unless SERVICE_ACCOUNTS=0, the keys
# are re-homed round-robin on the first SERVICE_ACCOUNTS service accounts (as the control plane's SnapshotScaleTest
# does: 100,000 keys on 1,000), and the rules keep only those subjects.
if ((SERVICE_ACCOUNTS > 0)); then
  for v in A B; do
    counts=$(SRC="$GEN/$v/config.yaml" DST="$GEN/$v/config.tmp" SAS=$SERVICE_ACCOUNTS node <<'JS'
const fs = require('fs');
const { SRC, DST, SAS } = process.env;
const name = i => `bench-${String(i).padStart(4, '0')}`;   // gen-config's names
let section = '', accounts = 0, keys = 0, grants = 0;
const out = [];
for (const l of fs.readFileSync(SRC, 'utf8').split('\n')) {
  if (/^[a-z_]+:/.test(l)) section = l.slice(0, l.indexOf(':'));
  let m;
  if (section === 'service_accounts' && (m = /^  - name: bench-(\d+)$/.exec(l))) {
    if (+m[1] < +SAS) { out.push(l); accounts++; }
  } else if (section === 'api_keys' && (m = /^    subject: service_account:bench-(\d+)$/.exec(l))) {
    out.push(`    subject: service_account:${name(+m[1] % +SAS)}`); keys++;
  } else if ((section === 'access_rules' || section === 'tool_policies') && (m = /^      - service_account:bench-(\d+)$/.exec(l))) {
    if (+m[1] < +SAS) { out.push(l); grants++; }
  } else out.push(l);
}
fs.writeFileSync(DST, out.join('\n'));
console.log(`${accounts} ${keys} ${grants}`);
JS
)
    n_keys=$KEYS; [ $v = B ] && n_keys=$((KEYS + 1))
    n_sas=$((SERVICE_ACCOUNTS < n_keys ? SERVICE_ACCOUNTS : n_keys))
    [ "$counts" = "$n_sas $n_keys $((3 * n_sas))" ] ||
      die "gen-config's output is not laid out as this script expects (service accounts, keys, rule subjects: $counts; expected $n_sas $n_keys $((3 * n_sas)))"
    mv -f "$GEN/$v/config.tmp" "$GEN/$v/config.yaml"
  done
  say "  keys re-homed on $((SERVICE_ACCOUNTS < KEYS ? SERVICE_ACCOUNTS : KEYS)) service accounts (the access rule and the tool policies name those)"
fi
SIZE_A=$(stat -c %s "$GEN/A/config.yaml")
SIZE_B=$(stat -c %s "$GEN/B/config.yaml")
say "  A: $SIZE_A bytes, B: $SIZE_B bytes (gen-config took ${GEN_MS} ms for A)"
SB_KEY=$(sed -n "$((KEY_INDEX + 1))p" "$GEN/A/keys.tsv" | cut -f2)
[ -n "$SB_KEY" ] || die "no API key number $KEY_INDEX in $GEN/A/keys.tsv"

if [ "$FEED" = auto ]; then
  if ((SIZE_B < FILE_LIMIT)); then FEED=file; else FEED=nats; fi
  say "  FEED=auto: $FEED (the file loader takes at most $FILE_LIMIT characters; B has $SIZE_B)"
fi
if [ "$FEED" = file ] && ((SIZE_B >= FILE_LIMIT)); then
  die "the config is $SIZE_B bytes, but the gateway's standalone file loader refuses a document of more than
  $FILE_LIMIT characters (SnakeYAML's default LoaderOptions.codePointLimit; ConfigCodec reads JSON through the same
  YAML parser, so JSON does not help). Use FEED=nats, or fewer KEYS / MODELS."
fi
if [ "$FEED" = nats ]; then
  command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || install_apt nats-server
  NATS_SERVER=$(command -v nats-server || echo /usr/sbin/nats-server)
  command -v javac >/dev/null || die "missing 'javac' (a JDK 17, e.g. apt-get install -y openjdk-17-jdk-headless): FEED=nats compiles its publisher"
  [ -d "$SB_LIB" ] || die "no $SB_LIB next to $SB_JAR: FEED=nats compiles its publisher against the jar's libraries"
  port_open "$NATS_PORT" && die "port $NATS_PORT on 127.0.0.1 is already in use (set NATS_PORT)"
fi

# swaps_in SECS: how many swaps a run of SECS seconds makes (at 1 s, then every SWAP_EVERY s, none in the last 0.5 s)
swaps_in() { if (($1 * 1000 < 1500)); then echo 0; else echo $((($1 * 1000 - 1500) / (SWAP_EVERY * 1000) + 1)); fi; }
N_CONNS=$(wc -w <<<"$CONNS")
SNAPSHOTS=$((1 + $(swaps_in "$WARMUP") + N_CONNS * $(swaps_in "$DUR")))   # FEED=nats: revisions to build up front

# ---------------------------------------------------------------- processes
PIDS=()
WRK_PID=
PUB_FD_OPEN=0
SW=$OUT/feed                       # FEED=file: the config file and one hard link per swap (for its read time)
cleanup() {
  local p i
  [ "$PUB_FD_OPEN" = 0 ] || exec 7>&-
  [ -z "$WRK_PID" ] || kill "$WRK_PID" 2>/dev/null || true
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$SW" "$OUT/nats-store" "$OUT/cache" "$OUT/pub.in"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() { # name cpu cmd... ; output goes to $OUT/<name>.log; sets LAST_PID
  local name=$1 cpu=$2; shift 2
  (exec taskset -c "$cpu" "$@") >"$OUT/$name.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}
wait_port() { # name pid port seconds
  local i
  for i in $(seq $(($4 * 5))); do
    port_open "$3" && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.2
  done
  tail -n 20 "$OUT/$1.log" >&2 || true
  die "$1 did not come up on port $3 (log: $OUT/$1.log)"
}
CLK_TCK=$(getconf CLK_TCK)
cpu_ms() { # pid -> user+system CPU time used so far, in ms (0 if gone)
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  set -- ${stat##*) }   # fields after "(comm)": state is field 3, utime 14, stime 15
  echo $(((${12} + ${13}) * 1000 / CLK_TCK))
}
proc_kb() { # pid field -> a kB field of /proc/PID/status (VmRSS, VmHWM), 0 if gone
  local k v _
  while read -r k v _; do [ "$k" = "$2:" ] && { echo "$v"; return; }; done <"/proc/$1/status" 2>/dev/null
  echo 0
}
sleep_until() { # epoch ms
  local d=$(($1 - $(now_ms)))
  if ((d > 0)); then sleep "$((d / 1000)).$(printf '%03d' $((d % 1000)))"; fi
}

say "== starting"
start mock "$LG_CPU" "$NGINX" -p "$WORK/swap/mock" -e "$WORK/swap/mock/error.log" -c "$WORK/swap/mock/nginx.conf"
wait_port mock "$LAST_PID" "$MOCK_PORT" 10

SWAP_N=0
: >"$OUT/swaps.tsv"   # n phase variant at_ms: what the script did (n = 0 is the initial config)
variant_of() { if (($1 % 2)); then echo B; else echo A; fi; }
if [ "$FEED" = file ]; then
  CFG=$SW/config.yaml
  mkdir -p "$SW"
  do_swap() { # phase: the next variant into a new file, hard-linked (to stat it later), renamed over the config
    local v f t
    v=$(variant_of "$SWAP_N")
    f=$SW/swap-$SWAP_N.yaml
    cp "$GEN/$v/config.yaml" "$f"
    ln -f "$f" "$SW/config.next"
    t=$(now_ms)
    mv -f "$SW/config.next" "$CFG"
    printf '%s\t%s\t%s\t%s\n' "$SWAP_N" "$1" "$v" "$t" >>"$OUT/swaps.tsv"
    SWAP_N=$((SWAP_N + 1))
  }
  do_swap init
  FEED_ENV=(SWITCHBOARD_CONFIG="$CFG")
  FEED_PROPS=("-Dswitchboard.config-poll-interval=$FILE_POLL")
  APPLIED_RE='applied config from '
else
  start nats "$LG_CPU" "$NATS_SERVER" -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$OUT/nats-store"
  wait_port nats "$LAST_PID" "$NATS_PORT" 20
  MASTER_KEY=$(head -c 32 /dev/urandom | base64 | tr -d '\n')   # throwaway: seals the configs' one secret
  cat >"$OUT/SwapPublisher.java" <<'JAVA'
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.secret.SecretSealer;
import dev.switchboard.model.sync.SnapshotWire;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.Options;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.impl.Headers;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * bench/swap-latency.sh's stand-in for the control plane. Reads the two config variants (YAML, without the file
 * loader's size limit), builds revisions 1..count alternating A, B, A, ... the way the control plane builds a
 * snapshot (validate, encode with secrets sealed, gzip), then puts the next one into the Object Store, with the
 * revision header, for each "publish" line on stdin.
 * args: natsUrl count variantA.yaml variantB.yaml; env SWITCHBOARD_MASTER_KEY.
 */
public class SwapPublisher {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int count = Integer.parseInt(args[1]);
        Path[] files = {Path.of(args[2]), Path.of(args[3])};
        SecretSealer sealer = SecretSealer.fromBase64Key(System.getenv("SWITCHBOARD_MASTER_KEY"));
        LoaderOptions unlimited = new LoaderOptions();
        unlimited.setCodePointLimit(Integer.MAX_VALUE);
        ObjectMapper yaml = new ObjectMapper(YAMLFactory.builder().loaderOptions(unlimited).build());
        SwitchboardConfig[] configs = new SwitchboardConfig[2];
        for (int i = 0; i < 2; i++) {
            configs[i] = ConfigCodec.readJson(yaml.readTree(Files.readString(files[i])).toString());
        }
        byte[][] content = new byte[count + 1][];
        for (int r = 1; r <= count; r++) {
            long t0 = System.nanoTime();
            byte[] json = ConfigCodec.writeSnapshot(
                    ConfigCodec.validated(configs[(r - 1) % 2], r, Instant.now()), sealer);
            content[r] = SnapshotWire.gzip(json);
            System.out.println(String.format(Locale.ROOT, "built %d %s json=%d gzip=%d ms=%.1f", r,
                    (r - 1) % 2 == 0 ? "A" : "B", json.length, content[r].length, (System.nanoTime() - t0) / 1e6));
        }
        Options options = new Options.Builder().server(url).connectionName("swap-latency-publisher")
                .connectionTimeout(Duration.ofSeconds(5)).build();
        try (Connection c = Nats.connect(options)) {
            try {
                c.objectStoreManagement().getStatus(SnapshotWire.BUCKET);
            } catch (JetStreamApiException missing) {
                c.objectStoreManagement().create(ObjectStoreConfiguration.builder(SnapshotWire.BUCKET)
                        .storageType(StorageType.File).build());
            }
            ObjectStore os = c.objectStore(SnapshotWire.BUCKET);
            System.out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            int next = 1;
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.trim().equals("publish")) {
                    continue;
                }
                if (next > count) {
                    System.out.println("exhausted: only " + count + " snapshots were built");
                    continue;
                }
                int r = next++;
                long startMs = System.currentTimeMillis();
                long t0 = System.nanoTime();
                Headers headers = new Headers()
                        .put(SnapshotWire.REVISION_HEADER, SnapshotWire.revisionHeader(r))
                        .put(SnapshotWire.CONTENT_ENCODING_HEADER, SnapshotWire.GZIP);
                ObjectInfo info = os.put(ObjectMeta.builder(SnapshotWire.OBJECT).headers(headers).build(),
                        new ByteArrayInputStream(content[r]));
                System.out.println(String.format(Locale.ROOT, "published %d start=%d done=%d ms=%.1f chunks=%d", r,
                        startMs, System.currentTimeMillis(), (System.nanoTime() - t0) / 1e6, info.getChunks()));
            }
        }
    }
}
JAVA
  say "  publisher: compiling, then building $SNAPSHOTS snapshots up front (before the gateway starts)"
  mkfifo "$OUT/pub.in"
  SWITCHBOARD_MASTER_KEY=$MASTER_KEY start publisher "$LG_CPU" sh -c 'exec "$@" <"$0"' "$OUT/pub.in" \
    java "-Xmx$SB_HEAP" -cp "$SB_LIB/*" "$OUT/SwapPublisher.java" "nats://127.0.0.1:$NATS_PORT" "$SNAPSHOTS" \
    "$GEN/A/config.yaml" "$GEN/B/config.yaml"
  PUB_PID=$LAST_PID
  exec 7>"$OUT/pub.in"
  PUB_FD_OPEN=1
  for i in $(seq 1800); do
    grep -q '^ready$' "$OUT/publisher.log" && break
    kill -0 "$PUB_PID" 2>/dev/null || { tail -n 20 "$OUT/publisher.log" >&2; die "the publisher stopped (log: $OUT/publisher.log)"; }
    sleep 0.5
  done
  grep -q '^ready$' "$OUT/publisher.log" || die "the publisher was not ready after 15 minutes (log: $OUT/publisher.log)"
  published() { grep -c '^published ' "$OUT/publisher.log" || true; }
  do_swap() { # phase: publish the next revision (revision = n + 1)
    local t
    kill -0 "$PUB_PID" 2>/dev/null || die "the publisher stopped (log: $OUT/publisher.log)"
    t=$(now_ms)
    echo publish >&7
    printf '%s\t%s\t%s\t%s\n' "$SWAP_N" "$1" "$(variant_of "$SWAP_N")" "$t" >>"$OUT/swaps.tsv"
    SWAP_N=$((SWAP_N + 1))
  }
  do_swap init
  for i in $(seq 600); do (($(published) >= 1)) && break; sleep 0.1; done
  (($(published) >= 1)) || die "the first snapshot was not published within 60 s (log: $OUT/publisher.log)"
  FEED_ENV=(SWITCHBOARD_NATS_URL="nats://127.0.0.1:$NATS_PORT" SWITCHBOARD_MASTER_KEY="$MASTER_KEY")
  FEED_PROPS=("-Dswitchboard.snapshot-cache=$OUT/cache/snapshot.json.gz")   # fresh: no stale snapshot at start
  APPLIED_RE='applied config revision [0-9]+ from NATS in '
fi

applied() { grep -cE "$APPLIED_RE" "$OUT/gateway.log" || true; }
refused() { grep -m 3 -E 'refused config|could not read config snapshot|exceeds the limit' "$OUT/gateway.log" || true; }

GW_T0=$(now_ms)
# The SWITCHBOARD_* of the caller's environment would add a second config source: only the feed's own are passed.
start gateway "$GW_CPU" env -u SWITCHBOARD_CONFIG -u SWITCHBOARD_NATS_URL -u SWITCHBOARD_MASTER_KEY "${FEED_ENV[@]}" \
  java "-Xmx$SB_HEAP" -XX:+UseSerialGC "-Xlog:gc:file=$OUT/gc.log:time" -Duser.timezone=UTC "${FEED_PROPS[@]}" \
  "-Dquarkus.http.port=$SB_PORT" -Dquarkus.http.host=127.0.0.1 -Dquarkus.vertx.event-loops-pool-size=1 -jar "$SB_JAR"
GW_PID=$LAST_PID
wait_port gateway "$GW_PID" "$SB_PORT" 120
for i in $(seq $((INIT_TIMEOUT * 5))); do
  (($(applied) >= 1)) && break
  [ -z "$(refused)" ] || break
  kill -0 "$GW_PID" 2>/dev/null || break
  sleep 0.2
done
if (($(applied) < 1)); then
  why=$(refused)
  [ -z "$why" ] || die "the gateway refused the config:
$why"
  tail -n 20 "$OUT/gateway.log" >&2
  die "the gateway applied no config within ${INIT_TIMEOUT}s (log: $OUT/gateway.log)"
fi
GW_APPLIED_MS=$(($(now_ms) - GW_T0))
say "  gateway up, first config applied (${GW_APPLIED_MS} ms after the JVM was started, as polled)"

# ---------------------------------------------------------------- correctness
URL=http://127.0.0.1:$SB_PORT/v1/chat/completions
MODEL=mock/gpt-4o-mini
code=$(curl -sS --max-time 30 -o "$OUT/body.json" -w '%{http_code}' -H "Authorization: Bearer $SB_KEY" \
  -H 'Content-Type: application/json' -d "{\"model\":\"$MODEL\",\"messages\":[{\"role\":\"user\",\"content\":\"Say something short.\"}]}" \
  "$URL" 2>>"$OUT/checks.err") || code=000
if [ "$code" != 200 ] || ! cmp -s "$OUT/body.json" "$WORK/swap/mock/expected.json"; then
  die "a request through the gateway did not come back as the mock's body (HTTP $code): $(head -c 200 "$OUT/body.json" 2>/dev/null)"
fi
say "  ok: HTTP 200 through the gateway, body identical to the mock's"

# ---------------------------------------------------------------- environment
{
  say "date: $(date -u +%FT%TZ)"
  say "host: $(uname -srm); cpu:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) x$NCPU; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  say "java: $(java -version 2>&1 | head -n1); node $(node -v); $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
  [ "$FEED" = nats ] && say "nats: $("$NATS_SERVER" --version 2>&1)"
  say "gateway: $SB_JAR, -Xmx$SB_HEAP -XX:+UseSerialGC, 1 event loop, pinned to CPU $GW_CPU with all its threads (event loop, config thread, GC)"
  say "pinning: wrk -t1 and the nginx mock$([ "$FEED" = nats ] && echo ', the NATS server and the publisher') on CPU $LG_CPU"
  say "config: $KEYS / $((KEYS + 1)) API keys on $([ "$SERVICE_ACCOUNTS" = 0 ] && echo 'one service account each' || echo "$((SERVICE_ACCOUNTS < KEYS ? SERVICE_ACCOUNTS : KEYS)) service accounts (round-robin)"), $MODELS models, $VMS virtual models; YAML $SIZE_A / $SIZE_B bytes"
  if [ "$FEED" = file ]; then
    say "feed: file (SWITCHBOARD_CONFIG, polled every $FILE_POLL; each swap: cp to a new file, rename over the config)"
  else
    say "feed: nats (Object Store bucket switchboard-config on nats-server -js, $SNAPSHOTS snapshots built up front)"
  fi
  say "runs: conns $CONNS; ${DUR}s each, baseline then with a swap every ${SWAP_EVERY}s; warm-up ${WARMUP}s at 16 connections with swaps"
  say "repo: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo 'no commit')"
} >"$OUT/env.txt"

# ---------------------------------------------------------------- load
printf 'phase\tkind\tconns\tsecs\tstart_ms\tend_ms\tcpu_ms\tswaps\tresult\n' >"$OUT/runs.tsv"
run_phase() { # phase kind conns secs: wrk for secs seconds; with kind=swaps, a swap at 1 s and every SWAP_EVERY s
  local phase=$1 kind=$2 c=$3 secs=$4 cpu0 t0 k at made=0 line
  cpu0=$(cpu_ms "$GW_PID")
  t0=$(now_ms)
  MODEL=$MODEL STREAM=0 MCP=0 wrk -t1 -c"$c" -d"$secs"s --timeout 10s -s "$BENCH/post.lua" \
    -H "Authorization: Bearer $SB_KEY" "$URL" >"$OUT/wrk.$phase.out" 2>&1 &
  WRK_PID=$!
  if [ "$kind" = swaps ]; then
    for ((k = 0; ; k++)); do
      at=$((t0 + 1000 + k * SWAP_EVERY * 1000))
      ((at <= t0 + secs * 1000 - 500)) || break
      sleep_until "$at"
      kill -0 "$WRK_PID" 2>/dev/null || break
      do_swap "$phase"
      made=$((made + 1))
    done
  fi
  wait "$WRK_PID" || true
  WRK_PID=
  line=$(grep '^RESULT' "$OUT/wrk.$phase.out" || true)
  [ -n "$line" ] || { tail -n 5 "$OUT/wrk.$phase.out" >&2; die "wrk gave no RESULT for $phase"; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$phase" "$kind" "$c" "$secs" "$t0" "$(now_ms)" \
    "$(($(cpu_ms "$GW_PID") - cpu0))" "$made" "$line" >>"$OUT/runs.tsv"
  say "  $phase: $made swaps; ${line#RESULT }"
}
wait_idle() { # until the gateway used under 10% of its core for 2 s in a row (pending swaps done), at most IDLE_MAX s
  local quiet=0 i c0 c1
  c0=$(cpu_ms "$GW_PID")
  for ((i = 0; i < IDLE_MAX; i++)); do
    sleep 1
    kill -0 "$GW_PID" 2>/dev/null || die "the gateway stopped (log: $OUT/gateway.log)"
    c1=$(cpu_ms "$GW_PID")
    if ((c1 - c0 < 100)); then
      quiet=$((quiet + 1))
      ((quiet < 2)) || return 0
    else
      quiet=0
    fi
    c0=$c1
  done
  say "swap: the gateway was still busy ${IDLE_MAX}s after the run; going on" >&2
}

say "== warm-up: ${WARMUP}s at 16 connections, with swaps"
if ((WARMUP > 0)); then run_phase warmup swaps 16 "$WARMUP"; fi
wait_idle
say "== measuring"
for c in $CONNS; do
  run_phase "base-c$c" baseline "$c" "$DUR"
  wait_idle
  run_phase "swap-c$c" swaps "$c" "$DUR"
  wait_idle
done
refusals=$(refused)
[ -z "$refusals" ] || say "swap: the gateway refused some configs:
$refusals" >&2

# ---------------------------------------------------------------- what the gateway saw
if [ "$FEED" = file ]; then
  # When the gateway's poll first read a swap's file: its atime (updated by that read under relatime/strictatime,
  # as long as atime <= mtime before it). atime <= mtime afterwards means not read, or atime not kept (noatime).
  while IFS=$'\t' read -r n phase v at; do
    read -r atime mtime < <(stat -c '%.3X %.3Y' "$SW/swap-$n.yaml")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$phase" "$v" "$at" "${atime/./}" "${mtime/./}"
  done <"$OUT/swaps.tsv" >"$OUT/swaps.times.tsv"
else
  cp "$OUT/swaps.tsv" "$OUT/swaps.times.tsv"
fi
GW_HWM_KB=$(proc_kb "$GW_PID" VmHWM)
GW_RSS_KB=$(proc_kb "$GW_PID" VmRSS)

# ---------------------------------------------------------------- summary
say "== summary"
OUT=$OUT FEED=$FEED KEYS=$KEYS MODELS=$MODELS VMS=$VMS SIZE_A=$SIZE_A SIZE_B=$SIZE_B GEN_MS=$GEN_MS \
GW_APPLIED_MS=$GW_APPLIED_MS GW_HWM_KB=$GW_HWM_KB GW_RSS_KB=$GW_RSS_KB FILE_POLL=$FILE_POLL SWAP_EVERY=$SWAP_EVERY \
DUR=$DUR GW_CPU=$GW_CPU node >"$OUT/summary.md" <<'JS'
const fs = require('fs');
const E = process.env, out = E.OUT, feed = E.FEED;
const read = f => (fs.existsSync(`${out}/${f}`) ? fs.readFileSync(`${out}/${f}`, 'utf8') : '');
const tsv = f => read(f).split('\n').filter(Boolean).map(l => l.split('\t'));
const fmt = n => (n == null || Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en-US'));
const ms1 = n => (n == null || Number.isNaN(n) ? '–' : n >= 100 ? fmt(n) : n.toFixed(1));
const median = a => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const stats = a => (a.length ? { n: a.length, min: Math.min(...a), med: median(a), max: Math.max(...a) } : { n: 0 });

// gateway log: "2026-11-25 23:06:55,320 INFO  [category] (thread) message", UTC (-Duser.timezone=UTC)
const log = read('gateway.log').split('\n').map(l => {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3}) +\S+ +\[[^\]]*\] \(([^)]*)\) (.*)$/.exec(l);
  return m && { t: Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]), thread: m[8], msg: m[9] };
}).filter(Boolean);
const applied = [];
for (const e of log) {
  let m;
  if ((m = /^applied config from .* \(revision (\d+): (.*)\)$/.exec(e.msg))) applied.push({ t: e.t, rev: +m[1], summary: m[2] });
  else if ((m = /^applied config revision (\d+) from NATS in ([\d.]+) ms \((.*)\)$/.exec(e.msg)))
    applied.push({ t: e.t, rev: +m[1], logged: +m[2], summary: m[3] });
}
const gc = read('gc.log').split('\n').map(l => {
  const m = /^\[([^\]]+)\].*\bPause (\S+).* ([\d.]+)ms$/.exec(l);
  return m && { t: Date.parse(m[1].replace(/([+-]\d\d)(\d\d)$/, '$1:$2')), kind: m[2], ms: +m[3] };
}).filter(Boolean);
const swaps = tsv('swaps.times.tsv').map(([n, phase, v, at, atime, mtime]) =>
  ({ n: +n, phase, v, at: +at, atime: atime ? +atime : null, mtime: mtime ? +mtime : null }));
const runs = tsv('runs.tsv').slice(1).map(([phase, kind, conns, secs, start, end, cpu, made, result]) => {
  const f = k => { const m = new RegExp(` ${k}=([\\d.]+)`).exec(result); return m ? +m[1] : NaN; };
  return { phase, kind, conns: +conns, secs: +secs, start: +start, end: +end, cpu: +cpu, made: +made,
    rps: f('rps'), p50: f('p50_us'), p90: f('p90_us'), p99: f('p99_us'), max: f('max_us'), reqs: f('reqs'),
    errs: ['err_connect', 'err_read', 'err_write', 'err_status', 'err_timeout'].reduce((s, k) => s + (f(k) || 0), 0) };
});

// Which swap each applied revision came from, and how long it took.
const published = new Map();   // nats: revision -> {start, done, ms}
const built = [];              // nats: the publisher's build times (validate, encode, gzip)
let jsonBytes = null, gzipBytes = null;
for (const l of read('publisher.log').split('\n')) {
  let m;
  if ((m = /^published (\d+) start=(\d+) done=(\d+) ms=([\d.]+)/.exec(l))) published.set(+m[1], { start: +m[2], done: +m[3], ms: +m[4] });
  else if ((m = /^built (\d+) (\w) json=(\d+) gzip=(\d+) ms=([\d.]+)/.exec(l))) {
    built.push(+m[5]);
    if (m[2] === 'A' && jsonBytes == null) { jsonBytes = +m[3]; gzipBytes = +m[4]; }
  }
}
const atimeOk = feed === 'file' && swaps.some(s => s.atime != null && s.atime > s.mtime);
const rows = applied.map((a, i) => {
  if (feed === 'nats') {
    const s = swaps.find(x => x.n === a.rev - 1), p = published.get(a.rev);
    return { ...a, swap: s, fromTrigger: p ? a.t - p.done : null, fromRead: null };
  }
  // file: the swap whose file the poll read last before this apply (reads happen only between builds)
  let s = null;
  if (atimeOk) {
    for (const x of swaps) if (x.atime != null && x.atime > x.mtime && x.atime <= a.t && (!s || x.atime > s.atime)) s = x;
  } else {
    for (const x of swaps) if (x.at <= a.t && (!s || x.at > s.at)) s = x;
  }
  return { ...a, swap: s, fromTrigger: s ? a.t - s.at : null, fromRead: s && atimeOk ? a.t - s.atime : null };
});
const measured = rows.filter(r => r.swap && /^swap-c/.test(r.swap.phase));
const initial = rows[0];

const L = [];
const w = s => L.push(s);
const kb = k => `${(k / 1024).toFixed(0)} MB`;
w(`# Config swaps under load: ${(+E.KEYS).toLocaleString('en-US')} API keys, ${(+E.MODELS).toLocaleString('en-US')} models (feed: ${feed})`);
w('');
for (const l of read('env.txt').split('\n').filter(Boolean)) w(`- ${l}`);
w(`- config size: YAML ${fmt(+E.SIZE_A)} bytes (A) / ${fmt(+E.SIZE_B)} bytes (B, one key more)` +
  (jsonBytes ? `; snapshot JSON ${fmt(jsonBytes)} bytes, gzip ${fmt(gzipBytes)} bytes` : '') +
  `; gen-config wrote A in ${fmt(+E.GEN_MS)} ms`);
w(`- gateway memory: VmRSS ${kb(+E.GW_RSS_KB)} at the end, VmHWM (peak) ${kb(+E.GW_HWM_KB)}`);
w('');
w('## Initial load');
if (initial) {
  if (feed === 'file') {
    const s = log.find(e => /^config file .*checked for changes/.test(e.msg));
    w(`- read, parse, validate, index and install the file at start (cold JVM): **${fmt(initial.t - s.t)} ms** ` +
      `(log: "config file …" → "applied config from …", revision ${initial.rev}: ${initial.summary})`);
  } else {
    const c = log.find(e => /^connected to NATS at/.test(e.msg));
    w(`- connected to NATS → applied (watch, fetch, decode, validate, index, install; cold JVM): ` +
      `**${c ? fmt(initial.t - c.t) : '–'} ms**, of which index + install (logged) ${ms1(initial.logged)} ms; ` +
      `revision ${initial.rev}: ${initial.summary}`);
  }
  w(`- JVM started → first config applied: ${fmt(+E.GW_APPLIED_MS)} ms (as polled by the script)`);
}
w('');
w('## Request path: baseline vs during swaps');
w('');
w('wrk -t1, JSON chat completion to `mock/gpt-4o-mini`; latency in µs. wrk corrects its percentiles for coordinated ' +
  'omission (for a response slower than twice the run\'s mean interval between requests on a connection it adds the ' +
  'requests a steady client would have sent meanwhile), so a stall raises p90/p99, not only max. Swaps applied: ' +
  'those made during the run that the gateway applied, also after the run ended. GC: pauses in the run (count, ' +
  'total, longest). CPU: the gateway process, share of its one core.');
w('');
w('| conns | run | RPS | p50 | p90 | p99 | max | errors | swaps made | applied | GC pauses | GC total ms | GC max ms | CPU |');
w('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of runs.filter(x => x.phase !== 'warmup')) {
  const g = gc.filter(x => x.t >= r.start && x.t <= r.end);
  const ap = rows.filter(x => x.swap && x.swap.phase === r.phase).length;
  w(`| ${r.conns} | ${r.kind === 'swaps' ? `swap every ${E.SWAP_EVERY} s` : 'baseline'} | ${fmt(r.rps)} | ${fmt(r.p50)} | ` +
    `${fmt(r.p90)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.errs} | ${r.kind === 'swaps' ? r.made : '–'} | ` +
    `${r.kind === 'swaps' ? ap : '–'} | ${g.length} | ${ms1(g.reduce((s, x) => s + x.ms, 0))} | ` +
    `${g.length ? ms1(Math.max(...g.map(x => x.ms))) : '–'} | ${Math.round((100 * r.cpu) / (r.secs * 1000))}% |`);
}
w('');
w(`## Swap apply times (ms), the ${measured.length} swaps applied in the measured runs`);
w('');
w('| what | n | min | median | max |');
w('|---|---:|---:|---:|---:|');
const row = (label, a) => { const s = stats(a.filter(x => x != null)); w(`| ${label} | ${s.n} | ${ms1(s.min)} | ${ms1(s.med)} | ${ms1(s.max)} |`); };
if (feed === 'file') {
  if (atimeOk) row('poll read the new file → applied (read, parse, validate, index, install)', measured.map(r => r.fromRead));
  row(`rename → applied (adds the wait for the next poll, up to ${E.FILE_POLL})`, measured.map(r => r.fromTrigger));
} else {
  row('put acknowledged → applied (watch, fetch, decode, validate, index, install)', measured.map(r => r.fromTrigger));
  row('of which index + install (the gateway logs it)', measured.map(r => r.logged));
  row('publisher: build the snapshot (validate, encode, seal, gzip; the control plane\'s share, before the runs)', built);
  row('publisher: put into the Object Store', [...published.values()].map(p => p.ms));
}
w('');
w('Per swap (all phases): ' + rows.slice(1).map(r => `${r.swap ? r.swap.phase : '?'} r${r.rev} ` +
  `${ms1(feed === 'file' ? (r.fromRead ?? r.fromTrigger) : r.fromTrigger)}`).join(', '));
if (feed === 'file' && !atimeOk) w('\nThe files\' access times were not updated (noatime?): only rename → applied is shown.');
const made = runs.filter(r => r.kind === 'swaps' && r.phase !== 'warmup').reduce((s, r) => s + r.made, 0);
if (measured.length < made) w(`\n${made - measured.length} of ${made} swaps were not applied one by one: a swap made while the previous one was still being applied is ${feed === 'file' ? 'seen by the next poll only as the file then in place' : 'applied in turn, or skipped when a newer revision is already held'}.`);
process.stdout.write(L.join('\n') + '\n');
JS
cat "$OUT/summary.md"
say ""
say "results: $OUT (summary.md, runs.tsv, swaps.times.tsv, env.txt, gateway.log, gc.log, wrk.*.out$([ "$FEED" = nats ] && echo ', publisher.log, nats.log'))"
