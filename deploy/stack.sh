#!/usr/bin/env bash
# Switchboard local stack: PostgreSQL, NATS (JetStream) and ClickHouse on loopback,
# without a Docker engine.
#
#   deploy/stack.sh start    start (or reuse) every component; a second run is a no-op
#   deploy/stack.sh stop     stop only what this script started (pidfiles); never a
#                            PostgreSQL/NATS that was already running
#   deploy/stack.sh status   one line per component; exit 0 only if all are up
#   deploy/stack.sh env      shell-sourceable SWITCHBOARD_* lines for the services
#   deploy/stack.sh browser  install Chromium and its WebDriver (the console's browser tests) when missing
#
# State (data, logs, pidfiles) lives in $SWITCHBOARD_STACK_DIR, default <repo>/target/stack.
# Ports: SWITCHBOARD_PG_PORT (5432), SWITCHBOARD_NATS_PORT (4222),
#        SWITCHBOARD_CLICKHOUSE_HTTP_PORT (18123),
#        SWITCHBOARD_CLICKHOUSE_TCP_PORT (19000), SWITCHBOARD_CLICKHOUSE_INTERSERVER_PORT (19009).
# Missing server packages are installed with apt-get when run as root (Debian 12).
set -euo pipefail
umask 022

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
STACK_DIR="${SWITCHBOARD_STACK_DIR:-$REPO_ROOT/target/stack}"
RUN_DIR="$STACK_DIR/run"

HOST=127.0.0.1
PG_PORT="${SWITCHBOARD_PG_PORT:-5432}"
PG_USER=postgres
PG_DATABASES=(switchboard switchboard_test)
NATS_PORT="${SWITCHBOARD_NATS_PORT:-4222}"
CH_HTTP_PORT="${SWITCHBOARD_CLICKHOUSE_HTTP_PORT:-18123}"
CH_TCP_PORT="${SWITCHBOARD_CLICKHOUSE_TCP_PORT:-19000}"
CH_INTERSERVER_PORT="${SWITCHBOARD_CLICKHOUSE_INTERSERVER_PORT:-19009}"

PG_DIR="$STACK_DIR/pg"
PG_DATA="$PG_DIR/data"
NATS_DIR="$STACK_DIR/nats"
CH_DIR="$STACK_DIR/clickhouse"

log()  { printf '[stack] %s\n' "$*"; }
warn() { printf '[stack] WARNING: %s\n' "$*" >&2; }
die()  { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/$HOST/$1") >/dev/null 2>&1
}

wait_port() { # port seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    port_open "$1" && return 0
    sleep 0.1
  done
  return 1
}

pid_alive() { # pidfile
  [ -s "$1" ] && kill -0 "$(head -n1 "$1")" 2>/dev/null
}

tail_log() { # file
  if [ -f "$1" ]; then
    echo "---- last lines of $1 ----" >&2
    tail -n 30 "$1" >&2 || true
    echo "----" >&2
  fi
}

apt_install() { # packages...
  log "installing Debian packages: $*"
  # two test runs may install at once (a module's browser tests and another's): the second waits for dpkg's lock
  local wait=(-o DPkg::Lock::Timeout=600)
  if ! DEBIAN_FRONTEND=noninteractive apt-get "${wait[@]}" install -y -q "$@"; then
    log "apt-get install failed; running apt-get update and retrying"
    apt-get "${wait[@]}" update -q
    DEBIAN_FRONTEND=noninteractive apt-get "${wait[@]}" install -y -q "$@"
  fi
}

# Starts a command detached from this script: own session, stdin from /dev/null, output to
# a log file, so a caller reading this script's output (e.g. a test JVM) is never blocked
# by a daemon that inherited the pipe.
spawn() { # pidfile logfile workdir cmd...
  local pidfile="$1" logfile="$2" workdir="$3"
  shift 3
  rm -f "$pidfile"
  # the child writes its own pid (setsid may fork when the caller leads a process group)
  setsid bash -c 'echo $$ >"$0"; cd "$1" && shift && exec "$@"' "$pidfile" "$workdir" "$@" \
    </dev/null >>"$logfile" 2>&1 &
  local i
  for ((i = 0; i < 50; i++)); do
    [ -s "$pidfile" ] && return 0
    sleep 0.1
  done
  die "could not start $1 (no pid written to $pidfile)"
}

