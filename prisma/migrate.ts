/**
 * Applies the migrations in prisma/migrations to a PostgreSQL database, with the same bookkeeping
 * as `prisma migrate deploy`, so that Prisma's own `migrate status`, `migrate deploy` and
 * `migrate resolve` accept a database migrated by this command, and the other way round. It needs
 * only the `pg` driver: no schema engine, no network.
 *
 *   tsx prisma/migrate.ts deploy  [--database-url URL] [--migrations-dir DIR]
 *   tsx prisma/migrate.ts status  [--database-url URL] [--migrations-dir DIR]
 *   tsx prisma/migrate.ts resolve (--applied NAME | --rolled-back NAME) [--database-url URL]
 *
 * The URL defaults to DATABASE_URL. A `schema` query parameter selects the PostgreSQL schema, as
 * it does for Prisma (default `public`).
 *
 * What deploy does, as Prisma does it:
 * - migrations are the folders `<migrations>/<name>/migration.sql`, applied in name order;
 *   `migration_lock.toml` must name the `postgresql` provider;
 * - everything happens under the session advisory lock 72707369, Prisma Migrate's own;
 * - the history is the table `_prisma_migrations` in the target schema; it is created only in an
 *   empty schema (a schema with tables but no history has to be baselined with
 *   `resolve --applied`);
 * - a row is inserted before a migration runs; on success its applied_steps_count becomes 1 and
 *   finished_at is set; on failure its logs hold the error and it stays unfinished, which blocks
 *   later deploys until the database is repaired and the row is resolved;
 * - checksum = lowercase hex SHA-256 of migration.sql.
 * Two things are stricter than Prisma: each migration runs with its bookkeeping update in one
 * explicit transaction (so statements that cannot run in a transaction block, such as
 * CREATE INDEX CONCURRENTLY, do not belong in a migration), and a migration whose file changed
 * after it was applied stops deploy with an error instead of being ignored.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";

/** Prisma Migrate's advisory lock key on PostgreSQL. */
export const MIGRATE_ADVISORY_LOCK = 72707369;
export const MIGRATIONS_TABLE = "_prisma_migrations";
export const DEFAULT_MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** Prisma's DDL for the history table on PostgreSQL, verbatim. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
`;

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

export interface LocalMigration {
  name: string;
  /** Absolute path of migration.sql. */
  file: string;
  script: string;
  checksum: string;
}

export interface MigrationRecord {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

export interface MigrateOptions {
  /** Folder holding the migration folders and migration_lock.toml. Default: prisma/migrations. */
  migrationsDir?: string;
  /** Progress lines. Default: console.log. */
  log?: (line: string) => void;
  /** How long to wait for another deploy holding the lock. Default: 60 s. */
  lockTimeoutMs?: number;
}

export interface DeployResult {
  /** Migrations applied by this run, in order. */
  applied: string[];
  /** Migrations that were already applied. */
  skipped: string[];
}

export type MigrationState = "applied" | "pending" | "failed" | "modified" | "missing-locally";

export interface MigrationStatusEntry {
  name: string;
  state: MigrationState;
  finishedAt?: Date | null;
  startedAt?: Date;
  logs?: string | null;
}

export interface StatusResult {
  /** False when the history table does not exist yet. */
  initialized: boolean;
  entries: MigrationStatusEntry[];
  /** True when every local migration is applied and nothing failed or changed. */
  upToDate: boolean;
}

// ---------------------------------------------------------------- checksums

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Lowercase hex SHA-256 of a migration script: the `checksum` column. */
export function migrationChecksum(script: string): string {
  return sha256(script).toString("hex");
}

/**
 * Whether a script matches a stored checksum, accepting what Prisma accepts: the script with its
 * line endings converted either way (git may rewrite them), and the unpadded hex format that old
 * Prisma versions wrote.
 */
export function checksumMatches(script: string, stored: string): boolean {
  const variants = [script, script.replace(/\r\n/g, "\n"), script.replace(/\n/g, "\r\n")];
  const format =
    stored.length !== 0 && stored.length !== 64
      ? (digest: Buffer) => Array.from(digest, (byte) => byte.toString(16)).join("")
      : (digest: Buffer) => digest.toString("hex");
  return variants.some((variant) => format(sha256(variant)) === stored);
}

// ---------------------------------------------------------------- migration files

/** The migrations on disk, in the order they are applied. */
export async function listLocalMigrations(migrationsDir = DEFAULT_MIGRATIONS_DIR): Promise<LocalMigration[]> {
  if (!existsSync(migrationsDir)) {
    throw new MigrationError(`migrations folder ${migrationsDir} does not exist`);
  }
  const lockFile = path.join(migrationsDir, "migration_lock.toml");
  if (existsSync(lockFile)) {
    const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(await readFile(lockFile, "utf8"))?.[1];
    if (provider !== "postgresql") {
      throw new MigrationError(
        `${lockFile} names the provider "${provider ?? "(none)"}", but these migrations are applied to PostgreSQL`,
      );
    }
  }
  const folders = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    // The order Prisma's CLI gives the schema engine.
    .sort((a, b) => a.localeCompare(b));
  const migrations: LocalMigration[] = [];
  for (const name of folders) {
    const file = path.join(migrationsDir, name, "migration.sql");
    if (!existsSync(file)) {
      throw new MigrationError(`migration folder ${name} has no migration.sql`);
    }
    const script = await readFile(file, "utf8");
    migrations.push({ name, file, script, checksum: migrationChecksum(script) });
  }
  return migrations;
}

// ---------------------------------------------------------------- database

interface Target {
  client: pg.Client;
  schema: string;
  description: string;
}

/** Connects as Prisma does: the `schema` URL parameter (default public) becomes the search_path. */
async function connect(databaseUrl: string): Promise<Target> {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new MigrationError("the database URL is not a valid URL");
  }
  if (url.protocol !== "postgresql:" && url.protocol !== "postgres:") {
    throw new MigrationError(`the database URL must start with postgresql:// (got ${url.protocol}//)`);
  }
  const schema = url.searchParams.get("schema") || "public";
  url.searchParams.delete("schema");
  const description = `${decodeURIComponent(url.pathname.slice(1))} on ${url.host} (schema ${schema})`;
  const client = new pg.Client({ connectionString: url.toString() });
  // An idle connection error must not crash the process; the next query reports it.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new MigrationError(`cannot connect to ${description}: ${(error as Error).message}`);
  }
  await client.query(`SET search_path = ${quoteIdent(schema)}`);
  return { client, schema, description };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function acquireLock(client: pg.Client, timeoutMs: number, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [
      MIGRATE_ADVISORY_LOCK,
    ]);
    if (rows[0]?.locked) return;
    if (Date.now() >= deadline) {
      throw new MigrationError(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for the migration lock ` +
          `(pg_advisory_lock(${MIGRATE_ADVISORY_LOCK})): another deploy is running on this database`,
      );
    }
    if (!announced) {
      log("migrate: another deploy holds the migration lock; waiting");
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function releaseLock(client: pg.Client): Promise<void> {
  await client.query("SELECT pg_advisory_unlock($1::bigint)", [MIGRATE_ADVISORY_LOCK]).catch(() => {});
}

async function tableNames(client: pg.Client, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT tbl.relname AS name FROM pg_class tbl
       JOIN pg_namespace ns ON ns.oid = tbl.relnamespace
      WHERE tbl.relkind = 'r' AND ns.nspname = $1`,
    [schema],
  );
  return rows.map((row) => row.name);
}

