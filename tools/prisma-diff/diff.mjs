#!/usr/bin/env node
// Prints the SQL that takes a database from one Prisma schema to another, using Prisma 6's
// WebAssembly schema engine (Prisma 7's migrate needs a native engine that offline machines cannot
// download).
//
//   node tools/prisma-diff/diff.mjs --database-url URL (--from-empty | --from-schema FILE)
//                                   [--to-schema FILE] [--output FILE]
//
// --database-url  a PostgreSQL database the engine connects to; it reads the server version and
//                 changes nothing. A scratch database is best.
// --from-empty    start from an empty database.
// --from-schema   start from the database that FILE (a Prisma schema) describes.
// --to-schema     default: prisma/schema.prisma of this project.
//
// Exit status: 0 with SQL printed; 3 when there is nothing to change (nothing printed); 1 on error.
//
// Only schema-to-schema diffs are possible this way: the engine cannot read an existing database
// through the pg adapter (prisma/orm#27403), and Prisma refuses --from-url in adapter mode.
// The project's schema is written for Prisma 7 (no url in the datasource); the engine reads
// temporary copies with `url = env("PRISMA_DIFF_DATABASE_URL")` added to the datasource.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, "../..");
const NOTHING_TO_CHANGE = 3;

class DiffError extends Error {}

function fail(message) {
  throw new DiffError(message);
}

function parseArgs(argv) {
  const opts = { schema: path.join(projectRoot, "prisma/schema.prisma") };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i] ?? fail(`${arg} needs a value`);
    if (arg === "--database-url") opts.databaseUrl = value();
    else if (arg === "--from-empty") opts.fromEmpty = true;
    else if (arg === "--from-schema") opts.fromSchema = path.resolve(value());
    else if (arg === "--to-schema") opts.schema = path.resolve(value());
    else if (arg === "--output") opts.output = path.resolve(value());
    else fail(`unknown argument ${arg}`);
  }
  if (!opts.databaseUrl) fail("--database-url is required");
  if (!!opts.fromEmpty === !!opts.fromSchema) fail("give exactly one of --from-empty or --from-schema FILE");
  for (const file of [opts.schema, opts.fromSchema]) {
    if (file && !existsSync(file)) fail(`schema ${file} not found`);
  }
  return opts;
}

/** The schema with a url in its datasource block, which Prisma 6 requires. */
function withDatasourceUrl(schema, envVar) {
  const block = /datasource\s+\w+\s*\{[^}]*\}/m.exec(schema);
  if (!block) fail("the schema has no datasource block");
  if (/^\s*url\s*=/m.test(block[0])) return schema;
  const patched = block[0].replace(/^(\s*)provider(\s*)=.*$/m, (line, indent) => `${line}\n${indent}url      = env("${envVar}")`);
  return schema.slice(0, block.index) + patched + schema.slice(block.index + block[0].length);
}

/**
 * The engine opens a from-empty script with `CREATE SCHEMA IF NOT EXISTS "public"`. PostgreSQL
 * checks the CREATE privilege on the database before it sees that the schema exists, so that
 * statement would fail for a role that owns only its schema, as on many managed servers. The
 * public schema always exists, so it is dropped.
 */
function withoutPublicSchemaCreation(sql) {
  return sql.replace(/^-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n?/m, "");
}

/**
 * The enums of a Prisma schema: database type name -> database values, in the schema's order
 * (`@@map` and `@map` applied).
 */
function enumsOf(schema) {
  const enums = new Map();
  for (const block of schema.matchAll(/^[ \t]*enum[ \t]+(\w+)[ \t]*\{([^}]*)\}/gm)) {
    let typeName = block[1];
    const values = [];
    for (const raw of block[2].split("\n")) {
      const line = raw.replace(/\/\/.*$/, "").trim();
      if (line === "") continue;
      if (line.startsWith("@@")) {
        const mapped = /^@@map\(\s*"([^"]+)"\s*\)/.exec(line);
        if (mapped) typeName = mapped[1];
        continue;
      }
      const value = /^(\w+)(?:.*@map\(\s*"([^"]+)"\s*\))?/.exec(line);
      if (value) values.push(value[2] ?? value[1]);
    }
    enums.set(typeName, values);
  }
  return enums;
}

