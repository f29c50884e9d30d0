#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs dependencies and the
# services it needs, prepares the test database, then runs every test
# (unit, database, worker, end-to-end in Chromium) with Vitest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/common.sh

# The local services this run starts are stopped when it ends, whatever the outcome; services
# that were already running are left as they were.
SERVICES_STARTED_FILE="$(mktemp)"
export SERVICES_STARTED_FILE
trap 'bash scripts/services.sh down-started "$SERVICES_STARTED_FILE" || true' EXIT

prepare_machine

step "Checking content"
npm run --silent content:check

step "Checking that migrations match schema.prisma"
bash scripts/check-migrations.sh

step "Type-checking and linting"
npx tsc --noEmit
npx eslint . --max-warnings 0

step "Building the app for the end-to-end tests and the benchmark's pages under load"
npx remix vite:build >/dev/null

step "Benchmark at a quick size: fails on an error, a result that disagrees with its bound, or a query count that grows with size"
# Timings are printed, never judged here: they belong in docs/benchmarks.md, not in a pass/fail.
# A run of named test files (npm test -- path) leaves it out.
if [[ $# -eq 0 ]]; then
  BENCH_DB=hredu_bench_ci bash scripts/bench.sh --ci --people "${BENCH_CI_PEOPLE:-3000}"
else
  echo "(left out: only named tests run)"
fi

step "Running the tests"
export DATABASE_URL="$TEST_DATABASE_URL"
export REDIS_URL="${TEST_REDIS_URL:-${REDIS_URL%/}/1}"
rm -f .data/test-summary*.txt
status=0
TEST_SUMMARY_FILE=.data/test-summary.txt npx vitest run "$@" || status=$?
summaries=("now ($(TZ=Asia/Seoul date '+%Y-%m-%dT%H:%M:%S+09:00'))|.data/test-summary.txt")

# The product is about dates, so the tests that read the calendar run again with the product's
# clock set to the moments where calendars go wrong (test/clock.ts): Seoul's new year while UTC is
# still in the old one, both sides of the half-year boundary, the last minute of the year, a leap
# day, and an early morning when UTC is still on the day before (and on a Sunday).
if [[ $# -eq 0 ]]; then
  MOMENTS=(
    2027-01-01T00:00:00+09:00
    2026-06-30T23:59:00+09:00
    2026-07-01T00:00:00+09:00
    2026-12-31T23:59:00+09:00
    2028-02-29T12:00:00+09:00
    2026-03-02T07:30:00+09:00
  )
  DATED_TESTS=(app jobs/worker.test.ts test/year.test.ts test/moments.test.ts)
  for i in "${!MOMENTS[@]}"; do
    step "Running the date-sensitive tests at ${MOMENTS[$i]}"
    file=".data/test-summary-moment-$i.txt"
    TEST_CLOCK="${MOMENTS[$i]}" TEST_SUMMARY_FILE="$file" \
      npx vitest run --reporter=dot --reporter=./test/summary-reporter.ts "${DATED_TESTS[@]}" || status=1
    summaries+=("${MOMENTS[$i]}|$file")
  done
fi

# The fault tests (ADR 019): the real worker killed while it sends and while it applies a large
# personnel file, Redis stopped, PostgreSQL restarted under requests, the SMTP server down; every
# message and assignment counted. A run of named test files leaves them out.
faults="left out: only named tests run"
if [[ $# -eq 0 ]]; then
  step "Fault tests: the worker killed, Redis stopped, PostgreSQL restarted, SMTP down"
  if FAULTS_UNDER_TEST_SH=1 bash scripts/faults.sh; then faults="passed"; else faults="FAILED"; status=1; fi
fi

echo
total_passed=0; total_failed=0; total_skipped=0
for entry in "${summaries[@]}"; do
  label="${entry%%|*}"; file="${entry#*|}"
  if [[ -f "$file" ]]; then line="$(head -n 1 "$file")"; else line="Tests: 0 passed, 1 failed, 0 skipped (no summary)"; status=1; fi
  printf '  %-34s %s\n' "$label" "$line"
  # The failed tests' names, which the reporter writes under its line.
  if [[ -f "$file" ]]; then tail -n +2 "$file" | sed 's/^/  /'; fi
  read -r p f s < <(sed -E 's/^Tests: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/' <<<"$line")
  total_passed=$((total_passed + p)); total_failed=$((total_failed + f)); total_skipped=$((total_skipped + s))
done
echo
echo "Tests: $total_passed passed, $total_failed failed, $total_skipped skipped"
echo "Fault tests: $faults"
exit "$status"
