/**
 * npm run bench -- [--people N] [--repeat R] [--ci] [--reuse]
 *
 * Builds a city of N people in its own database (hredu_bench, never the app's
 * or the tests'), then measures each path an HR officer or the worker takes
 * against a hand-written statement for the same result, side by side, and
 * prints the table; docs/benchmarks.md keeps one table per size.
 *
 * --ci   runs a small and the given size and fails when an operation errors,
 *        a result disagrees with its bound, or an operation's query count
 *        grows with the size. Timings never fail it.
 * --reuse keeps the data already generated for the same size.
 * --only P3,P4 measures only those (the table is printed, not written).
 * --measure-only measures whatever city is in the database, generating nothing.
 * --scale-out runs two web processes and two workers on the city instead of measuring
 *        (npm run bench:scale-out; scripts/bench/scale-out.ts).
 */
import { cpus, freemem, totalmem } from "node:os";
import { statfsSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { BENCH_AS_OF, BENCH_NOW, generate } from "./generate";
import { median, ratio, sample, sampleWithValue, table, type Result, type Sample } from "./measure";
import { boundImport, buildPersonnelFile, cityChecksum, dropSnapshot, restoreCity } from "./personnel-file";

const args = process.argv.slice(2);
function option(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}
const people = Number((option("people") ?? "3000").replace(/[_,]/g, ""));
const ci = args.includes("--ci");
const reuse = args.includes("--reuse");
const only = option("only")?.split(",");
const measureOnly = args.includes("--measure-only");
// CI judges errors, agreement and query counts, not timings: one run of each side is enough there.
const repeat = Number(option("repeat") ?? (ci ? 1 : people >= 300_000 ? 2 : 5));
const url = process.env.DATABASE_URL ?? "";

/** Disk the database needs per person (measured at 100,000: tables, indexes and the write-ahead log while loading). */
const BYTES_PER_PERSON = 16_000;
const MAX_PEOPLE = 3_000_000;

function refuse(reason: string): never {
  console.error(`bench: refused: ${reason}`);
  process.exit(2);
}

function checkSize(n: number) {
  if (!Number.isInteger(n) || n < 500) refuse(`--people must be a whole number of at least 500 (got ${option("people")})`);
  if (n > MAX_PEOPLE) refuse(`${n} people is more than the generator builds (at most ${MAX_PEOPLE}: a nation and a half)`);
  const dataDir = process.env.BENCH_DATA_DIR ?? ".data";
  const stats = statfsSync(existsSync(dataDir) ? dataDir : ".");
  const free = stats.bavail * stats.bsize;
  const need = n * BYTES_PER_PERSON;
  if (need * 1.25 > free) {
    refuse(`${n} people need about ${(need / 2 ** 30).toFixed(1)} GiB of disk for the database; ${(free / 2 ** 30).toFixed(1)} GiB is free under ${dataDir}`);
  }
  // The app's process holds at most one batch of rows; PostgreSQL sorts and hashes in its work_mem and spills to disk.
  if (totalmem() < 2 * 2 ** 30) refuse(`the machine has ${(totalmem() / 2 ** 30).toFixed(1)} GiB of memory; the benchmark wants at least 2 GiB`);
}

if (!/\/hredu_bench[a-z0-9_]*(\?|$)/.test(url)) refuse(`DATABASE_URL must name a bench database, hredu_bench… (got ${url || "nothing"}); run it with npm run bench`);
checkSize(people);

const log = (s: string) => console.log(s);

type Db = pg.Client;

async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

async function ensureData(n: number): Promise<void> {
  const have = await withDb(async (db) => {
    const r = await db.query("SELECT to_regclass('public.bench_meta') IS NOT NULL AS ok").catch(() => ({ rows: [{ ok: false }] }));
    if (!r.rows[0].ok) return null;
    return (await db.query("SELECT people FROM bench_meta")).rows[0]?.people ?? null;
  });
  if (reuse && have === n) {
    log(`Reusing the city of ${n} people already in the bench database.`);
    await migrate();
    return;
  }
  log(`Generating a city of ${n} people in ${new URL(url).pathname.slice(1)}…`);
  const g = await generate(url, n, (s) => log(s));
  await withDb(async (db) => {
    await db.query("CREATE TABLE bench_meta (people int)");
    await db.query("INSERT INTO bench_meta VALUES ($1)", [n]);
  });
  log(`  generated in ${g.seconds.toFixed(1)} s: ${g.units} units, ${g.people} people, ${g.assignments} assignments`);
}

/** The product measured may be newer than the city it reuses: its migrations are applied first (a no-op when none are new). */
async function migrate() {
  const { deployMigrations } = await import("../../prisma/migrate");
  await deployMigrations(url, { log: (s: string) => log(`  ${s}`) });
}

/** Deterministic JSON: object keys sorted, Dates as ISO strings, so two results can be compared. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === "object" && !Array.isArray(x) && !(x instanceof Date)
      ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]]))
      : x,
  );
}

async function main() {
  if (args.includes("--scale-out")) {
    if (!measureOnly) await ensureData(people);
    const { setClock } = await import("~/utils/clock.server");
    setClock(BENCH_NOW);
    const { scaleOut } = await import("./scale-out");
    const ids = await withDb(async (db) => ({
      city: (await db.query("SELECT id FROM org_unit WHERE parent_id IS NULL")).rows[0].id as string,
      annual: (await db.query("SELECT c.id FROM cycle c JOIN obligation o ON o.id = c.obligation_id WHERE c.label = '2026' AND o.code = 'annual-human-rights'")).rows[0].id as string,
    }));
    log(`Scale-out on the city of ${people.toLocaleString("en")} people:`);
    const failures = await scaleOut({ url, annualCycleId: ids.annual, cityUnitId: ids.city, log });
    const { prisma } = await import("~/utils/db.server");
    await prisma.$disconnect();
    if (failures.length > 0) {
      console.error(`\nscale-out: ${failures.length} failure(s):\n  ${failures.join("\n  ")}`);
      process.exit(1);
    }
    log("\nscale-out: two web processes share sessions through the database; two workers delivered every message exactly once.");
    process.exit(0);
  }
  const sizes = ci ? [Math.max(500, Math.round(people / 4)), people] : [people];
  const runs: Array<{ n: number; results: Result[] }> = [];
  for (const n of sizes) {
    if (!measureOnly) await ensureData(n);
    else await migrate();
    runs.push({ n, results: await measureAll(n, n === sizes[sizes.length - 1]) });
  }
  const { prisma } = await import("~/utils/db.server");
  await prisma.$disconnect();
  await globalThis.__cursorPool?.end();
  // P5's apply hands its notices to the mail queue: the Redis connection must close for the process to end.
  const { closeQueues } = await import("~/utils/queues.server");
  await closeQueues();

  for (const { n, results } of runs) {
    log(`\n${n.toLocaleString("en")} people\n`);
    log(table(results));
  }
  const last = runs[runs.length - 1]!;
  const failures: string[] = [];
  for (const r of last.results) {
    if (r.error) failures.push(`${r.id} ${r.what}: ${r.error}`);
    if (r.agree === false) failures.push(`${r.id} ${r.what}: the product and the bound disagree`);
  }
  if (runs.length > 1) {
    const small = new Map(runs[0]!.results.map((r) => [`${r.id} ${r.what}`, r.queries]));
    for (const r of last.results) {
      const before = small.get(`${r.id} ${r.what}`);
      if (r.queries !== null && before !== null && before !== undefined && r.queries > before) {
        failures.push(`${r.id} ${r.what}: ${before} queries at ${runs[0]!.n} people, ${r.queries} at ${last.n}`);
      }
    }
  }
  if (!ci && !only && !measureOnly) writeDoc(last.n, last.results);
  if (failures.length > 0) {
    console.error(`\nbench: ${failures.length} failure(s):\n  ${failures.join("\n  ")}`);
    process.exit(1);
  }
  log(ci ? "\nbench: no errors, results agree, query counts do not grow with size." : "");
}

function machine(): string {
  const cpu = cpus();
  let pgVersion = "";
  try {
    pgVersion = readFileSync("/proc/version", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    /* not Linux */
  }
  return `${cpu.length} × ${cpu[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory (${(freemem() / 2 ** 30).toFixed(0)} GiB free at the start), ${pgVersion}, Node ${process.version}`;
}

