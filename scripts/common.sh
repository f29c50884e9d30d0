# Shared steps of scripts/demo.sh and scripts/test.sh.

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# Install dependencies when node_modules is missing or older than the lockfile.
ensure_node_modules() {
  # A checkout that borrows another's dependencies (node_modules a link) leaves them to their owner.
  if [[ -L node_modules && -d node_modules/ ]]; then return 0; fi
  if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
    step "Installing dependencies (npm ci)"
    npm ci --no-audit --no-fund
  fi
}

# Prisma's client is generated from schema.prisma; the schema engine it would
# download is not needed for generation.
generate_prisma_client() {
  if [[ ! -f app/generated/prisma/client.ts || prisma/schema.prisma -nt app/generated/prisma/client.ts ]]; then
    step "Generating the Prisma client"
    bash scripts/prisma-generate.sh >/dev/null
  fi
}

# Dependencies, PostgreSQL and Redis, their URLs in the environment, and the
# Prisma client: what both the demo and the tests start from.
prepare_machine() {
  ensure_node_modules
  bash scripts/services.sh up
  # shellcheck disable=SC1091
  source .data/services.env
  generate_prisma_client
}
