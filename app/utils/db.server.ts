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

/**
 * Every statement the adapter sends, reported to the query listeners as it is
 * sent (a transaction's statements too). Counting here, rather than from
 * Prisma's log events, which arrive asynchronously, makes counts exact.
 */
function reporting<T extends object>(queryable: T): T {
  return new Proxy(queryable, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (prop === "queryRaw" || prop === "executeRaw") {
        return (query: { sql: string }) => {
          queryListeners.forEach((l) => l(query.sql));
          return value.call(target, query);
        };
      }
      if (prop === "startTransaction") return async (...args: unknown[]) => reporting(await value.apply(target, args));
      return value.bind(target);
    },
  });
}

function create(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: getEnv().DATABASE_URL, max: 10 });
  // Tests and the benchmark count queries (a report must not make one per person); production does not pay for it.
  if (getEnv().NODE_ENV !== "test") return new PrismaClient({ adapter });
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => reporting(await connect());
  return new PrismaClient({ adapter });
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
  // The next batch is read while the caller works on this one: the database and the writer overlap.
  let next: Promise<T[]> | null = cursor.read(size);
  try {
    while (next) {
      const rows: T[] = await next;
      next = rows.length === size ? cursor.read(size) : null;
      if (rows.length > 0) yield rows;
    }
  } catch (e) {
    broken = true;
    throw e;
  } finally {
    if (next) await next.catch(() => (broken = true));
    await cursor.close().catch(() => (broken = true));
    client.release(broken);
  }
}
