# Shared by scripts/migration-new.sh and scripts/check-migrations.sh (sourced, not run).
#
# Both compare database schemas built two ways on scratch databases of the DATABASE_URL server:
# by applying prisma/migrations with prisma/migrate.ts, and by applying the SQL that Prisma 6's
# schema engine (tools/prisma-diff) writes for a Prisma schema from empty. The comparison is of
# `pg_dump --schema-only` output, without the _prisma_migrations table.

MIG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MIG_DIR="$MIG_ROOT/prisma/migrations"
MIG_SCHEMA="$MIG_ROOT/prisma/schema.prisma"
# The schema the migrations produce, as of the latest migration; new migrations are diffed from it.
MIG_SNAPSHOT="$MIG_DIR/schema.prisma.snapshot"
MIG_TOOLS="$MIG_ROOT/tools/prisma-diff"
MIG_NOTHING_TO_CHANGE=3

MIG_SCRATCH_DBS=()
MIG_TMP="$(mktemp -d "${TMPDIR:-/tmp}/hredu-migrations.XXXXXX")"

mig_log() { printf '%s\n' "$MIG_NAME: $*" >&2; }
mig_die() { printf '%s\n' "$MIG_NAME: error: $*" >&2; exit 1; }

mig_cleanup() {
  local db
  for db in "${MIG_SCRATCH_DBS[@]}"; do
    psql "$DATABASE_URL" -X -q -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$MIG_TMP"
}
trap mig_cleanup EXIT

# DATABASE_URL from the environment, or from .data/services.env written by scripts/services.sh up.
mig_require_database() {
  if [[ -z "${DATABASE_URL:-}" && -f "$MIG_ROOT/.data/services.env" ]]; then
    # shellcheck disable=SC1091
    source "$MIG_ROOT/.data/services.env"
  fi
  [[ -n "${DATABASE_URL:-}" ]] || mig_die "DATABASE_URL is not set; start the local services with scripts/services.sh up"
  local tool
  for tool in psql pg_dump node; do
    command -v "$tool" >/dev/null 2>&1 || mig_die "$tool is not installed (scripts/services.sh up installs what is missing)"
  done
  psql "$DATABASE_URL" -X -q -t -A -c 'select 1' >/dev/null 2>&1 \
    || mig_die "cannot connect to DATABASE_URL; is the database running? (scripts/services.sh up)"
}

# Installs tools/prisma-diff from its lockfile when it is missing or out of date, and checks that
# the project's own packages (tsx, pg) are there.
mig_require_tools() {
  [[ -x "$MIG_ROOT/node_modules/.bin/tsx" ]] || mig_die "the project's packages are not installed: run npm ci in $MIG_ROOT"
  local marker="$MIG_TOOLS/node_modules/.package-lock.json"
  if [[ ! -f "$marker" || "$MIG_TOOLS/package-lock.json" -nt "$marker" ]]; then
    mig_log "installing tools/prisma-diff (prisma 6)"
    (cd "$MIG_TOOLS" && npm ci --no-audit --no-fund --loglevel=error >&2) || mig_die "npm ci in tools/prisma-diff failed"
  fi
}