async function historyExists(client: pg.Client, schema: string): Promise<boolean> {
  return (await tableNames(client, schema)).includes(MIGRATIONS_TABLE);
}

/** Creates the history table in an empty schema; refuses a schema with tables but no history. */
async function initializeHistory(target: Target): Promise<void> {
  const names = await tableNames(target.client, target.schema);
  if (names.includes(MIGRATIONS_TABLE)) return;
  // PostGIS's reference table is ignored, as Prisma ignores it.
  const others = names.filter((name) => name !== "spatial_ref_sys");
  if (others.length > 0) {
    throw new MigrationError(
      `the schema ${target.schema} is not empty (${others.length} tables) but has no ${MIGRATIONS_TABLE} table. ` +
        `If it already has the schema of some migrations, record them with ` +
        `\`tsx prisma/migrate.ts resolve --applied NAME\` (the baseline), then deploy.`,
    );
  }
  await target.client.query(CREATE_MIGRATIONS_TABLE);
}

async function readHistory(client: pg.Client): Promise<MigrationRecord[]> {
  const { rows } = await client.query<MigrationRecord>(
    `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
       FROM ${MIGRATIONS_TABLE} ORDER BY started_at ASC`,
  );
  return rows;
}

const isFailed = (row: MigrationRecord) => row.finished_at === null && row.rolled_back_at === null;
const isApplied = (row: MigrationRecord) => row.finished_at !== null && row.rolled_back_at === null;