stop_pidfile() { # name pidfile
  local name="$1" pidfile="$2" pid i
  if ! [ -s "$pidfile" ]; then
    return 0
  fi
  pid="$(head -n1 "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      warn "$name (pid $pid) did not stop within 15 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

# ---------------------------------------------------------------- PostgreSQL

pg_bindir() {
  local d
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return 0
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  return 1
}

# Runs a PostgreSQL server binary as the postgres system user when we are root
# (postgres refuses to run as root), as ourselves otherwise.
as_pg() {
  if is_root; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

psql_cmd() {
  psql -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PG_PORT" -U "$PG_USER" "$@"
}

pg_pidfile() { echo "$RUN_DIR/postgres.pid"; }

pg_ours() { pid_alive "$(pg_pidfile)"; }

pg_start() {
  local bindir pidfile
  pidfile="$(pg_pidfile)"
  if pg_ours; then
    log "PostgreSQL: already running (started by this script, pid $(head -n1 "$pidfile")) on $HOST:$PG_PORT"
  elif port_open "$PG_PORT"; then
    rm -f "$pidfile"
    log "PostgreSQL: reusing the server already listening on $HOST:$PG_PORT (external; never stopped by this script)"
  else
    rm -f "$pidfile"
    if ! bindir="$(pg_bindir)"; then
      if is_root; then
        apt_install postgresql
        bindir="$(pg_bindir)" || die "PostgreSQL binaries still not found after installing the postgresql package"
      else
        die "nothing listens on $HOST:$PG_PORT and PostgreSQL is not installed. Run as root:
    apt-get install -y postgresql
  then re-run: $0 start   (or start your own server on $HOST:$PG_PORT with trust auth for user postgres)"
      fi
    fi
    if is_root && ! id postgres >/dev/null 2>&1; then
      die "the 'postgres' system user does not exist; run: apt-get install -y postgresql"
    fi
    mkdir -p "$PG_DIR"
    if is_root; then chown postgres: "$PG_DIR"; fi
    if [ ! -s "$PG_DATA/PG_VERSION" ]; then
      log "PostgreSQL: initdb in $PG_DATA"
      as_pg "$bindir/initdb" -D "$PG_DATA" -U "$PG_USER" -A trust -E UTF8 --locale=C.UTF-8 \
        >"$PG_DIR/initdb.log" 2>&1 || { tail_log "$PG_DIR/initdb.log"; die "initdb failed"; }
      # Trust on loopback only (the server also listens on 127.0.0.1 only).
      cat >"$PG_DATA/pg_hba.conf" <<'EOF'
# written by deploy/stack.sh: local development only
local   all   all                  trust
host    all   all   127.0.0.1/32   trust
host    all   all   ::1/128        trust
EOF
      if is_root; then chown postgres: "$PG_DATA/pg_hba.conf"; fi
    fi
    log "PostgreSQL: starting on $HOST:$PG_PORT (data $PG_DATA, log $PG_DIR/postgres.log)"
    touch "$PG_DIR/postgres.log"
    if is_root; then chown postgres: "$PG_DIR/postgres.log"; fi
    as_pg "$bindir/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/postgres.log" -w -t 60 \
      -o "-c listen_addresses=$HOST -p $PG_PORT -c unix_socket_directories=''" start >/dev/null \
      || { tail_log "$PG_DIR/postgres.log"; die "PostgreSQL did not start"; }
    head -n1 "$PG_DATA/postmaster.pid" >"$pidfile"
    wait_port "$PG_PORT" 30 || { tail_log "$PG_DIR/postgres.log"; die "PostgreSQL does not listen on $HOST:$PG_PORT"; }
  fi

  command -v psql >/dev/null 2>&1 || {
    if is_root; then apt_install postgresql-client; else die "psql not found; run as root: apt-get install -y postgresql-client"; fi
  }
  local db
  for db in "${PG_DATABASES[@]}"; do
    if [ "$(psql_cmd -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
      log "PostgreSQL: creating database $db"
      psql_cmd -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null
    fi
  done
}

pg_stop() {
  local pidfile bindir
  pidfile="$(pg_pidfile)"
  if pg_ours; then
    log "stopping PostgreSQL (pid $(head -n1 "$pidfile"))"
    if bindir="$(pg_bindir)" && [ -s "$PG_DATA/postmaster.pid" ]; then
      as_pg "$bindir/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null || stop_pidfile PostgreSQL "$pidfile"
    else
      stop_pidfile PostgreSQL "$pidfile"
    fi
  elif port_open "$PG_PORT"; then
    log "PostgreSQL on $HOST:$PG_PORT was not started by this script; leaving it running"
  fi
  rm -f "$pidfile"
}

# ---------------------------------------------------------------- NATS

nats_pidfile() { echo "$RUN_DIR/nats.pid"; }

# Reads the INFO line a NATS server sends on connect; prints it.
nats_info() {
  local line=""
  {
    exec 3<>"/dev/tcp/$HOST/$NATS_PORT" && IFS= read -r -t 3 line <&3 && exec 3<&-
  } 2>/dev/null || true
  printf '%s' "$line"
}

nats_start() {
  local pidfile info bin
  pidfile="$(nats_pidfile)"
  if pid_alive "$pidfile"; then
    log "NATS: already running (started by this script, pid $(head -n1 "$pidfile")) on nats://$HOST:$NATS_PORT"
    return 0
  fi
  rm -f "$pidfile"
  if port_open "$NATS_PORT"; then
    info="$(nats_info)"
    case "$info" in
      INFO*'"jetstream":true'*)
        log "NATS: reusing the server already listening on nats://$HOST:$NATS_PORT (JetStream enabled; external, never stopped by this script)" ;;
      INFO*)
        warn "NATS on $HOST:$NATS_PORT is reused but does not announce JetStream; Switchboard needs it (start it with -js)" ;;
      *)
        warn "something listens on $HOST:$NATS_PORT but did not answer like a NATS server; reusing it anyway" ;;
    esac
    return 0
  fi
  if ! bin="$(command -v nats-server || ls /usr/sbin/nats-server 2>/dev/null)"; then
    if is_root; then
      apt_install nats-server
      bin="$(command -v nats-server || echo /usr/sbin/nats-server)"
    else
      die "nothing listens on $HOST:$NATS_PORT and nats-server is not installed. Run as root:
    apt-get install -y nats-server
  then re-run: $0 start   (or run: nats-server -a $HOST -p $NATS_PORT -js -sd <dir>)"
    fi
  fi
  mkdir -p "$NATS_DIR"
  log "NATS: starting on nats://$HOST:$NATS_PORT with JetStream (store $NATS_DIR, log $NATS_DIR/nats.log)"
  spawn "$pidfile" "$NATS_DIR/nats.log" "$NATS_DIR" \
    "$bin" -a "$HOST" -p "$NATS_PORT" -js -sd "$NATS_DIR"
  if ! wait_port "$NATS_PORT" 20 || ! pid_alive "$pidfile"; then
    tail_log "$NATS_DIR/nats.log"
    stop_pidfile NATS "$pidfile"
    die "NATS did not start on $HOST:$NATS_PORT"
  fi
}

