import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import Cursor from "pg-cursor";
import { to as copyTo } from "pg-copy-streams";
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

function cursorPool(): pg.Pool {
  return (globalThis.__cursorPool ??= new pg.Pool({ connectionString: getEnv().DATABASE_URL, max: 4, allowExitOnIdle: true }));
}

/**
 * The rows of one query, read through one server-side cursor `size` rows at a
 * time: planned and run once however large the result, and never all in
 * memory (exports of a whole city). Prisma cannot hold a cursor open, so this
 * uses a small pool of its own on the same database. Stopping early (a client
 * that goes away) closes the cursor and frees the connection.
 */
export async function* cursorBatches<T>(query: PrismaTypes.Sql, size: number): AsyncGenerator<T[]> {
  const client = await cursorPool().connect();
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

/**
 * What a query of one text column yields, row after row, as bytes: the
 * database writes it (`COPY (query) TO STDOUT`, binary) and each chunk that
 * arrives is handed on without a row ever becoming a JavaScript value. For
 * files whose rows the query writes whole (app/utils/csv-sql.server.ts), at
 * the speed of COPY. COPY takes no parameters, so the query's values are
 * written into it as quoted literals by the driver's own quoting. Stopping
 * early (a client that goes away) closes the connection, which ends the
 * statement.
 */
export async function* copyOut(query: PrismaTypes.Sql): AsyncGenerator<Buffer> {
  const client = await cursorPool().connect();
  queryListeners.forEach((l) => l(query.text));
  const stream = client.query(copyTo(`COPY (${withLiterals(query, (v) => client.escapeLiteral(v))}) TO STDOUT WITH (FORMAT binary)`));
  const rows = new OneColumnCopy();
  let finished = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const bytes = rows.push(chunk);
      if (bytes.length > 0) yield bytes;
    }
    if (!rows.ended) throw new Error("copyOut: the COPY ended without its trailer");
    finished = true;
  } finally {
    if (!finished) {
      stream.on("error", () => {}); // the connection's end reaches a stream nobody reads any more
      stream.destroy();
    }
    // A COPY left half-read cannot be resumed: that connection is closed, not reused.
    client.release(!finished);
  }
}

/** The query's text with each $n replaced by its value as a literal (strings, numbers, booleans, dates, arrays of those, null). */
export function withLiterals(query: PrismaTypes.Sql, quote: (text: string) => string): string {
  const literal = (v: unknown): string => {
    if (v === null || v === undefined) return "NULL";
    if (typeof v === "string") return quote(v);
    if (typeof v === "number" && Number.isFinite(v)) return `(${v})`;
    if (typeof v === "bigint") return `(${v})`;
    if (typeof v === "boolean") return v ? "true" : "false";
    if (v instanceof Date) return quote(v.toISOString());
    if (Array.isArray(v)) return v.length === 0 ? "'{}'" : `ARRAY[${v.map(literal).join(", ")}]`;
    throw new Error(`withLiterals: no literal for a value of type ${typeof v}`);
  };
  return query.text.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= query.values.length) throw new Error(`withLiterals: no value for $${n}`);
    return literal(query.values[i]);
  });
}

const COPY_SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const NOTHING = Buffer.alloc(0);

/**
 * PostgreSQL's binary COPY of one column, unwrapped: each row is a field
 * count (1), a length and the column's bytes; what comes out is the bytes,
 * back to back. A chunk may end in the middle of a row: the rest waits for
 * the next one.
 */
export class OneColumnCopy {
  private rest: Buffer = NOTHING;
  private headerRead = false;
  ended = false;

  push(chunk: Buffer): Buffer {
    const buf = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    let at = 0;
    if (!this.headerRead) {
      if (buf.length < 19) return this.keep(buf, 0);
      if (!buf.subarray(0, 11).equals(COPY_SIGNATURE)) throw new Error("copyOut: not a binary COPY");
      const header = 19 + buf.readUInt32BE(15);
      if (buf.length < header) return this.keep(buf, 0);
      at = header;
      this.headerRead = true;
    }
    const out = Buffer.allocUnsafe(buf.length - at);
    let n = 0;
    while (!this.ended && buf.length - at >= 2) {
      const fields = buf.readInt16BE(at);
      if (fields === -1) {
        this.ended = true;
        at += 2;
        break;
      }
      if (fields !== 1) throw new Error(`copyOut: a row of ${fields} columns, not one`);
      if (buf.length - at < 6) break;
      const length = Math.max(buf.readInt32BE(at + 2), 0); // -1 is NULL: nothing
      if (buf.length - at - 6 < length) break;
      n += buf.copy(out, n, at + 6, at + 6 + length);
      at += 6 + length;
    }
    this.keep(buf, at);
    return out.subarray(0, n);
  }

  private keep(buf: Buffer, from: number): Buffer {
    // A copy, so that the chunk it came from is not held while waiting.
    this.rest = from >= buf.length ? NOTHING : Buffer.from(buf.subarray(from));
    return NOTHING;
  }
}