mig_has_migrations() {
  local entry
  for entry in "$MIG_DIR"/*/; do [[ -f "$entry/migration.sql" ]] && return 0; done
  return 1
}

# mig_scratch_db VAR: creates an empty database on the DATABASE_URL server, dropped on exit, and
# sets VAR to its URL.
mig_scratch_db() {
  local name="hredu_scratch_$$_${#MIG_SCRATCH_DBS[@]}"
  psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$name\"" >/dev/null \
    || mig_die "cannot create the scratch database $name (the role needs CREATEDB)"
  MIG_SCRATCH_DBS+=("$name")
  printf -v "$1" '%s' "$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.href)' "$DATABASE_URL" "$name")"
}

# mig_sql_for URL OUT (--from-empty | --from-schema FILE) --to-schema FILE
# Writes the SQL of a schema diff to OUT. Returns MIG_NOTHING_TO_CHANGE when the diff is empty.
mig_sql_for() {
  local url="$1" out="$2"; shift 2
  local rc=0
  node "$MIG_TOOLS/diff.mjs" --database-url "$url" --output "$out" "$@" || rc=$?
  if (( rc == MIG_NOTHING_TO_CHANGE )); then : >"$out"; return "$MIG_NOTHING_TO_CHANGE"; fi
  (( rc == 0 )) || mig_die "prisma-diff failed"
}

# pg_dump --schema-only, made comparable: without the session-specific \restrict key and version
# comments, and with the columns of each table in name order (Prisma appends a column added by a
# migration at the end of its table, while a table created from scratch lists columns in model
# order; the order carries no meaning for the application).
mig_dump() { # mig_dump URL OUT
  if ! pg_dump --schema-only --no-owner --no-privileges --exclude-table='_prisma_migrations' "$1" \
    | awk '
        /^\\(un)?restrict / { next }
        /^-- Dumped (from|by) / { next }
        /^CREATE TABLE / { print; intable = 1; n = 0; next }
        intable && /^\)/ {
          for (i = 2; i <= n; i++) { v = col[i]; for (j = i - 1; j >= 1 && col[j] > v; j--) col[j + 1] = col[j]; col[j + 1] = v }
          for (i = 1; i <= n; i++) print col[i] (i < n ? "," : "")
          print; intable = 0; next
        }
        intable { sub(/,$/, ""); col[++n] = $0; next }
        { print }
      ' >"$2"; then
    mig_die "pg_dump failed"
  fi
}

# mig_dump_of_migrations OUT: the schema prisma/migrations produce.
mig_dump_of_migrations() {
  local url
  mig_scratch_db url
  if ! "$MIG_ROOT/node_modules/.bin/tsx" "$MIG_ROOT/prisma/migrate.ts" deploy --database-url "$url" \
    --migrations-dir "$MIG_DIR" 2>&1 | sed "s/^/  /" >&2; then
    mig_die "applying prisma/migrations failed"
  fi
  mig_dump "$url" "$1"
}

# What schema.prisma cannot say (CHECK constraints, expression indexes): plain SQL, applied after
# the SQL generated for a schema. A migration that adds one carries the same statement, written in
# by hand after scripts/migration-new.sh wrote the rest.
MIG_CONSTRAINTS="$MIG_ROOT/prisma/constraints.sql"

# mig_dump_of_schema SCHEMA OUT: the schema that a Prisma schema file describes, with
# prisma/constraints.sql for prisma/schema.prisma and its snapshot.
mig_dump_of_schema() {
  local schema="$1" out="$2" url sql="$MIG_TMP/from-empty.sql"
  mig_scratch_db url
  if mig_sql_for "$url" "$sql" --from-empty --to-schema "$schema"; then
    PGOPTIONS='-c client_min_messages=warning' psql "$url" -X -q -v ON_ERROR_STOP=1 --single-transaction -f "$sql" >/dev/null \
      || mig_die "the SQL generated for $schema does not apply"
  fi
  if [[ ("$schema" == "$MIG_SCHEMA" || "$schema" == "$MIG_SNAPSHOT") && -f "$MIG_CONSTRAINTS" ]]; then
    PGOPTIONS='-c client_min_messages=warning' psql "$url" -X -q -v ON_ERROR_STOP=1 --single-transaction -f "$MIG_CONSTRAINTS" >/dev/null \
      || mig_die "prisma/constraints.sql does not apply to $schema"
  fi
  mig_dump "$url" "$out"
}

# mig_same DUMP_A DUMP_B LABEL_A LABEL_B: prints a unified diff and returns 1 when they differ.
mig_same() {
  diff -u --label "$3" --label "$4" "$1" "$2" >&2
}

# mig_write_snapshot: records the current schema.prisma as what the migrations produce.
mig_write_snapshot() {
  {
    echo "// The schema that the migrations in this folder produce: prisma/schema.prisma as of the latest"
    echo "// migration. scripts/migration-new.sh writes it and diffs new migrations from it;"
    echo "// scripts/check-migrations.sh checks it. Do not edit it by hand."
    cat "$MIG_SCHEMA"
  } >"$MIG_SNAPSHOT"
}
