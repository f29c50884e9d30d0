/**
 * P6, pages under load: the production build served by server.ts as a child process against the
 * bench database, signed in the way a browser is (password, second factor, declared purpose),
 * loaded at 50 concurrent keep-alive connections, page by page, alternately with a trivial route
 * of the same server (/healthz: the same middleware and Remix handler, one round trip to
 * PostgreSQL and one to Redis).
 *
 * The HR officer and the learner (a person of the bench city, with the open assignments of
 * another person of the same unit and category) are created before and removed after, with
 * everything their requests wrote.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { generateHOTP } from "@oslojs/otp";
import pg from "pg";
import { clockForChild } from "~/utils/clock.server";
import { cookieHeader, cookiesFrom, load, request } from "./load";
import { median, type Rate, type Result } from "./measure";

export interface PagesContext {
  url: string;
  annualCycleId: string;
  cityUnitId: string;
  ci: boolean;
  repeat: number;
  log: (s: string) => void;
}

const CONNECTIONS = 50;
export const HR_EMAIL = "bench-load-hr@bench.test";
export const LEARNER_EMAIL = "bench-load-learner@bench.test";

/** Newest modification time under the given paths (files or folders). */
function newest(paths: string[]): number {
  let latest = 0;
  const visit = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else latest = Math.max(latest, st.mtimeMs);
  };
  paths.forEach(visit);
  return latest;
}

/** Build the app when build/ is missing or older than what it is built from; an error when it cannot be built. */
export function ensureBuild(log: (s: string) => void): void {
  const built = "build/server/index.js";
  const sources = newest(["app", "public", "vite.config.ts", "package-lock.json", "tsconfig.json"]);
  const why = !existsSync(built) ? "build/ is missing" : statSync(built).mtimeMs < sources ? "build/ is older than the sources" : null;
  if (!why) return;
  log(`  P6: ${why}: building the app (npx remix vite:build)…`);
  const r = spawnSync("npx", ["remix", "vite:build"], { encoding: "utf8", env: { ...process.env, NODE_ENV: "production" } });
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-3).join(" ");
    throw new Error(`the app could not be built: ${tail || r.error?.message || `exit ${r.status}`}`);
  }
}

