#!/usr/bin/env bash
# npm run bench -- [--people N] [--repeat R] [--ci] [--reuse]
#
# The benchmark of every HR and worker path at a given size (bench/run.ts). It
# runs against its own database, hredu_bench, on the same PostgreSQL as the
# app: the app's development and test databases are never touched, and an
# interrupted run leaves nothing behind in them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/common.sh

prepare_machine

bench_url="${DATABASE_URL%%\?*}"
bench_url="${bench_url%/*}/hredu_bench"
admin_url="${bench_url%/*}/postgres"
if [[ "$(psql "$admin_url" -X -q -t -A -c "select 1 from pg_database where datname = 'hredu_bench'")" != 1 ]]; then
  psql "$admin_url" -X -q -v ON_ERROR_STOP=1 -c 'create database hredu_bench' >/dev/null
fi

step "Benchmark"
export DATABASE_URL="$bench_url"
# The test environment counts queries; mail goes nowhere (the benchmark sends none).
export NODE_ENV=test
export SMTP_URL="${BENCH_SMTP_URL:-smtp://127.0.0.1:2525}"
export MAIL_FROM="Bench <bench@hr-edu.test>"
export APP_ORIGIN="http://127.0.0.1:3998"
exec node --expose-gc --import tsx bench/run.ts "$@"
