#!/usr/bin/env bash
# Generates the Prisma client (app/generated/prisma) from prisma/schema.prisma, after a schema
# change. The demo and the tests do this by themselves when the schema is newer than the client.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The schema engine Prisma would download first is not needed to generate the client.
PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
