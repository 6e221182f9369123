#!/usr/bin/env bash
# Time from an admin API commit to the change being served, against a running `./switchboard up`:
# N times, create a model through the control plane, then poll the gateway's /v1/models until it lists it, and the
# MCP gateway's readiness until it shows the committed revision (MCP= empty skips the MCP gateway).
# Prints the p50 / p90 / p99 / max in milliseconds for each plane. Cleans up the models it made.
# Then the same changes timed from the services' own logs (target/run/*.log): from the control plane's commit of a
# revision to each plane's "applied config revision N from NATS", which leaves out the admin API round trip and this
# script's polling (each poll is a curl process).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
N=${N:-100}
CP=${CP:-http://127.0.0.1:8081}
GW=${GW:-http://127.0.0.1:8080}
MCP=${MCP-http://127.0.0.1:8082}
KEY=${KEY:-sk-sb-demo-0123456789abcdef}
# shellcheck disable=SC1091
source "$HERE/../target/run/secrets.env"
AUTH="Authorization: Bearer $SWITCHBOARD_ADMIN_TOKEN"
now_ms() { date +%s%3N; }
mcp_revision() { curl -s "$MCP/q/health/ready" | grep -Eo '"revision" *: *[0-9]+' | grep -Eo '[0-9]+$' || echo 0; }
gw_delays=()
mcp_delays=()
revisions=()
for i in $(seq "$N"); do
  id="propagation-$$-$i"
  start=$(now_ms)
  revision=$(curl -s -o /dev/null -D - "$CP/admin/v1/provider-accounts/demo/models" -H "$AUTH" \
    -H 'Content-Type: application/json' -d "{\"id\":\"$id\"}" | tr -d '\r' | sed -n 's/^switchboard-revision: //Ip')
  [ -n "$revision" ] || { echo "create $id: no Switchboard-Revision in the answer" >&2; exit 1; }
  gw=""
  mcp=""
  # both planes watch at once: poll them in turn, and take each one's time when it first serves the change
  while [ -z "$gw" ] || { [ -n "$MCP" ] && [ -z "$mcp" ]; }; do
    if [ -z "$gw" ] && curl -s "$GW/v1/models" -H "Authorization: Bearer $KEY" | grep -q "\"demo/$id\""; then
      gw=$(( $(now_ms) - start ))
    fi
    if [ -n "$MCP" ] && [ -z "$mcp" ] && [ "$(mcp_revision)" -ge "$revision" ]; then
      mcp=$(( $(now_ms) - start ))
    fi
  done
  revisions+=("$revision")
  gw_delays+=("$gw")
  [ -z "$MCP" ] || mcp_delays+=("$mcp")
  revision=$(curl -s -o /dev/null -D - -X DELETE "$CP/admin/v1/provider-accounts/demo/models/$id" -H "$AUTH" |
    tr -d '\r' | sed -n 's/^switchboard-revision: //Ip')
  [ -z "$revision" ] || revisions+=("$revision")
done
report() { # label delays...
  local label="$1"
  shift
  printf '%s\n' "$@" | sort -n > /tmp/propagation.txt
  p() { awk -v q="$1" '{a[NR]=$1} END {i=int(q*NR+0.999); if (i<1) i=1; print a[i]}' /tmp/propagation.txt; }
  echo "$label over $N changes (ms, includes the admin API call): p50 $(p 0.50)  p90 $(p 0.90)  p99 $(p 0.99)  max $(p 1.0)"
}
report "commit-to-served, gateway" "${gw_delays[@]}"
[ -z "$MCP" ] || report "commit-to-applied, MCP gateway" "${mcp_delays[@]}"

# commit -> applied from the logs, for the revisions made above (Quarkus log lines start with the local time, ms)
LOGS=$HERE/../target/run
node - "$LOGS" "$MCP" "${revisions[@]}" <<'JS'
const fs = require('fs');
const [logs, mcp, ...revs] = process.argv.slice(2);
const at = line => { const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3})/.exec(line); return m ? Date.parse(`${m[1]}T${m[2]}.${m[3]}`) : null; };
const times = (file, re) => {
  const t = new Map();
  for (const line of fs.readFileSync(`${logs}/${file}`, 'utf8').split('\n')) {
    const m = re.exec(line);
    if (m) t.set(m[1], at(line));
  }
  return t;
};
const committed = times('control-plane.log', /ConfigStore\].* revision (\d+) by /);
const pct = (xs, q) => xs[Math.max(0, Math.ceil(q * xs.length) - 1)];
for (const [label, file] of [['gateway', 'gateway-plane.log'], ['MCP gateway', 'mcp-gateway.log']]) {
  if (label === 'MCP gateway' && !mcp) continue;
  const applied = times(file, /applied config revision (\d+) from NATS/);
  const xs = revs.filter(r => committed.has(r) && applied.has(r)).map(r => applied.get(r) - committed.get(r)).sort((a, b) => a - b);
  if (!xs.length) { console.log(`commit-to-applied from the logs, ${label}: no matching log lines in ${logs}/${file}`); continue; }
  console.log(`commit-to-applied from the logs, ${label} over ${xs.length} revisions (ms): p50 ${pct(xs, 0.5)}  p90 ${pct(xs, 0.9)}  p99 ${pct(xs, 0.99)}  max ${xs[xs.length - 1]}`);
}
JS
