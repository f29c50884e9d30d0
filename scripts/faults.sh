#!/usr/bin/env bash
# The fault tests (ADR 019): the real worker, PostgreSQL, Redis and an SMTP server on loopback,
# under SIGKILL, a Redis stop, a PostgreSQL restart and an SMTP outage, with every message counted
# per recipient. scripts/test.sh runs it as its own step; `npm run test:faults` runs it alone.
#
#   scripts/faults.sh [SCENARIO...]     scenarios: kill-notices kill-import redis-stop pg-restart smtp-down
#
# FAULT_PEOPLE (2000; a personnel file at least 2,500) sets the size. It works in a database of its own (hredu_faults, created
# afresh) and Redis database 2 of the local services, and it stops and restarts those services, so
# it runs only against the local ones (scripts/services.sh) and leaves them running as it found them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/common.sh

if [[ -z "${FAULTS_UNDER_TEST_SH:-}" ]]; then
  SERVICES_STARTED_FILE="$(mktemp)"
  export SERVICES_STARTED_FILE
  trap 'bash scripts/services.sh down-started "$SERVICES_STARTED_FILE" || true' EXIT
  prepare_machine
  if [[ ! -f build/server/index.js ]]; then
    step "Building the app for the fault tests"
    npx remix vite:build >/dev/null
  fi
fi

# The service URLs as scripts/services.sh wrote them (the test run changes them for Vitest).
# shellcheck disable=SC1091
source .data/services.env
pg_port="${PGPORT_LOCAL:-54329}"
redis_port="${REDIS_PORT_LOCAL:-63799}"
if [[ "$DATABASE_URL" != "postgresql://postgres@127.0.0.1:$pg_port/hredu" || "$REDIS_URL" != "redis://127.0.0.1:$redis_port" ]]; then
  echo "Fault tests left out: they restart PostgreSQL and stop Redis, and the services here are external."
  exit 0
fi

export FAULTS_DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/hredu_faults"
export FAULTS_REDIS_URL="redis://127.0.0.1:$redis_port/2"
PGOPTIONS="-c client_min_messages=warning" psql "postgresql://postgres@127.0.0.1:$pg_port/postgres" -X -q -v ON_ERROR_STOP=1 \
  -c "DROP DATABASE IF EXISTS hredu_faults WITH (FORCE)" -c "CREATE DATABASE hredu_faults" >/dev/null
redis-cli -h 127.0.0.1 -p "$redis_port" -n 2 flushdb >/dev/null

status=0
node --import tsx test/faults/run.ts "$@" || status=$?

# Whatever happened, the services are left running as the run found them.
if ! bash scripts/services.sh status >/dev/null 2>&1; then
  echo "faults: a service was left down; starting it again" >&2
  SERVICES_STARTED_FILE='' bash scripts/services.sh up >/dev/null || true
  status=1
fi
PGOPTIONS="-c client_min_messages=warning" psql "postgresql://postgres@127.0.0.1:$pg_port/postgres" -X -q -c "DROP DATABASE IF EXISTS hredu_faults WITH (FORCE)" >/dev/null || true
exit "$status"
