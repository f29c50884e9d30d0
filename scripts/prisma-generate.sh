#!/usr/bin/env bash
# Generates the Prisma client (app/generated/prisma) from prisma/schema.prisma, after a schema
# change. The demo and the tests do this by themselves when the schema is newer than the client.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/common.sh
rm -f app/generated/prisma/client.ts
generate_prisma_client
echo "Prisma client generated in app/generated/prisma"
