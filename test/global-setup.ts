import { Redis } from "ioredis";
import { join } from "node:path";
import pg from "pg";
import { deployMigrations } from "../prisma/migrate";

/**
 * Once per run: a clean test database with every migration applied, and an
 * empty Redis database. scripts/test.sh starts the services and sets the URLs.
 */
export default async function globalSetup() {
  const url = process.env.DATABASE_URL;
  if (!url || !/_test\b/.test(url)) {
    throw new Error(`DATABASE_URL must point at a *_test database (got ${url ?? "nothing"}); run the tests with npm test`);
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
  await client.end();
  await deployMigrations(url, { log: () => {} });

  // The real course content, published once for every test file.
  const { readContentTree } = await import("~/modules/content/source.server");
  const { loadContent } = await import("~/modules/content/load.server");
  const { prisma } = await import("~/utils/db.server");
  await loadContent(readContentTree(process.env.CONTENT_ROOT ?? join(process.cwd(), "content")));
  await prisma.$disconnect();

  const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
  await redis.flushdb();
  await redis.quit();
}