function writeDoc(n: number, results: Result[]) {
  const path = "docs/benchmarks.md";
  const header = `<!-- bench:${n} -->`;
  const footer = `<!-- /bench:${n} -->`;
  const section = `${header}\n## ${n.toLocaleString("en")} people\n\nRun ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC with \`npm run bench -- --people ${n}\`, ${repeat} runs of each side, alternating; ${machine()}.\n\n${table(results)}\n${footer}`;
  let doc = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n\n";
  const a = doc.indexOf(header);
  const b = doc.indexOf(footer);
  if (a >= 0 && b > a) doc = doc.slice(0, a) + section + doc.slice(b + footer.length);
  else doc = `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, doc);
  log(`\nWritten to ${path}.`);
}

// ---------------------------------------------------------------- the measures

/**
 * `last`: the run at the size asked for. The measures of whole processes (mail sent through the
 * worker, pages under load) carry no query count to compare across sizes; in --ci they run
 * briefly, once, at that size.
 */
async function measureAll(n: number, last: boolean): Promise<Result[]> {
  const { setClock } = await import("~/utils/clock.server");
  setClock(BENCH_NOW);
  const { prisma, countQueries } = await import("~/utils/db.server");
  const compliance = await import("~/modules/compliance/compliance.server");
  const counts = await import("~/modules/compliance/counts.server");
  const cycles = await import("~/modules/obligations/cycles.server");
  const reminders = await import("~/modules/notifications/reminders.server");
  const oversight = await import("~/modules/reporting/oversight.server");

  const ids = await withDb(async (db) => {
    const one = async (sql: string) => (await db.query(sql)).rows[0];
    return {
      city: (await one("SELECT id FROM org_unit WHERE parent_id IS NULL")).id as string,
      bureau: (await one("SELECT id FROM org_unit WHERE code = 'B1'")).id as string,
      team: (await one("SELECT id FROM org_unit WHERE code = 'B1-D2-T0'")).id as string,
      annual: (await one("SELECT c.id FROM cycle c JOIN obligation o ON o.id = c.obligation_id WHERE c.label = '2026' AND o.code = 'annual-human-rights'")).id as string,
      next: (await one("SELECT c.id FROM cycle c JOIN obligation o ON o.id = c.obligation_id WHERE c.label = '2027' AND o.code = 'annual-human-rights'")).id as string,
      hr: (await one("SELECT u.id, u.email, u.display_name FROM app_user u WHERE email = 'hr-city@bench.test'")) as { id: string; email: string; display_name: string },
      generatedAt: (await one("SELECT max(created_at) AS t FROM person")).t as Date,
    };
  });
  const actor = (roots: string[]) =>
    ({
      userId: ids.hr.id,
      user: { id: ids.hr.id, email: ids.hr.email, displayName: ids.hr.display_name },
      refreshCookie: null,
      sessionId: "bench",
      roles: new Set(["LEARNER", "HR_OFFICER"]),
      hrScopeUnitIds: roots,
    }) as unknown as import("~/modules/auth/permissions.server").Actor;
  const cityOfficer = actor([ids.city]);
  const bureauOfficer = actor([ids.bureau]);

  const results: Result[] = [];

  /** Product and bound alternately, `repeat` times each; `reset` runs untimed before every run. */
  async function compare(
    r: Omit<Result, "product" | "bound" | "queries" | "agree" | "error">,
    product: (mark: () => void) => Promise<unknown>,
    bound: ((mark: () => void) => Promise<unknown>) | null,
    opts: { reset?: () => Promise<void>; agree?: (p: unknown, b: unknown) => boolean; times?: number } = {},
  ) {
    if (only && !only.includes(r.id)) return;
    const result: Result = { ...r, product: [], bound: [], queries: null, agree: null, error: null };
    const times = opts.times ?? repeat;
    try {
      // The first run of each side is timed too; its queries are counted and its results compared.
      await opts.reset?.();
      let productValue: unknown;
      result.queries = await countQueries(async () => {
        const first = await sampleWithValue(product);
        result.product.push(first.sample);
        productValue = first.value;
      });
      if (bound) {
        await opts.reset?.();
        const first = await sampleWithValue(bound);
        result.bound.push(first.sample);
        if (opts.agree) result.agree = opts.agree(productValue, first.value);
      }
      for (let i = 1; i < times; i++) {
        await opts.reset?.();
        result.product.push(await sample(product));
        if (bound) {
          await opts.reset?.();
          result.bound.push(await sample(bound));
        }
      }
      await opts.reset?.();
    } catch (e) {
      result.error = e instanceof Error ? e.message.split("\n").filter(Boolean).slice(-1)[0] ?? e.message : String(e);
    }
    const x = ratio(result);
    const ms = (xs: Sample[]) => (xs.length ? `${Math.round(median(xs.map((s) => s.ms)))} ms` : "-");
    log(
      `  ${result.id} ${result.what}: ${result.error ? `ERROR ${result.error}` : `${ms(result.product)} / ${ms(result.bound)}${x === null ? "" : ` = ${x.toFixed(2)}x`}${result.agree === false ? " DISAGREE" : ""}`}`,
    );
    results.push(result);
  }

  const boundDb = new pg.Client({ connectionString: url });
  await boundDb.connect();
  const rows = async (sql: string, params: unknown[]) => (await boundDb.query(sql, params)).rows;
  log(`Measuring at ${n.toLocaleString("en")} people (${repeat} runs each)…`);

  // ---- P1: compliance rolled up the unit tree
  const unitBound = (asOf: Date | null, root: string) =>
    rows(
      `WITH RECURSIVE tree AS (
         SELECT id, ARRAY[id] AS path, ARRAY[code]::text[] AS sort_key, 0 AS depth FROM org_unit WHERE id = $1
         UNION ALL SELECT c.id, t.path || c.id, t.sort_key || c.code, t.depth + 1 FROM org_unit c JOIN tree t ON c.parent_id = t.id
       ),
       own AS MATERIALIZED (
         SELECT COALESCE(pl.org_unit_id, p.org_unit_id) AS unit_id,
           count(*) AS assigned,
           count(*) FILTER (WHERE a.completed_at <= $2) AS completed,
           count(*) FILTER (WHERE a.completed_at <= $2 AND a.completion_mode = 'IN_PERSON') AS in_person,
           count(*) FILTER (WHERE NOT a.completed_at <= $2 IS TRUE AND NOT (a.status = 'EXEMPTED' AND COALESCE(a.exempted_at, $2) <= $2) AND a.started_at <= $2) AS in_progress,
           count(*) FILTER (WHERE NOT a.completed_at <= $2 IS TRUE AND NOT (a.status = 'EXEMPTED' AND COALESCE(a.exempted_at, $2) <= $2) AND NOT a.started_at <= $2 IS TRUE) AS not_started,
           count(*) FILTER (WHERE NOT a.completed_at <= $2 IS TRUE AND a.status = 'EXEMPTED' AND COALESCE(a.exempted_at, $2) <= $2) AS exempted,
           count(*) FILTER (WHERE NOT a.completed_at <= $2 IS TRUE AND NOT (a.status = 'EXEMPTED' AND COALESCE(a.exempted_at, $2) <= $2)
             AND a.due_at + make_interval(days => c.grace_days) < $2) AS overdue
         FROM assignment a JOIN cycle c ON c.id = a.cycle_id JOIN person p ON p.id = a.person_id
         LEFT JOIN person_placement pl ON $3 AND pl.person_id = p.id AND pl.valid_from <= $2 AND (pl.valid_to IS NULL OR pl.valid_to > $2)
         WHERE a.cycle_id = $4 AND a.assigned_at <= $2
           AND (p.status = 'ACTIVE' OR ($3 AND p.left_on > ($2 AT TIME ZONE 'Asia/Seoul')::date))
         GROUP BY 1
       ),
       up AS (SELECT x AS unit_id, sum(o.assigned) assigned, sum(o.completed) completed, sum(o.in_person) in_person, sum(o.in_progress) in_progress,
                sum(o.not_started) not_started, sum(o.exempted) exempted, sum(o.overdue) overdue
              FROM own o JOIN tree t ON t.id = o.unit_id, unnest(t.path) x GROUP BY x),
       kids AS (SELECT path[depth] AS id, count(*)::int AS n FROM tree WHERE depth > 0 GROUP BY 1)
       SELECT t.id AS "unitId", u.code, u.name_ko AS "nameKo", u.name_en AS "nameEn", u.kind::text AS kind, t.depth, COALESCE(kids.n, 0) AS "subUnits",
         COALESCE(up.assigned, 0)::int AS assigned, COALESCE(up.completed, 0)::int AS completed, COALESCE(up.in_person, 0)::int AS "inPerson",
         COALESCE(up.in_progress, 0)::int AS "inProgress", COALESCE(up.not_started, 0)::int AS "notStarted",
         COALESCE(up.exempted, 0)::int AS exempted, COALESCE(up.overdue, 0)::int AS overdue,
         CASE WHEN up.assigned - up.exempted > 0 THEN round(100.0 * up.completed / (up.assigned - up.exempted))::int END AS "ratePercent"
       FROM tree t JOIN org_unit u ON u.id = t.id LEFT JOIN up ON up.unit_id = t.id LEFT JOIN kids ON kids.id = t.id ORDER BY t.sort_key`,
      [root, asOf ?? BENCH_NOW, asOf !== null, ids.annual],
    );
  const same = (p: unknown, b: unknown) => canonical(p) === canonical(b);
  // Today's views read the cycle's counts (ADR 036), which a page finds already counted nearly
  // always; counting the cycle afresh is timed on its own against the same counts written by hand,
  // and a first reader's page (counting, then reading) is reported.
  const forgetCounts = async () => {
    await rows(`DELETE FROM compliance_count_run WHERE cycle_id = $1`, [ids.annual]);
    await rows(`DELETE FROM compliance_count WHERE cycle_id = $1`, [ids.annual]);
  };
  // Kept fresh through these measures (a page finds them so nearly always), whatever they last.
  const { resetEnvCache } = await import("~/utils/env.server");
  const maxAge = process.env.COMPLIANCE_COUNTS_MAX_AGE_SECONDS;
  process.env.COMPLIANCE_COUNTS_MAX_AGE_SECONDS = String(24 * 3600);
  resetEnvCache();
  await counts.refreshCounts(ids.annual, { wait: true });
  for (const [label, asOf] of [["today", null], ["as of 30 June", BENCH_AS_OF]] as const) {
    await compare(
      { id: "P1", what: `unitCompliance, city-wide, ${label}`, target: "<= 1.5x", maxRatio: 1.5 },
      () => compliance.unitCompliance(cityOfficer, ids.annual, asOf),
      () => unitBound(asOf, ids.city),
      { agree: same },
    );
  }
  await compare(
    { id: "P1", what: "unitCompliance, one bureau, today", target: "<= 1.5x", maxRatio: 1.5 },
    () => compliance.unitCompliance(bureauOfficer, ids.annual, null),
    () => unitBound(null, ids.bureau),
    { agree: same },
  );
  await compare(
    { id: "P1", what: "counting the cycle afresh (refreshCounts)", target: "<= 1.5x", maxRatio: 1.5 },
    () => counts.refreshCounts(ids.annual, { wait: true }),
    () =>
      rows(
        `INSERT INTO compliance_count (cycle_id, unit_id, staff_category, grade, assigned, completed, in_person, in_progress, not_started, exempted, overdue)
         SELECT $2, p.org_unit_id, p.staff_category, COALESCE(p.grade, 0), count(*),
           count(*) FILTER (WHERE a.completed_at <= $1),
           count(*) FILTER (WHERE a.completed_at <= $1 AND a.completion_mode = 'IN_PERSON'),
           count(*) FILTER (WHERE NOT a.completed_at <= $1 IS TRUE AND NOT (a.status = 'EXEMPTED' AND COALESCE(a.exempted_at, $1) <= $1) AND a.started_at <= $1),
           count(*) FILTER (WHERE NOT a.completed_at <= $1 IS TRUE AND NOT (a.status = 'EXEMPTED' AND COALESCE(a.exempted_at, $1) <= $1) AND NOT a.started_at <= $1 IS TRUE),
           count(*) FILTER (WHERE NOT a.completed_at <= $1 IS TRUE AND a.status = 'EXEMPTED' AND COALESCE(a.exempted_at, $1) <= $1),
           count(*) FILTER (WHERE NOT a.completed_at <= $1 IS TRUE AND NOT (a.status = 'EXEMPTED' AND COALESCE(a.exempted_at, $1) <= $1)
             AND a.due_at + make_interval(days => c.grace_days) < $1)
         FROM assignment a JOIN cycle c ON c.id = a.cycle_id JOIN person p ON p.id = a.person_id
         WHERE a.cycle_id = $2 AND a.assigned_at <= $1 AND p.status = 'ACTIVE' AND p.org_unit_id IS NOT NULL
         GROUP BY p.org_unit_id, p.staff_category, COALESCE(p.grade, 0)`,
        [BENCH_NOW, ids.annual],
      ),
    { reset: forgetCounts },
  );
  await compare(
    { id: "P1", what: "unitCompliance, city-wide, today, the first reader (counting, then reading)", target: "reported", maxRatio: null },
    () => compliance.unitCompliance(cityOfficer, ids.annual, null),
    () => unitBound(null, ids.city),
    { agree: same, reset: forgetCounts },
  );
  // The first reader's measure ends with the counts forgotten: count again, so the category views
  // below read what a page finds, as the unit views above did.
  await counts.refreshCounts(ids.annual, { wait: true });
  const categoryBound = (asOf: Date | null) =>
    rows(
      `SELECT p.staff_category::text AS "staffCategory", p.grade, count(*)::int AS assigned,
         count(*) FILTER (WHERE a.completed_at <= $1)::int AS completed,
         count(*) FILTER (WHERE a.completed_at <= $1 AND a.completion_mode = 'IN_PERSON')::int AS "inPerson",
         count(*) FILTER (WHERE NOT a.completed_at <= $1 IS TRUE AND a.status = 'EXEMPTED' AND COALESCE(a.exempted_at, $1) <= $1)::int AS exempted
       FROM assignment a JOIN person p ON p.id = a.person_id
       WHERE a.cycle_id = $2 AND a.assigned_at <= $1 AND (p.status = 'ACTIVE' OR ($3 AND p.left_on > ($1 AT TIME ZONE 'Asia/Seoul')::date))
       GROUP BY p.staff_category, p.grade
       ORDER BY (SELECT k.sort_order FROM staff_category k WHERE k.code = p.staff_category), p.staff_category, p.grade NULLS LAST`,
      [asOf ?? BENCH_NOW, ids.annual, asOf !== null],
    ).then((rs) => rs.map((r) => ({ ...r, ratePercent: r.assigned - r.exempted > 0 ? Math.round((100 * r.completed) / (r.assigned - r.exempted)) : null })));
  for (const [label, asOf] of [["today", null], ["as of 30 June", BENCH_AS_OF]] as const) {
    await compare(
      { id: "P1", what: `categoryCompliance, city-wide, ${label}`, target: "<= 1.5x", maxRatio: 1.5 },
      () => compliance.categoryCompliance(cityOfficer, ids.annual, asOf),
      () => categoryBound(asOf),
      // Rates are rounded in SQL on one side and in JavaScript on the other; the counts must agree.
      {
        agree: (p, b) => canonical((p as object[]).map((r) => ({ ...r, ratePercent: null }))) === canonical((b as object[]).map((r) => ({ ...r, ratePercent: null }))),
      },
    );
  }
  if (maxAge === undefined) delete process.env.COMPLIANCE_COUNTS_MAX_AGE_SECONDS;
  else process.env.COMPLIANCE_COUNTS_MAX_AGE_SECONDS = maxAge;
  resetEnvCache();
  await compare(
    { id: "P1", what: "unitPeople, one team, as of 30 June", target: "<= 1.5x", maxRatio: 1.5 },
    () => compliance.unitPeople(cityOfficer, ids.team, ids.annual, "all", BENCH_AS_OF),
    () =>
      rows(
        `SELECT p.id, a.id AS assignment_id, (SELECT count(*) FROM lesson_progress lp WHERE lp.assignment_id = a.id AND lp.completed_at <= $1) AS lessons
         FROM person p JOIN assignment a ON a.person_id = p.id AND a.cycle_id = $3
         LEFT JOIN person_placement pl ON pl.person_id = p.id AND pl.valid_from <= $1 AND (pl.valid_to IS NULL OR pl.valid_to > $1)
         WHERE COALESCE(pl.org_unit_id, p.org_unit_id) = $2 AND a.assigned_at <= $1
           AND p.id IN (SELECT id FROM person WHERE org_unit_id = $2 UNION SELECT person_id FROM person_placement WHERE org_unit_id = $2)
           AND (p.status = 'ACTIVE' OR p.left_on > ($1 AT TIME ZONE 'Asia/Seoul')::date)
         ORDER BY p.name`,
        [BENCH_AS_OF, ids.team, ids.annual],
      ),
    { agree: (p, b) => (p as unknown[] | null)?.length === (b as unknown[]).length },
  );

  // ---- P2: the whole city's export, streamed
  const exportBound = (mark: () => void) =>
    copyOut(
      `COPY (
         SELECT p.employee_no, p.name, u.code, u.name_ko, p.staff_category, p.grade,
           CASE WHEN a.completed_at <= '${BENCH_NOW.toISOString()}' THEN 'COMPLETED' WHEN a.status = 'EXEMPTED' THEN 'EXEMPTED'
                WHEN a.started_at IS NOT NULL THEN 'IN_PROGRESS' ELSE 'ASSIGNED' END,
           a.due_at, a.completed_at, a.completion_mode, cert.number
         FROM assignment a JOIN person p ON p.id = a.person_id JOIN org_unit u ON u.id = p.org_unit_id
         LEFT JOIN certificate cert ON cert.assignment_id = a.id AND cert.status = 'VALID'
         WHERE a.cycle_id = '${ids.annual}' AND p.status = 'ACTIVE'
         ORDER BY u.code, p.employee_no, p.id
       ) TO STDOUT WITH (FORMAT csv, HEADER)`,
      mark,
    );
  const t = (key: string) => key;
  await compare(
    { id: "P2", what: "CSV, whole city", target: "<= 2x; memory growth <= 100 MB; first byte <= 2 s", maxRatio: 2 },
    async (mark) => {
      const reader = compliance.complianceCsvStream(cityOfficer, ids.annual, "ko", t).getReader();
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (bytes > 0) mark(); // the first chunk is the header, written before any query
        bytes += value.byteLength;
      }
      return bytes;
    },
    exportBound,
  );
  await compare(
    { id: "P2", what: "XLSX, whole city", target: "flat memory; reported against the CSV bound", maxRatio: null },
    async (mark) => {
      let bytes = 0;
      await pipeline(
        compliance.complianceXlsxStream(cityOfficer, ids.annual, "ko", t, "2026"),
        new Writable({
          write(chunk: Buffer, _enc, done) {
            mark();
            bytes += chunk.length;
            done();
          },
        }),
      );
      return bytes;
    },
    exportBound,
    { times: Math.min(repeat, 3) },
  );

  // ---- P3: opening and closing a cycle for everyone
  // Between runs the bench takes back what the last run wrote, its audit events too, which the
  // log's append-only guard allows only to a session that says it removes records on purpose.
  await boundDb.query("SET hredu.audit_retention = 'on'");
  const resetNext = async () => {
    await boundDb.query("DELETE FROM audit_event WHERE entity_id = $1", [ids.next]);
    // Nothing refers to the next year's assignments yet: the per-row checks of the foreign keys
    // pointing at assignment (millions of index look-ups at a nation's size) are skipped.
    await boundDb.query("SET session_replication_role = replica");
    await boundDb.query("DELETE FROM assignment WHERE cycle_id = $1", [ids.next]);
    await boundDb.query("SET session_replication_role = DEFAULT");
    await boundDb.query("UPDATE cycle SET status = 'PLANNED', opened_at = NULL, closed_at = NULL WHERE id = $1", [ids.next]);
  };
  let opened = 0;
  let inserted = 0;
  await compare(
    { id: "P3", what: "openCycle, the whole city's next year", target: "<= 3x; completes at 1M", maxRatio: 3 },
    async () => (opened = await cycles.openCycle(ids.next, null)),
    async () => {
      const r = await boundDb.query(
        `INSERT INTO assignment (cycle_id, person_id, course_id, due_at, assigned_at)
         SELECT c.id, p.id, r.course_id, c.due_at, $2
         FROM cycle c JOIN obligation o ON o.id = c.obligation_id
         JOIN obligation_route r ON r.obligation_id = o.id AND (r.period = '' OR r.period = c.period)
         JOIN person p ON p.staff_category = r.staff_category AND p.status = 'ACTIVE'
         JOIN org_unit u ON u.id = p.org_unit_id AND u.kind = ANY(o.unit_kinds)
         WHERE c.id = $1`,
        [ids.next, BENCH_NOW],
      );
      await boundDb.query("UPDATE cycle SET status = 'OPEN', opened_at = $2 WHERE id = $1", [ids.next, BENCH_NOW]);
      return (inserted = r.rowCount ?? 0);
    },
    { reset: resetNext, agree: (p, b) => p === b, times: Math.min(repeat, 3) },
  );
  log(`    (${opened} assigned by the product, ${inserted} by the bound)`);
  await compare(
    { id: "P3", what: "closeCycle", target: "<= 3x", maxRatio: 3 },
    () => cycles.closeCycle(ids.next, null),
    // The same result: the cycle closed and the closing recorded.
    () =>
      boundDb.query(
        `WITH closed AS (UPDATE cycle SET status = 'CLOSED', closed_at = $2 WHERE id = $1 AND status = 'OPEN' RETURNING id)
         INSERT INTO audit_event (action, entity_type, entity_id) SELECT 'cycle.close', 'cycle', id::text FROM closed`,
        [ids.next, BENCH_NOW],
      ),
    {
      reset: async () => {
        await boundDb.query("DELETE FROM audit_event WHERE entity_id = $1 AND action = 'cycle.close'", [ids.next]);
        await boundDb.query("UPDATE cycle SET status = 'OPEN', closed_at = NULL WHERE id = $1", [ids.next]);
      },
    },
  );
  if (!only || only.includes("P3")) await resetNext();

  // ---- P4: the reminder tick
  const resetTick = async () => {
    await boundDb.query(`DELETE FROM outbox_email WHERE created_at > $1`, [ids.generatedAt]);
    await boundDb.query(
      `UPDATE assignment a SET last_reminder_stage = CASE WHEN c.label LIKE '%-H1' THEN 8 ELSE 0 END, escalated_at = NULL
       FROM cycle c WHERE c.id = a.cycle_id AND c.status = 'OPEN' AND (a.last_reminder_stage <> CASE WHEN c.label LIKE '%-H1' THEN 8 ELSE 0 END OR a.escalated_at IS NOT NULL)`,
    );
  };
  let tickCounts = "";
  await compare(
    { id: "P4", what: "reminder tick (reminders and escalations)", target: "<= 2x; well inside 15 min at 1M", maxRatio: 2 },
    async () => {
      const r = await reminders.runReminderTick(BENCH_NOW);
      tickCounts = `${r.reminders} reminder digests, ${r.escalations} escalation digests`;
      return r.reminders + r.escalations;
    },
    async () => {
      const a = await boundDb.query(
        `WITH due AS (
           SELECT a.id, a.person_id, s.stage FROM assignment a
           JOIN cycle c ON c.id = a.cycle_id AND c.status = 'OPEN'
           JOIN person p ON p.id = a.person_id AND p.status = 'ACTIVE'
           CROSS JOIN LATERAL (SELECT CASE WHEN $1 >= a.due_at THEN LEAST(4 + floor(extract(epoch FROM $1 - a.due_at) / 604800)::int, 8)
             ELSE (($1 >= a.due_at - interval '30 days')::int + ($1 >= a.due_at - interval '7 days')::int + ($1 >= a.due_at - interval '1 day')::int) END AS stage) s
           WHERE a.status IN ('ASSIGNED', 'IN_PROGRESS') AND s.stage > a.last_reminder_stage AND s.stage > 0
         ),
         upd AS (UPDATE assignment a SET last_reminder_stage = due.stage FROM due WHERE a.id = due.id)
         INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
         SELECT 'reminder:' || d.person_id || ':' || md5(string_agg(d.id || ':' || d.stage, ',' ORDER BY d.id)), min(p.email), 'reminder-digest', 'ko',
           jsonb_build_object('personId', d.person_id, 'items', jsonb_agg(jsonb_build_object('assignmentId', d.id, 'stage', d.stage) ORDER BY d.id))
         FROM due d JOIN person p ON p.id = d.person_id GROUP BY d.person_id
         ON CONFLICT (dedupe_key) DO NOTHING`,
        [BENCH_NOW],
      );
      const b = await boundDb.query(
        `WITH late AS (
           SELECT a.id, p.org_unit_id FROM assignment a JOIN cycle c ON c.id = a.cycle_id AND c.status = 'OPEN'
           JOIN person p ON p.id = a.person_id AND p.status = 'ACTIVE'
           WHERE a.status IN ('ASSIGNED', 'IN_PROGRESS') AND a.escalated_at IS NULL AND $1 >= a.due_at + make_interval(days => c.grace_days + 7)
         ),
         marked AS (UPDATE assignment a SET escalated_at = $1 FROM late WHERE a.id = late.id),
         items AS (
           SELECT DISTINCT g.user_id, l.id FROM late l
           JOIN LATERAL (WITH RECURSIVE up AS (SELECT l.org_unit_id AS id UNION ALL SELECT u.parent_id FROM org_unit u JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL) SELECT id FROM up) anc ON true
           JOIN role_grant g ON g.role = 'HR_OFFICER' AND g.org_unit_id = anc.id
         )
         INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
         SELECT 'escalation:' || i.user_id || ':' || md5(string_agg(i.id::text, ',' ORDER BY i.id)), min(u.email), 'escalation-digest', 'ko',
           jsonb_build_object('userId', i.user_id, 'assignmentIds', jsonb_agg(i.id ORDER BY i.id))
         FROM items i JOIN app_user u ON u.id = i.user_id GROUP BY i.user_id
         ON CONFLICT (dedupe_key) DO NOTHING`,
        [BENCH_NOW],
      );
      return (a.rowCount ?? 0) + (b.rowCount ?? 0);
    },
    { reset: resetTick, agree: (p, b) => p === b, times: Math.min(repeat, 3) },
  );
  log(`    (${tickCounts})`);

  // ---- P5: a personnel file, checked and applied by the worker's functions
  if (!only || only.includes("P5")) await measurePersonnelFile();

  // ---- P4: sending what the outbox holds, through the worker, against a bare SMTP pool
  if ((!only || only.includes("P4")) && (last || !ci)) {
    const { measureSending } = await import("./sending");
    results.push(await measureSending({ url, annualCycleId: ids.annual, ci, repeat, log }));
  }

  // ---- P6: pages under load, against a trivial route of the same server
  if ((!only || only.includes("P6")) && (last || !ci)) {
    const { measurePages } = await import("./pages");
    results.push(...(await measurePages({ url, annualCycleId: ids.annual, cityUnitId: ids.city, ci, repeat, log })));
  }

  // ---- P7: the oversight return for a year
  await compare(
    { id: "P7", what: "oversight return 2026 (query)", target: "<= 2x", maxRatio: 2 },
    () => oversight.oversightReturn(cityOfficer, 2026),
    () =>
      rows(
        `SELECT p.org_unit_id, a.cycle_id, p.staff_category, p.grade, count(*), count(*) FILTER (WHERE a.status = 'COMPLETED'),
           count(*) FILTER (WHERE a.completion_mode = 'IN_PERSON'), count(*) FILTER (WHERE a.status = 'EXEMPTED')
         FROM assignment a JOIN cycle c ON c.id = a.cycle_id AND c.starts_on >= '2026-01-01' AND c.starts_on < '2027-01-01' AND c.status <> 'PLANNED'
         JOIN person p ON p.id = a.person_id
         LEFT JOIN person_placement pl ON c.due_at < $1 AND pl.person_id = p.id AND pl.valid_from <= c.due_at AND (pl.valid_to IS NULL OR pl.valid_to > c.due_at)
         GROUP BY GROUPING SETS ((1, 2, 3, 4), (1, 2, 3), (1, 2))`,
        [BENCH_NOW],
      ),
  );
  const ret = !only || only.includes("P7") ? await oversight.oversightReturn(cityOfficer, 2026) : { institutions: [] as unknown[] } as unknown as Awaited<ReturnType<typeof oversight.oversightReturn>>;
  const drain = async (s: NodeJS.ReadableStream) => {
    let bytes = 0;
    for await (const c of s) bytes += (c as Buffer).length;
    return bytes;
  };
  await compare(
    { id: "P7", what: "oversight return 2026, XLSX (from the return)", target: "reported", maxRatio: null },
    () => drain(oversight.oversightXlsxStream(ret, "ko", t)),
    null,
    { times: Math.min(repeat, 3) },
  );
  // Both files are written institution by institution and wait for their reader, so they are
  // measured at every size (a nation's return has over 13,000 institutions).
  if (!only || only.includes("P7")) {
    await compare(
      { id: "P7", what: "oversight return 2026, PDF (from the return)", target: "reported", maxRatio: null },
      () => drain(oversight.oversightPdfStream(ret, "ko", t)),
      null,
      { times: Math.min(repeat, 3) },
    );
  }

  await boundDb.end();
  void prisma;
  return results;

  /**
   * The file is the full roll of the officer's scope as the city stands, with movers, new hires,
   * grade changes and a few leavers. Each run starts from the same city: the import rows are made
   * as the upload makes them (and, for the apply, checked), untimed, and the city is put back.
   */
  async function measurePersonnelFile() {
    const { now } = await import("~/utils/clock.server");
    const { getEnv } = await import("~/utils/env.server");
    const { checkQueuedImport, applyQueuedImport } = await import("~/modules/personnel/import.server");
    const { QUEUES } = await import("~/utils/queues.server");
    const { readyProducer } = await import("~/utils/redis.server");
    const { Queue } = await import("bullmq");
    const { createHash } = await import("node:crypto");
    const mail = new Queue(QUEUES.mail, { connection: await readyProducer() });
    const since = { wall: (await boundDb.query("SELECT clock_timestamp() AS t")).rows[0].t as Date, clock: now() };
    const file = await buildPersonnelFile(boundDb, ids.city);
    log(`    (P5 file: ${file.rows} rows, ${(file.text.length / 2 ** 20).toFixed(1)} MiB; ${file.movers} movers, ${file.newHires} new hires, ${file.gradeChanges} grade or job changes, ${file.leavers} leavers)`);
    const before = await cityChecksum(boundDb);
    // After each run the city's state is read before it is put back: every product run and every bound run must leave the same.
    const after = { product: new Set<string>(), bound: new Set<string>() };
    let dirty: "product" | "bound" | null = null;
    const restore = async () => {
      if (dirty) after[dirty].add(await cityChecksum(boundDb));
      dirty = null;
      const removed = await restoreCity(boundDb, file, since);
      // The bench's own queue (its own Redis database): what the apply queued for mail goes with the rows it named.
      if (removed.length > 0) await mail.drain(true);
    };
    let importId = "";
    const upload = async () => {
      const [row] = await prisma.$queryRaw<Array<{ id: string }>>`
        INSERT INTO personnel_import (actor_user_id, kind, file_name, sha256, content, scope_unit_ids, status, row_count, summary)
        VALUES (${ids.hr.id}::uuid, 'FULL_ROLL', 'bench-roll.csv', ${createHash("sha256").update(file.text).digest("hex")}, ${file.text},
          ${file.roots}::uuid[], 'CHECKING', ${file.rows}, ${JSON.stringify({ rows: 0, created: 0, moved: 0, updated: 0, unchanged: 0, left: 0, problems: [], samples: { created: [], moved: [], left: [] }, kind: "FULL_ROLL", active: 0, leavers: [], confirmLeavers: false })}::jsonb)
        RETURNING id::text`;
      importId = row!.id;
    };
    const noProgress = async () => undefined;
    const counts = (s: { created: number; moved: number; updated: number; unchanged: number; left: number; problems: unknown[] | number } | null) =>
      s && canonical({ created: s.created, moved: s.moved, updated: s.updated, unchanged: s.unchanged, left: s.left, problems: Array.isArray(s.problems) ? s.problems.length : s.problems });
    const lateJoinerDays = getEnv().LATE_JOINER_DAYS;
    const target = { target: "<= 3x; flat memory", maxRatio: 3 };
    try {
      await compare(
        { id: "P5", what: "personnel file, full roll, dry run (worker)", ...target },
        () => checkQueuedImport(importId, noProgress),
        () => boundImport(boundDb, file, false, now(), lateJoinerDays),
        {
          reset: async () => {
            await restore();
            await upload();
          },
          agree: (p, b) => counts(p as Parameters<typeof counts>[0]) === counts(b as Parameters<typeof counts>[0]),
        },
      );
      await compare(
        { id: "P5", what: "personnel file, full roll, apply (worker)", ...target },
        async () => {
          dirty = "product";
          return applyQueuedImport(importId, noProgress);
        },
        async () => {
          dirty = "bound";
          return boundImport(boundDb, file, true, now(), lateJoinerDays);
        },
        {
          reset: async () => {
            await restore();
            await upload();
            const checked = await checkQueuedImport(importId, noProgress);
            if (checked?.confirmLeavers) throw new Error("the file's leavers would need a typed confirmation");
            await prisma.personnelImport.updateMany({ where: { id: importId, status: "CHECKED" }, data: { status: "APPLYING" } });
          },
          agree: (p, b) => counts(p as Parameters<typeof counts>[0]) === counts(b as Parameters<typeof counts>[0]),
        },
      );
      const last = results[results.length - 1];
      if (last?.id === "P5" && !last.error) {
        const states = [...after.product, ...after.bound];
        const same = after.product.size === 1 && after.bound.size === 1 && states[0] === states[1];
        if (!same) last.agree = false;
        log(`    (after the apply: ${same ? "product and bound leave the same people, placements, accounts, assignments and notices" : "the product and the bound leave different cities"})`);
      }
    } finally {
      await restore();
      await dropSnapshot(boundDb);
      await mail.close();
    }
    if ((await cityChecksum(boundDb)) !== before) {
      const last = results[results.length - 1];
      if (last?.id === "P5") last.error = "the city was not put back as it was";
    }
  }

  async function copyOut(sql: string, mark: () => void): Promise<number> {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      let bytes = 0;
      await pipeline(
        db.query(copyTo(sql)),
        new Writable({
          write(chunk: Buffer, _enc, done) {
            mark();
            bytes += chunk.length;
            done();
          },
        }),
      );
      return bytes;
    } finally {
      await db.end();
    }
  }
}

export type { Sample };

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
