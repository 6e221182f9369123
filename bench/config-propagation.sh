#!/usr/bin/env bash
# Time from an admin API commit to the change being served by the gateway, against a running `./switchboard up`:
# N times, create a model through the control plane, then poll the gateway's /v1/models until it lists it.
# Prints each delay and the p50 / p99 in milliseconds. Cleans up the models it made.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
N=${N:-100}
CP=${CP:-http://127.0.0.1:8081}
GW=${GW:-http://127.0.0.1:8080}
KEY=${KEY:-sk-sb-demo-0123456789abcdef}
# shellcheck disable=SC1091
source "$HERE/../target/run/secrets.env"
AUTH="Authorization: Bearer $SWITCHBOARD_ADMIN_TOKEN"
now_ms() { date +%s%3N; }
delays=()
for i in $(seq "$N"); do
  id="propagation-$$-$i"
  start=$(now_ms)
  code=$(curl -s -o /dev/null -w '%{http_code}' "$CP/admin/v1/provider-accounts/demo/models" -H "$AUTH" \
    -H 'Content-Type: application/json' -d "{\"id\":\"$id\"}")
  [ "$code" = 201 ] || { echo "create $id: HTTP $code" >&2; exit 1; }
  until curl -s "$GW/v1/models" -H "Authorization: Bearer $KEY" | grep -q "\"demo/$id\""; do :; done
  delays+=($(( $(now_ms) - start )))
  curl -s -o /dev/null -X DELETE "$CP/admin/v1/provider-accounts/demo/models/$id" -H "$AUTH"
done
printf '%s\n' "${delays[@]}" | sort -n > /tmp/propagation.txt
p() { awk -v q="$1" '{a[NR]=$1} END {i=int(q*NR+0.999); if (i<1) i=1; print a[i]}' /tmp/propagation.txt; }
echo "commit-to-served over $N changes (ms, includes the admin API call): p50 $(p 0.50)  p90 $(p 0.90)  p99 $(p 0.99)  max $(p 1.0)"
