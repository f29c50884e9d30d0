/**
 * EXPLAIN ANALYZE of the statements the HR dashboard, the drill-down and the
 * export send, on the bench database (run `npm run bench` first):
 *
 *   DATABASE_URL=…/hredu_bench NODE_ENV=test npx tsx bench/explain.ts [filter]
 *
 * Prints each plan, so a regression in a plan can be read, not guessed.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "~/generated/prisma/client";
import { BENCH_AS_OF, BENCH_NOW } from "./generate";

const url = process.env.DATABASE_URL ?? "";
if (!/\/hredu_bench[a-z0-9_]*(\?|$)/.test(url)) throw new Error("DATABASE_URL must name a bench database (hredu_bench…)");
const filter = process.argv[2] ?? "";

const captured: Array<{ query: string; params: unknown[] }> = [];
const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }), log: [{ emit: "event", level: "query" }] });
client.$on("query", (e) => captured.push({ query: e.query, params: JSON.parse(e.params) as unknown[] }));
globalThis.__prisma = client;

const { setClock } = await import("~/utils/clock.server");
setClock(BENCH_NOW);
const compliance = await import("~/modules/compliance/compliance.server");
const db = new pg.Client({ connectionString: url });
await db.connect();
const one = async (sql: string) => (await db.query(sql)).rows[0].id as string;
const city = await one("SELECT id FROM org_unit WHERE parent_id IS NULL");
const bureau = await one("SELECT id FROM org_unit WHERE code = 'B1'");
const team = await one("SELECT id FROM org_unit WHERE code = 'B1-D2-T0'");
const annual = await one("SELECT c.id FROM cycle c JOIN obligation o ON o.id = c.obligation_id WHERE c.label = '2026' AND o.code = 'annual-human-rights'");
const actor = (roots: string[]) => ({ hrScopeUnitIds: roots, roles: new Set(["HR_OFFICER"]) }) as unknown as import("~/modules/auth/permissions.server").Actor;

const cases: Array<[string, () => Promise<unknown>]> = [
  ["unitCompliance city today", () => compliance.unitCompliance(actor([city]), annual)],
  ["unitCompliance city as-of", () => compliance.unitCompliance(actor([city]), annual, BENCH_AS_OF)],
  ["unitCompliance bureau today", () => compliance.unitCompliance(actor([bureau]), annual)],
  ["categoryCompliance city today", () => compliance.categoryCompliance(actor([city]), annual)],
  ["categoryCompliance city as-of", () => compliance.categoryCompliance(actor([city]), annual, BENCH_AS_OF)],
  ["unitPeople team as-of", () => compliance.unitPeople(actor([city]), team, annual, "all", BENCH_AS_OF)],
];
for (const [name, run] of cases) {
  if (!name.includes(filter)) continue;
  captured.length = 0;
  await run();
  for (const { query, params } of captured) {
    const plan = await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS) ${query}`, params);
    console.log(`\n==== ${name}\n${plan.rows.map((r) => r["QUERY PLAN"]).join("\n")}`);
  }
}
await db.end();
await client.$disconnect();
