#!/usr/bin/env bash
# Proves that prisma/migrations produce exactly the database schema that prisma/schema.prisma
# describes, as CI requires:
#
#   scripts/check-migrations.sh [--schema FILE]       compare with FILE instead of schema.prisma
#   scripts/check-migrations.sh --write-snapshot      record schema.prisma as what the migrations
#                                                     produce, once the check passes
#
# On two scratch databases of the DATABASE_URL server (from the environment or .data/services.env;
# scripts/services.sh up starts one), it applies the migrations with prisma/migrate.ts to one, and
# to the other the SQL that Prisma 6's schema engine (tools/prisma-diff) generates from empty for
# the schema; then it compares `pg_dump --schema-only` of both, without _prisma_migrations. It also
# checks prisma/migrations/schema.prisma.snapshot, from which scripts/migration-new.sh diffs.
# Exit status 1 with a diff when something differs. The scratch databases are dropped.
set -euo pipefail
MIG_NAME=check-migrations
# shellcheck source=scripts/lib/migrations.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/migrations.sh"

schema="$MIG_SCHEMA"
write_snapshot=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --schema) [[ $# -ge 2 ]] || mig_die "--schema needs a file"; schema="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    --write-snapshot) write_snapshot=1; shift ;;
    *) echo "usage: $0 [--schema FILE] [--write-snapshot]" >&2; exit 2 ;;
  esac
done
[[ -f "$schema" ]] || mig_die "$schema not found"
label="${schema#"$MIG_ROOT/prisma/"}"

mig_require_database
mig_require_tools
mig_has_migrations || mig_die "prisma/migrations has no migrations; create the first with scripts/migration-new.sh init"

mig_dump_of_migrations "$MIG_TMP/migrated.sql"
mig_dump_of_schema "$schema" "$MIG_TMP/expected.sql"
if ! mig_same "$MIG_TMP/expected.sql" "$MIG_TMP/migrated.sql" "$label" prisma/migrations; then
  mig_log "FAILED: the migrations do not produce what $label describes (diff above: - $label, + migrations)."
  mig_log "If $label changed, add a migration with scripts/migration-new.sh NAME."
  exit 1
fi

if (( write_snapshot )); then
  [[ "$schema" == "$MIG_SCHEMA" ]] || mig_die "--write-snapshot records prisma/schema.prisma only"
  mig_write_snapshot
  mig_log "wrote prisma/migrations/schema.prisma.snapshot"
elif [[ "$schema" == "$MIG_SCHEMA" ]]; then
  [[ -f "$MIG_SNAPSHOT" ]] || mig_die "prisma/migrations/schema.prisma.snapshot is missing; scripts/migration-new.sh needs it
  (scripts/check-migrations.sh --write-snapshot records the current schema.prisma, which matches the migrations)"
  if ! cmp -s <(tail -n +4 "$MIG_SNAPSHOT") "$MIG_SCHEMA"; then
    mig_dump_of_schema "$MIG_SNAPSHOT" "$MIG_TMP/snapshot.sql"
    if ! mig_same "$MIG_TMP/snapshot.sql" "$MIG_TMP/migrated.sql" schema.prisma.snapshot prisma/migrations; then
      mig_log "FAILED: prisma/migrations/schema.prisma.snapshot does not describe what the migrations produce."
      mig_log "It is written by scripts/migration-new.sh; record the current schema with --write-snapshot."
      exit 1
    fi
  fi
fi

echo "migrations match $label"