/** A free loopback port in [from, to]. */
export async function freePortIn(from: number, to: number): Promise<number> {
  for (let port = from; port <= to; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port between ${from} and ${to}`);
}

/** server.ts from the production build, on the bench's clock, until it answers /healthz. */
export async function startWebServer(port: number, env: Record<string, string> = {}): Promise<{ origin: string; stop: () => Promise<void>; output: () => string }> {
  const origin = `http://127.0.0.1:${port}`;
  // BENCH_WEB_PROFILE=<dir>: the server writes a V8 CPU profile there when it stops (node --cpu-prof).
  const profile = process.env.BENCH_WEB_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_WEB_PROFILE}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, "--import", "tsx", "server.ts"], {
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", APP_ORIGIN: origin, ...clockForChild(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out = (out + d).slice(-4000)));
  child.stderr!.on("data", (d) => (out = (out + d).slice(-4000)));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    });
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited: ${out.trim().split("\n").slice(-3).join(" ")}`);
    const ok = await request(`${origin}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() - started > 60_000) {
      await stop();
      throw new Error(`the app did not answer /healthz in 60 s: ${out.trim().split("\n").slice(-3).join(" ")}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { origin, stop, output: () => out };
}

/** The code an authenticator app holding `key` shows now. */
function totpNow(key: Uint8Array): string {
  return generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000)), 6);
}

/** Sign in through /login (and /login/two-factor when the account has a second factor): the session cookie. */
export async function signIn(origin: string, email: string, password: string, totpKey?: Uint8Array): Promise<Map<string, string>> {
  const jar = new Map<string, string>();
  const login = await request(`${origin}/login`, { form: { email, password, redirectTo: "/" } });
  cookiesFrom(login.headers, jar);
  if (login.status !== 302 && login.status !== 303) throw new Error(`sign-in of ${email}: ${login.status}`);
  if (login.headers.location === "/login/two-factor") {
    if (!totpKey) throw new Error(`sign-in of ${email} asks for a second factor`);
    const second = await request(`${origin}/login/two-factor`, { headers: { Cookie: cookieHeader(jar) }, form: { intent: "verify", code: totpNow(totpKey) } });
    cookiesFrom(second.headers, jar);
    if (second.status !== 302 && second.status !== 303) throw new Error(`second factor of ${email}: ${second.status}`);
  }
  if (!jar.has("hre_session")) throw new Error(`sign-in of ${email} opened no session`);
  jar.delete("hre_2fa");
  return jar;
}

interface Actors {
  hrUserId: string;
  hrKey: Uint8Array;
  learnerUserId: string;
  learnerPersonId: string;
  assignmentId: string;
  lessonSlug: string;
  password: string;
}

/** The HR officer for the whole city and a learner of the city, as accounts with passwords. */
export async function createActors(db: pg.Client, ctx: PagesContext): Promise<Actors> {
  const { hashPassword } = await import("~/modules/auth/password.server");
  const { PRIVACY_NOTICE_VERSION } = await import("~/modules/auth/accounts.server");
  await removeActors(db);
  const password = `bench-${Math.random().toString(36).slice(2)}-Load!`;
  const hash = await hashPassword(password);
  const one = async (sql: string, params: unknown[]) => (await db.query(sql, params)).rows[0];
  const hr = await one(
    `INSERT INTO app_user (email, password_hash, display_name, privacy_consent_at, privacy_notice_version) VALUES ($1, $2, '부하 측정 인사담당', now(), $3) RETURNING id`,
    [HR_EMAIL, hash, PRIVACY_NOTICE_VERSION],
  );
  await db.query(`INSERT INTO role_grant (user_id, role, org_unit_id) VALUES ($1, 'HR_OFFICER', $2)`, [hr.id, ctx.cityUnitId]);
  const hrKey = new Uint8Array(20);
  crypto.getRandomValues(hrKey);
  await db.query(`INSERT INTO totp_credential (user_id, key, confirmed_at) VALUES ($1, $2, now())`, [hr.id, Buffer.from(hrKey)]);
  // A civil servant who owes this year's annual course and has not started: their unit, category and open assignments are copied.
  const source = await one(
    `SELECT p.id, p.org_unit_id, p.staff_category, p.grade, p.job_family, p.hired_on FROM assignment a JOIN person p ON p.id = a.person_id
     WHERE a.cycle_id = $1 AND a.status = 'ASSIGNED' AND p.status = 'ACTIVE' AND p.staff_category::text LIKE 'CIVIL%' ORDER BY a.id LIMIT 1`,
    [ctx.annualCycleId],
  );
  if (!source) throw new Error("the bench city has no civil servant with an unstarted annual course");
  const person = await one(
    `INSERT INTO person (name, email, org_unit_id, staff_category, grade, job_family, hired_on) VALUES ('부하 측정 학습자', $1, $2, $3, $4, $5, $6) RETURNING id`,
    [LEARNER_EMAIL, source.org_unit_id, source.staff_category, source.grade, source.job_family, source.hired_on],
  );
  await db.query(
    `INSERT INTO assignment (cycle_id, person_id, course_id, course_version_id, due_at, assigned_at, notified_at, last_reminder_stage)
     SELECT a.cycle_id, $2, a.course_id, a.course_version_id, a.due_at, a.assigned_at, a.notified_at, a.last_reminder_stage
     FROM assignment a JOIN cycle c ON c.id = a.cycle_id AND c.status = 'OPEN' WHERE a.person_id = $1 AND a.status IN ('ASSIGNED', 'IN_PROGRESS')`,
    [source.id, person.id],
  );
  const learner = await one(
    `INSERT INTO app_user (email, password_hash, display_name, person_id, privacy_consent_at, privacy_notice_version) VALUES ($1, $2, '부하 측정 학습자', $3, now(), $4) RETURNING id`,
    [LEARNER_EMAIL, hash, person.id, PRIVACY_NOTICE_VERSION],
  );
  const assignment = await one(`SELECT id, course_id FROM assignment WHERE person_id = $1 AND cycle_id = $2`, [person.id, ctx.annualCycleId]);
  const lesson = await one(
    `SELECT l.slug FROM lesson l JOIN course_version v ON v.id = l.course_version_id
     WHERE v.course_id = $1 AND l.job_family IS NULL ORDER BY v.version DESC, l.position LIMIT 1`,
    [assignment.course_id],
  );
  if (!lesson) throw new Error("the annual course has no lesson");
  return { hrUserId: hr.id, hrKey, learnerUserId: learner.id, learnerPersonId: person.id, assignmentId: assignment.id, lessonSlug: lesson.slug, password };
}

/** Everything the two accounts and their requests wrote (audit events too, which only an explicit removal may delete). */
export async function removeActors(db: pg.Client): Promise<void> {
  await db.query("BEGIN");
  try {
    await db.query("SET LOCAL hredu.audit_retention = 'on'");
    const users = `(SELECT id FROM app_user WHERE email IN ('${HR_EMAIL}', '${LEARNER_EMAIL}'))`;
    const assignments = `(SELECT a.id FROM assignment a JOIN person p ON p.id = a.person_id WHERE p.email = '${LEARNER_EMAIL}')`;
    await db.query(`DELETE FROM audit_event WHERE actor_user_id IN ${users} OR entity_id IN (SELECT id::text FROM ${users} u) OR entity_id IN (SELECT id::text FROM ${assignments} a)`);
    for (const table of ["lesson_visit", "lesson_progress", "quiz_attempt", "quiz_paper", "certificate"]) {
      await db.query(`DELETE FROM ${table} WHERE assignment_id IN ${assignments}`);
    }
    await db.query(`DELETE FROM assignment WHERE id IN ${assignments}`);
    await db.query(`DELETE FROM throttle_event WHERE key LIKE '%bench-load-%'`);
    await db.query(`DELETE FROM app_user WHERE email IN ('${HR_EMAIL}', '${LEARNER_EMAIL}')`);
    await db.query(`DELETE FROM person WHERE email = '${LEARNER_EMAIL}'`);
    await db.query("COMMIT");
  } catch (e) {
    await db.query("ROLLBACK");
    throw e;
  }
}

/** The P6 rows: each page against /healthz, alternately. */
export async function measurePages(ctx: PagesContext): Promise<Result[]> {
  const durationMs = ctx.ci ? 1000 : 5000;
  const times = ctx.ci ? 1 : Math.max(2, Math.min(ctx.repeat, 3));
  const rows: Array<{ what: string; path: string; learner: boolean }> = [
    { what: "learner's home, 50 concurrent", path: "/", learner: true },
    { what: "a lesson, 50 concurrent", path: "", learner: true },
    { what: "/hr, city-wide officer, 50 concurrent", path: "/hr", learner: false },
  ];
  const results: Result[] = rows.map((r) =>
    r.learner
      ? { id: "P6", what: r.what, target: ">= 50% of the trivial route's req/s; p99 <= 50 ms", maxRatio: 2, product: [], bound: [], queries: null, agree: null, error: null, rate: { unit: "req/s", product: [], bound: [], maxP99Ms: 50 } }
      : { id: "P6", what: r.what, target: "p50 reported", maxRatio: null, product: [], bound: [], queries: null, agree: null, error: null, rate: { unit: "req/s", product: [], bound: [] } },
  );
  const fail = (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    for (const r of results) r.error ??= message;
  };
  let server: Awaited<ReturnType<typeof startWebServer>> | null = null;
  const db = new pg.Client({ connectionString: ctx.url });
  await db.connect();
  try {
    ensureBuild(ctx.log);
    const actors = await createActors(db, ctx);
    server = await startWebServer(await freePortIn(3400, 3499));
    const { origin } = server;
    const learner = cookieHeader(await signIn(origin, LEARNER_EMAIL, actors.password));
    const hrJar = await signIn(origin, HR_EMAIL, actors.password, actors.hrKey);
    // The officer states why they read the compliance page (the form's "show"), as the page asks; the page is then read under that declaration.
    const declared = await request(`${origin}/hr`, { headers: { Cookie: cookieHeader(hrJar) }, form: { purpose: "ROUTINE_MONITORING", purposeNote: "", cycle: ctx.annualCycleId } });
    const hrPath = declared.headers.location;
    if (declared.status !== 303 || !hrPath?.includes("access=")) throw new Error(`declaring a purpose on /hr: ${declared.status} ${hrPath ?? ""}`);
    rows[1]!.path = `/learn/${actors.assignmentId}/lessons/${actors.lessonSlug}`;
    rows[2]!.path = hrPath;
    const trivial = `${origin}/healthz`;
    // Warm-up, not counted: the server's first requests compile and fill its pools.
    await load(trivial, { connections: CONNECTIONS, durationMs: 500 });
    for (const [i, row] of rows.entries()) {
      const result = results[i]!;
      const headers = { Cookie: row.learner ? learner : cookieHeader(hrJar) };
      // The HR page takes a second or more at 100,000 people: one request per connection is its run.
      const duration = row.learner ? durationMs : 0;
      try {
        await load(`${origin}${row.path}`, { connections: row.learner ? CONNECTIONS : 2, durationMs: 0, headers });
        for (let t = 0; t < times; t++) {
          result.rate!.bound.push(await load(trivial, { connections: CONNECTIONS, durationMs: duration || durationMs }));
          result.rate!.product.push(await load(`${origin}${row.path}`, { connections: CONNECTIONS, durationMs: duration, headers }));
        }
        const p = result.rate!.product;
        const b = result.rate!.bound;
        const share = (100 * median(p.map((x) => x.perSecond))) / median(b.map((x) => x.perSecond));
        result.note = `${share.toFixed(0)}% of /healthz's req/s; ${p.reduce((s, x) => s + x.count, 0)} requests`;
        ctx.log(`  P6 ${row.what}: ${describe(p)} against /healthz ${describe(b)}`);
      } catch (e) {
        result.error = e instanceof Error ? e.message : String(e);
        ctx.log(`  P6 ${row.what}: ERROR ${result.error}`);
      }
    }
  } catch (e) {
    fail(e);
    ctx.log(`  P6: ERROR ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await server?.stop();
    await removeActors(db).catch((e: Error) => ctx.log(`  P6: could not remove the load accounts: ${e.message}`));
    await db.end();
  }
  return results;
}

function describe(rates: Rate[]): string {
  return rates.map((r) => `${r.perSecond.toFixed(0)} req/s p50 ${r.p50Ms!.toFixed(1)} ms p99 ${r.p99Ms!.toFixed(1)} ms`).join(", ");
}