function failedMigrationsError(failed: MigrationRecord[]): MigrationError {
  const details = failed
    .map((row) => {
      const logs = row.logs?.trim();
      return `  The \`${row.migration_name}\` migration started at ${row.started_at.toISOString()} failed${
        logs ? ` with the following logs:\n${indent(logs, "    ")}` : ""
      }`;
    })
    .join("\n");
  return new MigrationError(
    `found failed migrations in the target database; new migrations will not be applied.\n${details}\n` +
      `Repair the database by hand, then record the outcome with ` +
      `\`tsx prisma/migrate.ts resolve --rolled-back NAME\` (its changes were undone, it will run again) or ` +
      `\`tsx prisma/migrate.ts resolve --applied NAME\` (its changes are complete).`,
  );
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}

/** Applied migrations whose migration.sql no longer matches the checksum recorded when they ran. */
function modifiedMigrations(local: LocalMigration[], history: MigrationRecord[]): LocalMigration[] {
  return local.filter((migration) =>
    history.some(
      (row) =>
        isApplied(row) && row.migration_name === migration.name && !checksumMatches(migration.script, row.checksum),
    ),
  );
}

function describeDatabaseError(error: unknown, migration: LocalMigration): string {
  const err = error as pg.DatabaseError;
  const lines = [`Migration name: ${migration.name}`, ""];
  if (err.code) lines.push(`Database error code: ${err.code}`, "");
  lines.push("Database error:", `ERROR: ${err.message}`);
  if (err.detail) lines.push(`DETAIL: ${err.detail}`);
  if (err.hint) lines.push(`HINT: ${err.hint}`);
  if (err.position) {
    const before = migration.script.slice(0, Number(err.position) - 1);
    lines.push(`POSITION: line ${before.split("\n").length} of migration.sql`);
  }
  return lines.join("\n");
}

async function withTarget<T>(databaseUrl: string, fn: (target: Target) => Promise<T>): Promise<T> {
  if (!databaseUrl) throw new MigrationError("no database URL: set DATABASE_URL or pass --database-url");
  const target = await connect(databaseUrl);
  try {
    return await fn(target);
  } finally {
    await target.client.end().catch(() => {});
  }
}

// ---------------------------------------------------------------- commands

/** Applies every pending migration. Throws MigrationError when the history forbids it or a migration fails. */
export async function deployMigrations(databaseUrl: string, opts: MigrateOptions = {}): Promise<DeployResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const migrationsDir = opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const local = await listLocalMigrations(migrationsDir);

  return withTarget(databaseUrl, async (target) => {
    const { client } = target;
    log(`migrate: ${local.length} migration${local.length === 1 ? "" : "s"} in ${relative(migrationsDir)}; database ${target.description}`);
    await acquireLock(client, opts.lockTimeoutMs ?? 60_000, log);
    try {
      await initializeHistory(target);
      const history = await readHistory(client);

      const failed = history.filter(isFailed);
      if (failed.length > 0) throw failedMigrationsError(failed);

      const modified = modifiedMigrations(local, history);
      if (modified.length > 0) {
        throw new MigrationError(
          `${modified.map((m) => m.name).join(", ")}: migration.sql changed after it was applied to this database. ` +
            `An applied migration must never be edited: restore the file and put the change in a new migration.`,
        );
      }

      const localNames = new Set(local.map((m) => m.name));
      for (const row of history) {
        if (isApplied(row) && !localNames.has(row.migration_name)) {
          log(`migrate: warning: ${row.migration_name} is applied in the database but not in ${relative(migrationsDir)}`);
        }
      }

      const pending = local.filter(
        (migration) => !history.some((row) => row.rolled_back_at === null && row.migration_name === migration.name),
      );
      const skipped = local.filter((migration) => !pending.includes(migration)).map((m) => m.name);
      if (pending.length === 0) {
        log("migrate: no pending migrations; the database is up to date");
        return { applied: [], skipped };
      }

      const applied: string[] = [];
      for (const migration of pending) {
        const started = Date.now();
        const id = randomUUID();
        await client.query(
          `INSERT INTO ${MIGRATIONS_TABLE} (id, checksum, started_at, migration_name) VALUES ($1, $2, clock_timestamp(), $3)`,
          [id, migration.checksum, migration.name],
        );
        try {
          await client.query("BEGIN");
          await client.query(migration.script);
          await client.query(
            `UPDATE ${MIGRATIONS_TABLE}
                SET applied_steps_count = applied_steps_count + 1, finished_at = clock_timestamp()
              WHERE id = $1`,
            [id],
          );
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch(() => {});
          const logs = describeDatabaseError(error, migration);
          await client.query(`UPDATE ${MIGRATIONS_TABLE} SET logs = $2 WHERE id = $1`, [id, logs]).catch(() => {});
          log(`migrate: FAILED ${migration.name}`);
          throw new MigrationError(
            `migration ${migration.name} failed and was rolled back; later deploys are blocked until it is resolved.\n` +
              indent(logs, "  "),
          );
        }
        applied.push(migration.name);
        log(`migrate: applied ${migration.name} (${Date.now() - started} ms)`);
      }
      log(`migrate: ${applied.length} migration${applied.length === 1 ? "" : "s"} applied; the database is up to date`);
      return { applied, skipped };
    } finally {
      await releaseLock(client);
    }
  });
}

