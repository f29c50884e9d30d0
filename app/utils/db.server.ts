import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import { getEnv } from "./env.server";

export { Prisma } from "~/generated/prisma/client";
export type { PrismaClient } from "~/generated/prisma/client";

declare global {
  // One client per process, kept across dev-server reloads.
  var __prisma: PrismaClient | undefined;
}

type QueryListener = (query: string) => void;
const queryListeners = new Set<QueryListener>();

function create(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: getEnv().DATABASE_URL, max: 10 });
  // Tests count queries (a report must not make one per person); production does not pay for it.
  if (getEnv().NODE_ENV !== "test") return new PrismaClient({ adapter });
  const client = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  client.$on("query", (e) => queryListeners.forEach((l) => l(e.query)));
  return client as unknown as PrismaClient;
}

export const prisma: PrismaClient = globalThis.__prisma ?? (globalThis.__prisma = create());

/** Count the database queries `work` makes (test environment only). */
export async function countQueries(work: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const listener: QueryListener = (q) => {
    if (!/^(BEGIN|COMMIT|ROLLBACK)/i.test(q.trim())) n++;
  };
  queryListeners.add(listener);
  try {
    await work();
  } finally {
    queryListeners.delete(listener);
  }
  return n;
}