nats_stop() {
  local pidfile
  pidfile="$(nats_pidfile)"
  if pid_alive "$pidfile"; then
    stop_pidfile NATS "$pidfile"
  elif port_open "$NATS_PORT"; then
    log "NATS on $HOST:$NATS_PORT was not started by this script; leaving it running"
  fi
  rm -f "$pidfile"
}

# ---------------------------------------------------------------- ClickHouse

ch_pidfile() { echo "$RUN_DIR/clickhouse.pid"; }

ch_ping() {
  [ "$(curl -s -m 2 "http://$HOST:$CH_HTTP_PORT/ping" 2>/dev/null)" = "Ok." ]
}

# Prints the command that runs the ClickHouse server (Debian ships /usr/sbin/clickhouse-server;
# newer single-binary builds use `clickhouse server`).
ch_server_cmd() {
  if command -v clickhouse-server >/dev/null 2>&1; then
    command -v clickhouse-server
  elif [ -x /usr/sbin/clickhouse-server ]; then
    echo /usr/sbin/clickhouse-server
  elif command -v clickhouse >/dev/null 2>&1; then
    echo "$(command -v clickhouse) server"
  else
    return 1
  fi
}

ch_install() {
  if is_root; then
    local pkgs=(clickhouse-server)
    if apt-cache show clickhouse-client >/dev/null 2>&1; then pkgs+=(clickhouse-client); fi
    apt_install "${pkgs[@]}"
  else
    die "ClickHouse is not installed. Run as root:
    apt-get install -y clickhouse-server clickhouse-client
  then re-run: $0 start"
  fi
}

# Copies the packaged config into $CH_DIR and points every path and port at the stack.
ch_write_config() {
  local src=/etc/clickhouse-server
  [ -f "$src/config.xml" ] || die "$src/config.xml not found (is clickhouse-server installed?)"
  [ -f "$src/users.xml" ] || die "$src/users.xml not found (is clickhouse-server installed?)"
  mkdir -p "$CH_DIR/data" "$CH_DIR/tmp" "$CH_DIR/user_files" "$CH_DIR/format_schemas" "$CH_DIR/log"
  cp "$src/users.xml" "$CH_DIR/users.xml"
  CH_DIR="$CH_DIR" HOST="$HOST" CH_HTTP_PORT="$CH_HTTP_PORT" CH_TCP_PORT="$CH_TCP_PORT" \
  CH_INTERSERVER_PORT="$CH_INTERSERVER_PORT" perl -0777 -pe '
    my $d = $ENV{CH_DIR};
    s/<!--.*?-->//gs;                                   # comments out of the way
    s{<log>[^<]*</log>}{<log>$d/log/clickhouse-server.log</log>}g;
    s{<errorlog>[^<]*</errorlog>}{<errorlog>$d/log/clickhouse-server.err.log</errorlog>}g;
    s{<size>1000M</size>}{<size>100M</size>};
    s{<count>10</count>}{<count>3</count>};
    # top-level <path> only (distributed_ddl also has a <path>, a ZooKeeper path)
    s{<path>\s*/var/lib/clickhouse/?\s*</path>}{<path>$d/data/</path>}g;
    s{<tmp_path>[^<]*</tmp_path>}{<tmp_path>$d/tmp/</tmp_path>}g;
    s{<user_files_path>[^<]*</user_files_path>}{<user_files_path>$d/user_files/</user_files_path>}g;
    s{<format_schema_path>[^<]*</format_schema_path>}{<format_schema_path>$d/format_schemas/</format_schema_path>}g;
    s{<users_config>[^<]*</users_config>}{<users_config>$d/users.xml</users_config>}g;
    s{<http_port>[^<]*</http_port>}{<http_port>$ENV{CH_HTTP_PORT}</http_port>}g;
    s{<tcp_port>[^<]*</tcp_port>}{<tcp_port>$ENV{CH_TCP_PORT}</tcp_port>}g;
    s{<port>9000</port>}{<port>$ENV{CH_TCP_PORT}</port>}g;   # test clusters in remote_servers
    s{<interserver_http_port>[^<]*</interserver_http_port>}{<interserver_http_port>$ENV{CH_INTERSERVER_PORT}</interserver_http_port>}g;
    # ports we do not want at all
    s{\s*<(https_port|tcp_port_secure|interserver_https_port|mysql_port|postgresql_port|grpc_port|prometheus_port)>[^<]*</\1>}{}g;
    s{\s*<listen_host>[^<]*</listen_host>}{}g;
    s{\s*<interserver_http_host>[^<]*</interserver_http_host>}{}g;
    s{(<http_port>)}{<listen_host>$ENV{HOST}</listen_host>\n    <interserver_http_host>$ENV{HOST}</interserver_http_host>\n    $1};
    s{(<logger>)}{$1\n        <console>0</console>};
    s/^\s*\n//gm;                                       # drop blank lines left behind
  ' "$src/config.xml" >"$CH_DIR/config.xml.new"
  local want
  for want in "<path>$CH_DIR/data/</path>" "<tmp_path>$CH_DIR/tmp/</tmp_path>" \
              "<http_port>$CH_HTTP_PORT</http_port>" "<tcp_port>$CH_TCP_PORT</tcp_port>" \
              "<listen_host>$HOST</listen_host>" "<log>$CH_DIR/log/clickhouse-server.log</log>"; do
    grep -qF "$want" "$CH_DIR/config.xml.new" \
      || die "could not rewrite $src/config.xml for the stack (missing $want in $CH_DIR/config.xml.new)"
  done
  if grep -q '/var/lib/clickhouse' "$CH_DIR/config.xml.new"; then
    warn "the rewritten ClickHouse config still mentions /var/lib/clickhouse:"
    grep -n '/var/lib/clickhouse' "$CH_DIR/config.xml.new" >&2 || true
  fi
  mv "$CH_DIR/config.xml.new" "$CH_DIR/config.xml"
}

ch_start() {
  local pidfile cmd i
  pidfile="$(ch_pidfile)"
  if pid_alive "$pidfile"; then
    if ch_ping; then
      log "ClickHouse: already running (started by this script, pid $(head -n1 "$pidfile")) on http://$HOST:$CH_HTTP_PORT"
      return 0
    fi
    warn "ClickHouse pid $(head -n1 "$pidfile") is alive but does not answer /ping; restarting it"
    stop_pidfile ClickHouse "$pidfile"
  fi
  rm -f "$pidfile"
  if ch_ping; then
    log "ClickHouse: reusing the server already answering on http://$HOST:$CH_HTTP_PORT (external; never stopped by this script)"
    return 0
  fi
  if port_open "$CH_HTTP_PORT"; then
    die "$HOST:$CH_HTTP_PORT is taken by something that is not ClickHouse; set SWITCHBOARD_CLICKHOUSE_HTTP_PORT"
  fi
  if ! cmd="$(ch_server_cmd)"; then
    ch_install
    cmd="$(ch_server_cmd)" || die "clickhouse-server still not found after installing it"
  fi
  ch_write_config
  log "ClickHouse: starting on http://$HOST:$CH_HTTP_PORT, native $HOST:$CH_TCP_PORT (config $CH_DIR/config.xml, logs $CH_DIR/log/)"
  # shellcheck disable=SC2086  # $cmd may be "clickhouse server"
  spawn "$pidfile" "$CH_DIR/log/stdout.log" "$CH_DIR" $cmd --config-file="$CH_DIR/config.xml"
  for ((i = 0; i < 300; i++)); do
    ch_ping && return 0
    pid_alive "$pidfile" || break
    sleep 0.1
  done
  tail_log "$CH_DIR/log/clickhouse-server.err.log"
  tail_log "$CH_DIR/log/stdout.log"
  stop_pidfile ClickHouse "$pidfile"
  die "ClickHouse did not answer http://$HOST:$CH_HTTP_PORT/ping within 30 s"
}

ch_stop() {
  local pidfile
  pidfile="$(ch_pidfile)"
  if pid_alive "$pidfile"; then
    stop_pidfile ClickHouse "$pidfile"
  elif ch_ping; then
    log "ClickHouse on $HOST:$CH_HTTP_PORT was not started by this script; leaving it running"
  fi
  rm -f "$pidfile"
}

# ---------------------------------------------------------------- commands

status_line() { # name up? address origin
  printf '%-16s %-9s %-28s %s\n' "$1" "$2" "$3" "$4"
}

cmd_status() {
  local ok=0 up origin
  if port_open "$PG_PORT"; then up=up; else up=down; ok=1; fi
  if pg_ours; then origin="started by stack.sh (pid $(head -n1 "$(pg_pidfile)"))"
  elif [ "$up" = up ]; then origin="reused (external)"; else origin="-"; fi
  status_line postgresql "$up" "$HOST:$PG_PORT" "$origin"

  if port_open "$NATS_PORT"; then up=up; else up=down; ok=1; fi
  if pid_alive "$(nats_pidfile)"; then origin="started by stack.sh (pid $(head -n1 "$(nats_pidfile)"))"
  elif [ "$up" = up ]; then origin="reused (external)"; else origin="-"; fi
  status_line nats "$up" "nats://$HOST:$NATS_PORT" "$origin"

  if ch_ping; then up=up; else up=down; ok=1; fi
  if pid_alive "$(ch_pidfile)"; then origin="started by stack.sh (pid $(head -n1 "$(ch_pidfile)"))"
  elif [ "$up" = up ]; then origin="reused (external)"; else origin="-"; fi
  status_line clickhouse "$up" "http://$HOST:$CH_HTTP_PORT" "$origin"
  return "$ok"
}

cmd_env() {
  cat <<EOF
SWITCHBOARD_PG_HOST=$HOST
SWITCHBOARD_PG_PORT=$PG_PORT
SWITCHBOARD_PG_USER=$PG_USER
SWITCHBOARD_PG_DATABASE=switchboard
SWITCHBOARD_PG_TEST_DATABASE=switchboard_test
SWITCHBOARD_NATS_URL=nats://$HOST:$NATS_PORT
SWITCHBOARD_CLICKHOUSE_URL=http://$HOST:$CH_HTTP_PORT
EOF
}

# The console's browser tests drive Debian's Chromium through chromedriver; prints both paths.
cmd_browser() {
  if ! { command -v chromium && command -v chromedriver; } >/dev/null 2>&1; then
    if is_root; then
      apt_install chromium chromium-driver
    else
      die "Chromium is not installed. Run as root:
    apt-get install -y chromium chromium-driver"
    fi
  fi
  echo "CHROMIUM=$(command -v chromium)"
  echo "CHROMEDRIVER=$(command -v chromedriver)"
}

usage() {
  echo "usage: $0 start|stop|status|env|browser" >&2
  exit 2
}

main() {
  [ $# -eq 1 ] || usage
  case "$1" in
    start)
      mkdir -p "$RUN_DIR"
      pg_start
      nats_start
      ch_start
      log "stack is up (state in $STACK_DIR):"
      cmd_status
      ;;
    stop)
      ch_stop
      nats_stop
      pg_stop
      ;;
    status) cmd_status ;;
    env) cmd_env ;;
    browser) cmd_browser ;;
    *) usage ;;
  esac
}

main "$@"
