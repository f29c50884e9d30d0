#!/usr/bin/env bash
# Local PostgreSQL and Redis for development, tests and CI.
#
#   scripts/services.sh up      install what is missing (root on Debian), start, wait, write .data/services.env
#   scripts/services.sh down    stop the services this script runs
#   scripts/services.sh status  print the state of each service (exit 3 if one is not reachable)
#   scripts/services.sh env     print `export` lines for DATABASE_URL, TEST_DATABASE_URL and REDIS_URL
#   scripts/services.sh down-started FILE
#                               stop only the services that `up` started and listed in FILE
#   scripts/services.sh restart-postgres | stop-redis | start-redis
#                               faults on purpose, for the fault tests (scripts/faults.sh, ADR 019):
#                               the local services only, never external ones
#
# With SERVICES_STARTED_FILE set, `up` appends to that file the name of each local service it had
# to start (postgres, redis), so that the caller can stop exactly those and leave alone what was
# already running (scripts/test.sh does, so a second checkout can run the tests after it).
#
# A service whose URL is already in the environment (DATABASE_URL, REDIS_URL), and is not the
# local one, is used as it is: nothing is installed, started, stopped or created for it. With an
# external DATABASE_URL the test database is TEST_DATABASE_URL if set, otherwise the same server
# with "_test" appended to the database name.
#
# The local services live in .data/ (git-ignored):
#   .data/pg        PostgreSQL 15 cluster, owned by the `postgres` OS user when run as root (a link
#                   to a folder in the home of `postgres` if that user cannot enter the project)
#   .data/pg-run    its unix socket and server log
#   .data/redis     Redis data (append-only file)
#   .data/redis.pid, .data/redis.log
#   .data/services.env  the same lines `env` prints
# Both listen on 127.0.0.1 only: PostgreSQL on PGPORT_LOCAL (54329) with trust authentication,
# Redis on REDIS_PORT_LOCAL (63799) with append-only persistence and no eviction (BullMQ needs it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/.data"
PGDATA_DIR="$DATA/pg"
PGRUN_DIR="$DATA/pg-run"
PGLOG="$PGRUN_DIR/postgres.log"
REDIS_DIR="$DATA/redis"
REDIS_PID="$DATA/redis.pid"
REDIS_LOG="$DATA/redis.log"
ENV_FILE="$DATA/services.env"

PG_PORT="${PGPORT_LOCAL:-54329}"
REDIS_PORT="${REDIS_PORT_LOCAL:-63799}"
DEV_DB=hredu
TEST_DB=hredu_test
WAIT_SECONDS="${SERVICES_WAIT_SECONDS:-60}"

# A URL in the environment means an external service, unless it is exactly the URL of the local
# one (as after `source .data/services.env`).
EXTERNAL_DB=0
EXTERNAL_REDIS=0
if [[ -n "${DATABASE_URL:-}" && "$DATABASE_URL" != "postgresql://postgres@127.0.0.1:$PG_PORT/$DEV_DB" ]]; then
  EXTERNAL_DB=1
fi
if [[ -n "${REDIS_URL:-}" && "$REDIS_URL" != "redis://127.0.0.1:$REDIS_PORT" ]]; then
  EXTERNAL_REDIS=1
fi

log() { printf '%s\n' "services: $*" >&2; }
die() { printf '%s\n' "services: error: $*" >&2; exit 1; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }
is_debian() { [[ -f /etc/debian_version ]] && command -v apt-get >/dev/null 2>&1; }

