// Prisma 6 configuration for diff.mjs: the WebAssembly schema engine, reaching PostgreSQL through
// the pg driver adapter. diff.mjs sets PRISMA_DIFF_SCHEMA (a copy of the target schema) and
// PRISMA_DIFF_DATABASE_URL (a database the engine connects to, only to learn the server version).
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

const connectionString = process.env.PRISMA_DIFF_DATABASE_URL;
if (!connectionString) throw new Error("PRISMA_DIFF_DATABASE_URL is not set");

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: process.env.PRISMA_DIFF_SCHEMA,
  async adapter() {
    // allowExitOnIdle: the process exits as soon as the engine is done, not after pg's idle timeout.
    return new PrismaPg({ connectionString, allowExitOnIdle: true, idleTimeoutMillis: 100 });
  },
});