/** Compares the migrations on disk with the history in the database. Changes nothing. */
export async function migrationStatus(
  databaseUrl: string,
  opts: Pick<MigrateOptions, "migrationsDir"> = {},
): Promise<StatusResult> {
  const local = await listLocalMigrations(opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  return withTarget(databaseUrl, async (target) => {
    const initialized = await historyExists(target.client, target.schema);
    const history = initialized ? await readHistory(target.client) : [];
    const entries: MigrationStatusEntry[] = [];
    const modified = new Set(modifiedMigrations(local, history).map((m) => m.name));
    for (const migration of local) {
      const rows = history.filter((row) => row.migration_name === migration.name);
      const failed = rows.find(isFailed);
      const applied = rows.find(isApplied);
      if (failed) {
        entries.push({ name: migration.name, state: "failed", startedAt: failed.started_at, logs: failed.logs });
      } else if (applied) {
        entries.push({
          name: migration.name,
          state: modified.has(migration.name) ? "modified" : "applied",
          finishedAt: applied.finished_at,
          startedAt: applied.started_at,
        });
      } else {
        entries.push({ name: migration.name, state: "pending" });
      }
    }
    const localNames = new Set(local.map((m) => m.name));
    for (const row of history) {
      if (localNames.has(row.migration_name)) continue;
      if (isFailed(row)) {
        entries.push({ name: row.migration_name, state: "failed", startedAt: row.started_at, logs: row.logs });
      } else if (isApplied(row)) {
        entries.push({ name: row.migration_name, state: "missing-locally", finishedAt: row.finished_at });
      }
    }
    return { initialized, entries, upToDate: entries.every((e) => e.state === "applied") };
  });
}

/**
 * Records the outcome of a failed migration after the database was repaired by hand, or baselines
 * a migration whose changes are already in the database; the equivalent of `prisma migrate resolve`.
 */
export async function resolveMigration(
  databaseUrl: string,
  action: { applied: string } | { rolledBack: string },
  opts: MigrateOptions = {},
): Promise<void> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const local = await listLocalMigrations(opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  await withTarget(databaseUrl, async (target) => {
    const { client } = target;
    await acquireLock(client, opts.lockTimeoutMs ?? 60_000, log);
    try {
      if ("applied" in action) {
        const migration = local.find((m) => m.name === action.applied);
        if (!migration) throw new MigrationError(`there is no migration ${action.applied} in the migrations folder`);
        // Baselining a schema that already has tables is the point of --applied.
        if (!(await historyExists(client, target.schema))) await client.query(CREATE_MIGRATIONS_TABLE);
        const rows = (await readHistory(client)).filter((row) => row.migration_name === migration.name);
        if (rows.some(isApplied)) {
          throw new MigrationError(`migration ${migration.name} is already recorded as applied`);
        }
        await client.query("BEGIN");
        await client.query(
          `UPDATE ${MIGRATIONS_TABLE} SET rolled_back_at = clock_timestamp()
            WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
          [migration.name],
        );
        await client.query(
          `INSERT INTO ${MIGRATIONS_TABLE} (id, checksum, logs, started_at, finished_at, migration_name)
           VALUES ($1, $2, '', clock_timestamp(), clock_timestamp(), $3)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
        log(`migrate: ${migration.name} recorded as applied`);
      } else {
        const name = action.rolledBack;
        const history = (await historyExists(client, target.schema)) ? await readHistory(client) : [];
        if (!history.some((row) => row.migration_name === name && isFailed(row))) {
          throw new MigrationError(`migration ${name} cannot be marked rolled back: it is not in a failed state`);
        }
        await client.query(
          `UPDATE ${MIGRATIONS_TABLE} SET rolled_back_at = clock_timestamp()
            WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
          [name],
        );
        log(`migrate: ${name} recorded as rolled back; the next deploy applies it again`);
      }
    } finally {
      await releaseLock(client);
    }
  });
}

// ---------------------------------------------------------------- command line

function relative(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel && !rel.startsWith("..") ? rel : dir;
}

function redact(databaseUrl: string): string {
  return databaseUrl.replace(/(:\/\/[^:/@]+):[^@/]*@/, "$1:***@");
}

const USAGE = `usage:
  tsx prisma/migrate.ts deploy  [--database-url URL] [--migrations-dir DIR]
  tsx prisma/migrate.ts status  [--database-url URL] [--migrations-dir DIR]
  tsx prisma/migrate.ts resolve (--applied NAME | --rolled-back NAME) [--database-url URL] [--migrations-dir DIR]
The database URL defaults to DATABASE_URL.`;

function parseArgs(argv: string[]): { command: string; flags: Map<string, string> } {
  const [command = "", ...rest] = argv;
  const flags = new Map<string, string>();
  const known = ["--database-url", "--migrations-dir", "--applied", "--rolled-back"];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.indexOf("=");
    const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (!known.includes(flag)) throw new UsageError(`unknown argument ${arg}`);
    const value = inline ?? rest[++i];
    if (value === undefined || value === "") throw new UsageError(`${flag} needs a value`);
    flags.set(flag, value);
  }
  return { command, flags };
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { command, flags } = parseArgs(argv);
  const databaseUrl = flags.get("--database-url") ?? process.env.DATABASE_URL ?? "";
  const migrationsDir = path.resolve(flags.get("--migrations-dir") ?? DEFAULT_MIGRATIONS_DIR);

  switch (command) {
    case "deploy":
      await deployMigrations(databaseUrl, { migrationsDir });
      return 0;
    case "status": {
      const status = await migrationStatus(databaseUrl, { migrationsDir });
      console.log(`migrate: database ${redact(databaseUrl)}`);
      if (!status.initialized) console.log(`migrate: no ${MIGRATIONS_TABLE} table yet: nothing applied`);
      const width = Math.max(0, ...status.entries.map((e) => e.state.length));
      for (const entry of status.entries) {
        const when = entry.finishedAt
          ? `  ${entry.finishedAt.toISOString()}`
          : entry.startedAt
            ? `  started ${entry.startedAt.toISOString()}`
            : "";
        console.log(`  ${entry.state.padEnd(width)}  ${entry.name}${when}`);
        if (entry.state === "failed" && entry.logs?.trim()) console.log(indent(entry.logs.trim(), "      "));
      }
      const count = (state: MigrationState) => status.entries.filter((e) => e.state === state).length;
      console.log(
        status.upToDate
          ? `migrate: up to date (${count("applied")} applied)`
          : `migrate: ${count("applied")} applied, ${count("pending")} pending, ${count("failed")} failed, ` +
              `${count("modified")} modified, ${count("missing-locally")} missing locally`,
      );
      return status.upToDate ? 0 : 1;
    }
    case "resolve": {
      const applied = flags.get("--applied");
      const rolledBack = flags.get("--rolled-back");
      if ((applied === undefined) === (rolledBack === undefined)) {
        throw new UsageError("resolve needs exactly one of --applied NAME or --rolled-back NAME");
      }
      await resolveMigration(databaseUrl, applied !== undefined ? { applied } : { rolledBack: rolledBack! }, {
        migrationsDir,
      });
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : "no command");
  }
}

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === pathToFileURL(realpathSync(fileURLToPath(import.meta.url))).href;
  } catch {
    return false;
  }
}

if (isMainModule()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`migrate: ${error.message}\n${USAGE}`);
        process.exitCode = 2;
      } else if (error instanceof MigrationError) {
        console.error(`migrate: error: ${error.message}`);
        process.exitCode = 1;
      } else {
        console.error(error);
        process.exitCode = 1;
      }
    },
  );
}