# PostgreSQL 15 binaries: PATH first, then Debian's versioned directory.
if ! command -v initdb >/dev/null 2>&1 && [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
  PATH="/usr/lib/postgresql/15/bin:$PATH"
fi

pg_bin() { # pg_bin NAME -> absolute path of a PostgreSQL program, preferring initdb's directory
  local name="$1" dir
  if command -v initdb >/dev/null 2>&1; then
    dir="$(dirname "$(readlink -f "$(command -v initdb)")")"
    if [[ -x "$dir/$name" ]]; then printf '%s\n' "$dir/$name"; return; fi
  fi
  command -v "$name" || die "PostgreSQL program '$name' not found"
}

# Run a PostgreSQL server program as the cluster owner (initdb and postgres refuse root), from /
# since the project folder may be closed to that user. All paths given to it are absolute.
as_pg_owner() {
  if is_root; then
    if command -v runuser >/dev/null 2>&1; then
      (cd / && runuser -u postgres -- "$@")
    else
      (cd / && su postgres -s /bin/sh -c "$(printf '%q ' "$@")")
    fi
  else
    "$@"
  fi
}

# ---------------------------------------------------------------- URLs

local_db_url() { printf 'postgresql://postgres@127.0.0.1:%s/%s' "$PG_PORT" "$1"; }

database_url() {
  if (( EXTERNAL_DB )); then printf '%s' "$DATABASE_URL"; else local_db_url "$DEV_DB"; fi
}

test_database_url() {
  if [[ -n "${TEST_DATABASE_URL:-}" ]]; then printf '%s' "$TEST_DATABASE_URL"; return; fi
  if (( EXTERNAL_DB )); then
    # postgresql://user@host:port/NAME?params -> .../NAME_test?params
    local url="$DATABASE_URL" base query=""
    if [[ "$url" == *\?* ]]; then base="${url%%\?*}"; query="?${url#*\?}"; else base="$url"; fi
    printf '%s_test%s' "$base" "$query"
  else
    local_db_url "$TEST_DB"
  fi
}

redis_url() {
  if (( EXTERNAL_REDIS )); then printf '%s' "$REDIS_URL"; else printf 'redis://127.0.0.1:%s' "$REDIS_PORT"; fi
}

# A URL with its password replaced, for printing.
redact() { sed -E 's#(://[^:/@]+):[^@/]*@#\1:***@#' <<<"$1"; }

sh_quote() { local q="'\\''"; printf "'%s'" "${1//\'/$q}"; }

print_env() {
  printf 'export DATABASE_URL=%s\n' "$(sh_quote "$(database_url)")"
  printf 'export TEST_DATABASE_URL=%s\n' "$(sh_quote "$(test_database_url)")"
  printf 'export REDIS_URL=%s\n' "$(sh_quote "$(redis_url)")"
}

# ---------------------------------------------------------------- system packages

# Debian packages needed by this project, as "package:test" pairs; a test is a command name or an
# absolute path that the package provides.
required_packages() {
  (( EXTERNAL_DB )) || echo "postgresql-15:initdb"
  echo "postgresql-client-15:psql"
  echo "postgresql-client-15:pg_dump"
  (( EXTERNAL_REDIS )) || echo "redis-server:redis-server"
  echo "redis-tools:redis-cli"
  echo "chromium:/usr/bin/chromium"
  echo "fonts-nanum:/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
  echo "poppler-utils:pdftotext"
}

missing_packages() {
  local pair pkg test seen=" "
  while IFS= read -r pair; do
    pkg="${pair%%:*}"; test="${pair#*:}"
    if [[ "$test" == /* ]]; then [[ -e "$test" ]] && continue
    else command -v "$test" >/dev/null 2>&1 && continue
    fi
    [[ "$seen" == *" $pkg "* ]] && continue
    seen+="$pkg "
    printf '%s\n' "$pkg"
  done < <(required_packages)
}

ensure_packages() {
  local missing
  missing="$(missing_packages | tr '\n' ' ')"
  missing="${missing% }"
  [[ -z "$missing" ]] && return 0
  if is_root && is_debian; then
    log "installing Debian packages: $missing"
    # The Debian postgresql packages would otherwise create and start a 'main' cluster on 5432.
    if [[ " $missing " == *" postgresql-15 "* && ! -e /etc/postgresql-common/createcluster.conf ]]; then
      mkdir -p /etc/postgresql-common
      echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    apt-get install -y -qq \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $missing >/dev/null
    if ! command -v initdb >/dev/null 2>&1 && [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
      PATH="/usr/lib/postgresql/15/bin:$PATH"
    fi
    local still
    still="$(missing_packages | tr '\n' ' ')"
    [[ -z "${still// /}" ]] || die "still missing after apt-get install: $still"
  else
    {
      echo "services: these Debian packages are missing: $missing"
      echo "services: install them as root:  apt-get update && apt-get install -y $missing"
    } >&2
    exit 1
  fi
}

# ---------------------------------------------------------------- PostgreSQL

# As root the server runs as 'postgres', which must reach its data directory through every parent
# directory. When the project lives where 'postgres' cannot enter (say, under /root), the cluster
# goes to the home of 'postgres' instead, in a folder named after the project path, and .data/pg
# becomes a symbolic link to it. No permissions are changed.
pg_locate() {
  is_root || return 0
  id postgres >/dev/null 2>&1 || die "the OS user 'postgres' does not exist (the Debian postgresql packages create it)"
  mkdir -p "$DATA"
  if [[ -L "$PGDATA_DIR" ]] || ! as_pg_owner test -x "$DATA" 2>/dev/null; then
    local home base
    home="$(getent passwd postgres | cut -d: -f6)"
    [[ -n "$home" && -d "$home" ]] || die "the 'postgres' user cannot enter $DATA and has no home directory"
    base="$home/hredu-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
    PGDATA_DIR="$base/pg"
    PGRUN_DIR="$base/run"
    PGLOG="$PGRUN_DIR/postgres.log"
  fi
}

pg_running() {
  [[ -f "$PGDATA_DIR/PG_VERSION" ]] || return 1
  as_pg_owner "$(pg_bin pg_ctl)" status -D "$PGDATA_DIR" >/dev/null 2>&1
}

pg_accepts() { # pg_accepts URL
  "$(pg_bin psql)" "$1" -X -q -t -A -c 'select 1' >/dev/null 2>&1
}

pg_init() {
  [[ -f "$PGDATA_DIR/PG_VERSION" ]] && return 0
  log "creating PostgreSQL cluster in $PGDATA_DIR"
  mkdir -p "$PGDATA_DIR"
  chmod 700 "$PGDATA_DIR"
  if is_root; then chown postgres:postgres "$PGDATA_DIR"; fi
  local locale=C.UTF-8
  if ! locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C; fi
  as_pg_owner "$(pg_bin initdb)" -D "$PGDATA_DIR" --username=postgres --auth=trust \
    --encoding=UTF8 --locale="$locale" >"$DATA/initdb.log" 2>&1 \
    || { cat "$DATA/initdb.log" >&2; die "initdb failed"; }
  # Trust, but only over the unix socket in .data and loopback TCP.
  as_pg_owner sh -c "cat > '$PGDATA_DIR/pg_hba.conf'" <<'EOF'
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 trust
host    all       all   127.0.0.1/32  trust
EOF
  as_pg_owner sh -c "cat >> '$PGDATA_DIR/postgresql.conf'" <<EOF

# ---- local development cluster (scripts/services.sh)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PGRUN_DIR'
# A crash may lose the last few commits, never consistency; tests run faster.
synchronous_commit = off
EOF
}

pg_up() {
  pg_locate
  if [[ "$PGDATA_DIR" != "$DATA/pg" && ! -e "$DATA/pg" ]]; then
    log "the 'postgres' user cannot enter $ROOT: the cluster lives in $(dirname "$PGDATA_DIR")"
    ln -s "$PGDATA_DIR" "$DATA/pg"
  fi
  mkdir -p "$DATA" "$PGRUN_DIR"
  if is_root; then chown postgres:postgres "$PGRUN_DIR"; fi
  # Unix socket paths are limited to 107 bytes.
  local sock="$PGRUN_DIR/.s.PGSQL.$PG_PORT"
  (( ${#sock} < 100 )) || die "the project path is too long for a PostgreSQL socket ($sock)"
  pg_init
  if pg_running; then
    log "postgres already running (port $PG_PORT)"
  else
    log "starting postgres on 127.0.0.1:$PG_PORT"
    note_started postgres
    if ! as_pg_owner "$(pg_bin pg_ctl)" start -D "$PGDATA_DIR" -l "$PGLOG" -w -t "$WAIT_SECONDS" \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='$PGRUN_DIR'" >/dev/null; then
      tail -n 20 "$PGLOG" >&2 || true
      die "postgres did not start (log: $PGLOG)"
    fi
  fi
  local deadline=$((SECONDS + WAIT_SECONDS))
  until pg_accepts "$(local_db_url postgres)"; do
    (( SECONDS < deadline )) || { tail -n 20 "$PGLOG" >&2 || true; die "postgres is not accepting connections on 127.0.0.1:$PG_PORT after ${WAIT_SECONDS}s"; }
    sleep 0.2
  done
  local db
  for db in "$DEV_DB" "$TEST_DB"; do
    if [[ "$("$(pg_bin psql)" "$(local_db_url postgres)" -X -q -t -A \
      -c "select 1 from pg_database where datname = '$db'")" != 1 ]]; then
      log "creating database $db"
      "$(pg_bin psql)" "$(local_db_url postgres)" -X -q -v ON_ERROR_STOP=1 -c "create database \"$db\"" >/dev/null
    fi
  done
}

pg_down() {
  pg_locate
  if pg_running; then
    log "stopping postgres"
    as_pg_owner "$(pg_bin pg_ctl)" stop -D "$PGDATA_DIR" -m fast -w -t "$WAIT_SECONDS" >/dev/null
  else
    log "postgres is not running"
  fi
}

# ---------------------------------------------------------------- Redis

redis_ping() { # redis_ping [redis-cli connection args...]
  [[ "$(redis-cli "$@" ping 2>/dev/null)" == PONG ]]
}

redis_up() {
  mkdir -p "$REDIS_DIR"
  if redis_ping -h 127.0.0.1 -p "$REDIS_PORT"; then
    log "redis already running (port $REDIS_PORT)"
  else
    log "starting redis on 127.0.0.1:$REDIS_PORT"
    note_started redis
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
      --dir "$REDIS_DIR" --appendonly yes --maxmemory-policy noeviction --save "" \
      --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" \
      || die "redis-server did not start (log: $REDIS_LOG)"
  fi
  local deadline=$((SECONDS + WAIT_SECONDS))
  until redis_ping -h 127.0.0.1 -p "$REDIS_PORT"; do
    (( SECONDS < deadline )) || { tail -n 20 "$REDIS_LOG" >&2 || true; die "redis is not answering on 127.0.0.1:$REDIS_PORT after ${WAIT_SECONDS}s"; }
    sleep 0.2
  done
}

redis_down() {
  if redis_ping -h 127.0.0.1 -p "$REDIS_PORT"; then
    log "stopping redis"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
    local deadline=$((SECONDS + WAIT_SECONDS))
    while redis_ping -h 127.0.0.1 -p "$REDIS_PORT"; do
      (( SECONDS < deadline )) || die "redis on port $REDIS_PORT did not stop"
      sleep 0.2
    done
  else
    log "redis is not running"
  fi
}

# ---------------------------------------------------------------- commands

note_started() { # note_started NAME: record for `down-started` that this run started NAME
  if [[ -n "${SERVICES_STARTED_FILE:-}" ]]; then printf '%s\n' "$1" >>"$SERVICES_STARTED_FILE"; fi
}

cmd_down_started() { # cmd_down_started FILE
  local file="${1:-}"
  [[ -n "$file" ]] || die "usage: $0 down-started FILE"
  [[ -f "$file" ]] || return 0
  if grep -qx postgres "$file"; then pg_down; fi
  if grep -qx redis "$file"; then redis_down; fi
  rm -f "$file"
}

cmd_up() {
  ensure_packages
  mkdir -p "$DATA"
  if (( EXTERNAL_DB )); then log "using DATABASE_URL $(redact "$DATABASE_URL")"
    if [[ -z "${TEST_DATABASE_URL:-}" ]]; then log "TEST_DATABASE_URL not set; tests use $(redact "$(test_database_url)")"; fi
  else pg_up; fi
  if (( EXTERNAL_REDIS )); then log "using REDIS_URL $(redact "$REDIS_URL")"; else redis_up; fi
  print_env >"$ENV_FILE"
  log "ready; environment written to .data/services.env"
}

cmd_down() {
  if (( EXTERNAL_DB )); then log "DATABASE_URL is external: leaving it alone"; else pg_down; fi
  if (( EXTERNAL_REDIS )); then log "REDIS_URL is external: leaving it alone"; else redis_down; fi
}

# The fault tests restart PostgreSQL under load and stop Redis for a while: the local ones only.
cmd_restart_postgres() {
  (( EXTERNAL_DB )) && die "DATABASE_URL is external: not restarting it"
  pg_locate
  pg_running || die "postgres is not running"
  log "restarting postgres (fast)"
  as_pg_owner "$(pg_bin pg_ctl)" restart -D "$PGDATA_DIR" -m fast -w -t "$WAIT_SECONDS" -l "$PGLOG" \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='$PGRUN_DIR'" >/dev/null
  local deadline=$((SECONDS + WAIT_SECONDS))
  until pg_accepts "$(local_db_url postgres)"; do
    (( SECONDS < deadline )) || die "postgres is not accepting connections after a restart"
    sleep 0.1
  done
}

cmd_stop_redis() {
  (( EXTERNAL_REDIS )) && die "REDIS_URL is external: not stopping it"
  redis_down
}

cmd_start_redis() {
  (( EXTERNAL_REDIS )) && die "REDIS_URL is external: not starting it"
  redis_up
}

cmd_status() {
  local ok=0 url
  url="$(database_url)"
  if (( EXTERNAL_DB )); then
    if command -v psql >/dev/null 2>&1 && pg_accepts "$url"; then echo "postgres: reachable (external $(redact "$url"))"
    else echo "postgres: NOT reachable (external $(redact "$url"))"; ok=3; fi
  elif command -v initdb >/dev/null 2>&1 && pg_locate && pg_running && pg_accepts "$(local_db_url postgres)"; then
    echo "postgres: running on 127.0.0.1:$PG_PORT (data $PGDATA_DIR)"
  else
    echo "postgres: stopped"; ok=3
  fi
  url="$(redis_url)"
  if (( EXTERNAL_REDIS )); then
    if command -v redis-cli >/dev/null 2>&1 && redis_ping -u "$url"; then echo "redis: reachable (external $(redact "$url"))"
    else echo "redis: NOT reachable (external $(redact "$url"))"; ok=3; fi
  elif command -v redis-cli >/dev/null 2>&1 && redis_ping -h 127.0.0.1 -p "$REDIS_PORT"; then
    echo "redis: running on 127.0.0.1:$REDIS_PORT (data $REDIS_DIR)"
  else
    echo "redis: stopped"; ok=3
  fi
  return "$ok"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  down-started) cmd_down_started "${2:-}" ;;
  status) cmd_status ;;
  env) print_env ;;
  restart-postgres) cmd_restart_postgres ;;
  stop-redis) cmd_stop_redis ;;
  start-redis) cmd_start_redis ;;
  *)
    echo "usage: $0 up|down|down-started FILE|status|env|restart-postgres|stop-redis|start-redis" >&2
    exit 2
    ;;
esac
