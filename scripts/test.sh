#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs dependencies and the
# services it needs, prepares the test database, then runs every test
# (unit, database, worker, end-to-end in Chromium) with Vitest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/common.sh

prepare_machine

step "Checking content"
npm run --silent content:check

step "Checking that migrations match schema.prisma"
bash scripts/check-migrations.sh

step "Type-checking and linting"
npx tsc --noEmit
npx eslint . --max-warnings 0

step "Benchmark at a quick size: fails on an error, a result that disagrees with its bound, or a query count that grows with size"
# Timings are printed, never judged here: they belong in docs/benchmarks.md, not in a pass/fail.
# A run of named test files (npm test -- path) leaves it out.
if [[ $# -eq 0 ]]; then
  BENCH_DB=hredu_bench_ci bash scripts/bench.sh --ci --people "${BENCH_CI_PEOPLE:-3000}"
else
  echo "(left out: only named tests run)"
fi

step "Building the app for the end-to-end tests"
npx remix vite:build >/dev/null

step "Running the tests"
export DATABASE_URL="$TEST_DATABASE_URL"
export REDIS_URL="${TEST_REDIS_URL:-${REDIS_URL%/}/1}"
export TEST_SUMMARY_FILE=.data/test-summary.txt
rm -f "$TEST_SUMMARY_FILE"
status=0
npx vitest run "$@" || status=$?
if [[ -f "$TEST_SUMMARY_FILE" ]]; then
  echo
  cat "$TEST_SUMMARY_FILE"
fi
exit "$status"
