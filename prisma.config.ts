import { defineConfig } from "prisma/config";

// The CLI is used only to generate the client; migrations are applied by
// prisma/migrate.ts (see docs/decisions/002-migrations.md).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