/**
 * The engine adds an enum value with a plain `ALTER TYPE … ADD VALUE`, which PostgreSQL puts at
 * the end of the type, wherever the schema lists it. A database built from scratch lists it in the
 * schema's place, so the two would differ. Each added value is placed where the target schema puts
 * it: BEFORE the first value after it in the schema that exists when the statement runs. With none,
 * every existing value comes before it, so the engine's statement (at the end) is already right.
 */
function withEnumValuesInPlace(sql, fromSchema, toSchema) {
  const before = enumsOf(fromSchema);
  const after = enumsOf(toSchema);
  const present = new Map([...before].map(([type, values]) => [type, new Set(values)]));
  const quote = (v) => `'${v.replaceAll("'", "''")}'`;
  return sql.replace(/^ALTER TYPE "((?:[^"]|"")+)" ADD VALUE '((?:[^']|'')+)';$/gm, (statement, rawType, rawValue) => {
    const type = rawType.replaceAll('""', '"');
    const value = rawValue.replaceAll("''", "'");
    const order = after.get(type);
    const existing = present.get(type);
    if (!order || !existing || !order.includes(value)) return statement;
    const at = order.indexOf(value);
    const next = order.slice(at + 1).find((v) => existing.has(v));
    existing.add(value);
    return next === undefined ? statement : `${statement.slice(0, -1)} BEFORE ${quote(next)};`;
  });
}

/** True when a script has no statements (only comments and blank lines). */
function isEmptyScript(sql) {
  return sql
    .split("\n")
    .map((line) => line.trim())
    .every((line) => line === "" || line.startsWith("--"));
}

function runPrisma(args, env) {
  const cli = path.join(here, "node_modules/prisma/build/index.js");
  if (!existsSync(cli)) fail(`prisma 6 is not installed: run npm ci in ${path.relative(process.cwd(), here) || "."}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: here, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const tmp = mkdtempSync(path.join(tmpdir(), "prisma-diff-"));
  try {
    const copy = (file, name) => {
      const target = path.join(tmp, name);
      writeFileSync(target, withDatasourceUrl(readFileSync(file, "utf8"), "PRISMA_DIFF_DATABASE_URL"));
      return target;
    };
    const schemaCopy = copy(opts.schema, "to.prisma");
    const from = opts.fromEmpty ? ["--from-empty"] : ["--from-schema-datamodel", copy(opts.fromSchema, "from.prisma")];
    const env = {
      ...process.env,
      PRISMA_DIFF_DATABASE_URL: opts.databaseUrl,
      PRISMA_DIFF_SCHEMA: schemaCopy,
      // The CLI insists on a query engine library before it starts the wasm schema engine, which
      // never loads it; any existing file stops it from trying to download one.
      PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
      CHECKPOINT_DISABLE: "1",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
    };
    const result = await runPrisma(
      [
        "migrate",
        "diff",
        "--config",
        path.join(here, "prisma.config.ts"),
        ...from,
        "--to-schema-datamodel",
        schemaCopy,
        "--script",
      ],
      env,
    );
    if (result.code !== 0) {
      process.stderr.write(result.stderr);
      fail(`prisma migrate diff failed (exit ${result.code})`);
    }
    let sql = withoutPublicSchemaCreation(result.stdout);
    if (opts.fromSchema) sql = withEnumValuesInPlace(sql, readFileSync(opts.fromSchema, "utf8"), readFileSync(opts.schema, "utf8"));
    if (isEmptyScript(sql)) return NOTHING_TO_CHANGE;
    if (opts.output) writeFileSync(opts.output, sql);
    else process.stdout.write(sql);
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  if (!(error instanceof DiffError)) throw error;
  console.error(`prisma-diff: ${error.message}`);
  process.exitCode = 1;
}
