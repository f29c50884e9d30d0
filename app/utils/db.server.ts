import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import Cursor from "pg-cursor";
import { PrismaClient, type Prisma as PrismaTypes } from "~/generated/prisma/client";
import { getEnv } from "./env.server";

export { Prisma } from "~/generated/prisma/client";
export type { PrismaClient } from "~/generated/prisma/client";

declare global {
  // One client per process, kept across dev-server reloads.
  var __prisma: PrismaClient | undefined;
  var __cursorPool: pg.Pool | undefined;
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

/**
 * The rows of one query, read through one server-side cursor `size` rows at a
 * time: planned and run once however large the result, and never all in
 * memory (exports of a whole city). Prisma cannot hold a cursor open, so this
 * uses a small pool of its own on the same database. Stopping early (a client
 * that goes away) closes the cursor and frees the connection.
 */
export async function* cursorBatches<T>(query: PrismaTypes.Sql, size: number): AsyncGenerator<T[]> {
  const pool = (globalThis.__cursorPool ??= new pg.Pool({ connectionString: getEnv().DATABASE_URL, max: 4, allowExitOnIdle: true }));
  const client = await pool.connect();
  queryListeners.forEach((l) => l(query.text));
  const cursor = client.query(new Cursor<T>(query.text, query.values));
  let broken = false;
  try {
    for (;;) {
      const rows = await cursor.read(size);
      if (rows.length > 0) yield rows;
      if (rows.length < size) return;
    }
  } catch (e) {
    broken = true;
    throw e;
  } finally {
    await cursor.close().catch(() => (broken = true));
    client.release(broken);
  }
}
