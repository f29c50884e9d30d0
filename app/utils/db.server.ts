import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import { getEnv } from "./env.server";

export { Prisma } from "~/generated/prisma/client";
export type { PrismaClient } from "~/generated/prisma/client";

declare global {
  // One client per process, kept across dev-server reloads.
  var __prisma: PrismaClient | undefined;
}

function create(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: getEnv().DATABASE_URL, max: 10 });
  return new PrismaClient({ adapter });
}

export const prisma: PrismaClient = globalThis.__prisma ?? (globalThis.__prisma = create());
