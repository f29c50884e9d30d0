/**
 * The fault tests (ADR 019), run by scripts/faults.sh: the real worker
 * (jobs/worker.ts) and app (server.ts) as child processes, the local
 * PostgreSQL and Redis of scripts/services.sh, and an SMTP server on loopback
 * that counts every message per recipient. Each scenario breaks one part
 * while a few thousand people are being told or imported, lets the product
 * recover by itself (the worker's tick is triggered rather than waited for),
 * and counts: one message per person, one assignment per person and open
 * cycle. Prints the figures and exits 1 if any is wrong.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { Redis } from "ioredis";
import { Queue } from "bullmq";
import { Child, CountingSmtp, Workers, freePort, services, sleep, until } from "./parts";
import { MAIL_IN_FLIGHT } from "../../jobs/concurrency";

const DATABASE_URL = process.env.FAULTS_DATABASE_URL;
const REDIS_URL = process.env.FAULTS_REDIS_URL;
if (!DATABASE_URL || !REDIS_URL) throw new Error("FAULTS_DATABASE_URL and FAULTS_REDIS_URL are set by scripts/faults.sh: run npm run test:faults");

/** A Tuesday morning in Seoul: inside office hours, so mail goes out (send-window.server.ts). */
const PRODUCT_TIME = "2026-03-10T10:00:00+09:00";
const PEOPLE = Number(process.env.FAULT_PEOPLE ?? 2000);
/** MAIL_IN_FLIGHT (jobs/concurrency.ts): how many messages one worker has between the SMTP server's acceptance and the SENT mark, the most one kill of a worker can catch. */
const SETTLE_MS = 150_000;

const smtpPort = await freePort();
const appPort = await freePort();
const env: Record<string, string> = {
  NODE_ENV: "production",
  DATABASE_URL,
  REDIS_URL,
  SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  MAIL_FROM: "Seoul Human Rights Academy <no-reply@hr-edu.test>",
  APP_ORIGIN: `http://127.0.0.1:${appPort}`,
  LINK_SECRET: "fault-test-link-secret-not-for-production-0123456789",
  // The reconciler's waits (ADR 006), shortened so that a run does not wait a quarter of an hour.
  OUTBOX_REQUEUE_AFTER_SECONDS: "5",
  OUTBOX_RECLAIM_AFTER_SECONDS: "10",
};
Object.assign(process.env, env);

const { prisma } = await import("~/utils/db.server");
const { setClock, clockForChild } = await import("~/utils/clock.server");
const { seoulDayEnd } = await import("~/utils/i18n");
const { openCycle } = await import("~/modules/obligations/cycles.server");
const { enqueueCycleOpened, readImportJob, closeQueues, QUEUES } = await import("~/utils/queues.server");
const { createUserSession, getCurrentSession } = await import("~/modules/auth/session.server");
const { loadActor } = await import("~/modules/auth/permissions.server");
const { submitImport, submitApply, IMPORT_LIMITS } = await import("~/modules/personnel/import.server");
/** A personnel file must be larger than what a request applies by itself to go to the worker. */
const IMPORT_PEOPLE = Math.max(PEOPLE, IMPORT_LIMITS.inRequestRows + 500);
const { deployMigrations } = await import("../../prisma/migrate");
const { readContentTree } = await import("~/modules/content/source.server");
const { loadContent } = await import("~/modules/content/load.server");

setClock(PRODUCT_TIME, { running: true });

const smtp = new CountingSmtp(smtpPort);
/** Worker processes side by side (ADR 012): two by default, which also races them for the same rows. */
const WORKERS = Number(process.env.FAULT_WORKERS ?? 2);
const worker = new Workers(WORKERS, "jobs/worker.ts", () => ({ ...env, ...clockForChild() }));
const app = new Child("app", "server.ts", () => ({ ...env, PORT: String(appPort), HOST: "127.0.0.1", ...clockForChild() }));

const tickRedis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
tickRedis.on("error", () => {});
const ticks = new Queue(QUEUES.reminders, { connection: tickRedis });
ticks.on("error", () => {});
let tickNo = 0;

/** The worker's tick (reminders, import follow-ups, owed notices, the outbox reconciler), now rather than at the next quarter hour. */
async function tick(): Promise<void> {
  await ticks.add("tick", {}, { jobId: `fault-tick-${Date.now()}-${tickNo++}`, removeOnComplete: true, removeOnFail: true });
}

// ---------------------------------------------------------------- the world each scenario works in

interface World {
  prefix: string;
  cityId: string;
  unitIds: string[];
  unitCodes: string[];
  obligationIds: string[];
}

async function createWorld(scenario: string, obligations: number): Promise<World> {
  const tag = randomUUID().slice(0, 6);
  const unit = (kind: "CITY" | "BUREAU" | "DIVISION" | "TEAM", parentId: string | null, n: number) =>
    prisma.orgUnit.create({ data: { code: `F-${tag}-${kind}-${n}`, kind, nameKo: `${kind} ${tag} ${n}`, nameEn: `${kind} ${tag} ${n}`, parentId } });
  const city = await unit("CITY", null, 0);
  const bureau = await unit("BUREAU", city.id, 0);
  const division = await unit("DIVISION", bureau.id, 0);
  const teams = [await unit("TEAM", division.id, 1), await unit("TEAM", division.id, 2)];
  const course = await prisma.course.findUniqueOrThrow({ where: { slug: "annual-civil-servants" } });
  const obligationIds: string[] = [];
  for (let i = 0; i < obligations; i++) {
    const o = await prisma.obligation.create({
      data: {
        code: `fault-${tag}-${i}`,
        titleKo: `연간 인권교육 ${tag} ${i}`,
        titleEn: `Annual human rights education ${tag} ${i}`,
        legalBasisKo: "서울특별시 인권 기본 조례",
        legalBasisEn: "Seoul Human Rights Ordinance",
        cycleKind: "ANNUAL",
        unitKinds: ["CITY", "BUREAU", "DIVISION", "TEAM"],
        audienceRootId: city.id,
        routes: { create: [{ staffCategory: "CIVIL_SERVANT", courseId: course.id }] },
      },
    });
    obligationIds.push(o.id);
  }
  const units = [bureau, division, ...teams];
  return { prefix: `${scenario}-${tag}-`, cityId: city.id, unitIds: units.map((u) => u.id), unitCodes: units.map((u) => u.code), obligationIds };
}

/** `n` people on the roll of the world's units, written in one statement as a roll import would. */
async function createPeople(world: World, n: number): Promise<void> {
  await prisma.$executeRaw`
    WITH p AS (
      INSERT INTO person (employee_no, name, email, org_unit_id, staff_category, grade)
      SELECT ${world.prefix} || g, '직원 ' || g, ${world.prefix} || g || '@faults.example',
             (${world.unitIds}::uuid[])[1 + g % cardinality(${world.unitIds}::uuid[])], 'CIVIL_SERVANT', 7
      FROM generate_series(1, ${n}) g
      RETURNING id, org_unit_id
    )
    INSERT INTO person_placement (person_id, org_unit_id, valid_from) SELECT id, org_unit_id, '2000-01-01' FROM p`;
}

/** A cycle of each of the world's duties, due at the end of the year (no reminder is due in March), opened as the product opens one. */
async function openCycles(world: World): Promise<string[]> {
  const ids: string[] = [];
  for (const obligationId of world.obligationIds) {
    const cycle = await prisma.cycle.create({
      data: { obligationId, label: "2026", startsOn: new Date("2026-01-01T00:00:00Z"), endsOn: new Date("2026-12-31T00:00:00Z"), dueAt: seoulDayEnd("2026-12-31") },
    });
    await openCycle(cycle.id, null);
    ids.push(cycle.id);
  }
  return ids;
}

/** After a scenario its cycles close, so that later ticks have nothing of it to do. */
async function closeWorld(world: World): Promise<void> {
  await prisma.cycle.updateMany({ where: { obligationId: { in: world.obligationIds }, status: "OPEN" }, data: { status: "CLOSED" } });
}

// ---------------------------------------------------------------- counting

interface Figures {
  scenario: string;
  kills: number;
  expected: number;
  sent: number;
  /** Extra copies carrying the Message-ID of the first: the window ADR 006 names (SMTP accepted, the row not yet marked). */
  sameIdDuplicates: number;
  /** Extra copies with another Message-ID: a second notice, never allowed. */
  otherDuplicates: number;
  losses: number;
  assignmentsExpected: number | null;
  assignmentsFound: number | null;
  seconds: number;
  notes: string[];
  failures: string[];
}

async function sentRows(prefix: string) {
  const [row] = await prisma.$queryRaw<Array<{ total: number; sent: number; notices: number; people: number }>>`
    SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'SENT')::int AS sent,
           count(*) FILTER (WHERE template = 'assignment-notice')::int AS notices,
           count(DISTINCT payload->>'personId')::int AS people
    FROM outbox_email WHERE to_address LIKE ${prefix + "%"}`;
  return row!;
}

function distinctRecipients(prefix: string): number {
  let n = 0;
  for (const address of smtp.received.keys()) if (address.startsWith(prefix)) n++;
  return n;
}

/**
 * Let the product finish by itself: the worker runs, and its tick is
 * triggered every couple of seconds until every one of the scenario's outbox
 * rows is SENT and every recipient got something (or the time is up).
 */
async function settle(prefix: string, expected: number, extra: () => Promise<boolean> = async () => true): Promise<boolean> {
  let lastTick = 0;
  const done = await until(async () => {
    if (Date.now() - lastTick > 2500) {
      lastTick = Date.now();
      await tick().catch(() => {});
    }
    if (process.env.FAULT_VERBOSE) {
      const rows = await prisma.$queryRaw<Array<{ status: string; n: number }>>`SELECT status::text, count(*)::int AS n FROM outbox_email WHERE to_address LIKE ${prefix + "%"} GROUP BY 1`;
      console.log(`[${new Date().toISOString().slice(11, 19)}] received ${distinctRecipients(prefix)} ${rows.map((r) => `${r.status} ${r.n}`).join(" ")}`);
    }
    if (distinctRecipients(prefix) < expected) return false;
    const rows = await sentRows(prefix);
    return rows.total >= expected && rows.sent === rows.total && (await extra());
  }, SETTLE_MS, 250);
  // Anything still on its way (a job re-run after its worker died) arrives now or never.
  await sleep(1500);
  return done;
}

async function count(scenario: string, world: World, started: number, opts: { kills: number; allowSameId: number; people?: number }): Promise<Figures> {
  const expectedPeople = opts.people ?? PEOPLE;
  const people = await prisma.person.findMany({ where: { email: { startsWith: world.prefix } }, select: { email: true } });
  let sent = 0;
  let sameIdDuplicates = 0;
  let otherDuplicates = 0;
  let losses = 0;
  for (const { email } of people) {
    const got = smtp.received.get(email.toLowerCase()) ?? [];
    sent += got.length;
    if (got.length === 0) losses++;
    const ids = new Set(got.map((d) => d.messageId));
    otherDuplicates += ids.size > 1 ? ids.size - 1 : 0;
    sameIdDuplicates += got.length - ids.size;
  }
  const rows = await sentRows(world.prefix);
  const figures: Figures = {
    scenario,
    kills: opts.kills,
    expected: people.length,
    sent,
    sameIdDuplicates,
    otherDuplicates,
    losses,
    assignmentsExpected: null,
    assignmentsFound: null,
    seconds: Math.round((Date.now() - started) / 1000),
    notes: [],
    failures: [],
  };
  if (people.length !== expectedPeople) figures.failures.push(`${people.length} people in the scenario, expected ${expectedPeople}`);
  if (losses > 0) figures.failures.push(`${losses} people got no message`);
  if (otherDuplicates > 0) figures.failures.push(`${otherDuplicates} extra messages with a different Message-ID`);
  if (sameIdDuplicates > opts.allowSameId) figures.failures.push(`${sameIdDuplicates} repeated deliveries, at most ${opts.allowSameId} allowed here`);
  if (rows.notices !== people.length || rows.people !== people.length) figures.failures.push(`${rows.notices} notices for ${rows.people} people in the outbox, expected one each for ${people.length}`);
  if (rows.sent !== rows.total) figures.failures.push(`${rows.total - rows.sent} outbox rows not SENT`);
  if (smtp.countFor(world.prefix) !== sent) figures.failures.push("messages to unknown recipients of this scenario");
  return figures;
}

// ---------------------------------------------------------------- scenarios

/** A cycle opened for PEOPLE people: the worker writes their notices and sends them while `fault` breaks something. */
async function noticeRun(scenario: string, fault: (progress: () => number) => Promise<string[]>, allowSameIdPerKill = MAIL_IN_FLIGHT * WORKERS): Promise<Figures> {
  const world = await createWorld(scenario, 1);
  await createPeople(world, PEOPLE);
  const started = Date.now();
  const [cycleId] = await openCycles(world);
  await enqueueCycleOpened(cycleId!);
  worker.start();
  // The tick runs while the fault happens too, as it does in production: a killed worker's claimed
  // batches come back only through the reconciler, and the fault's later moments wait for them.
  const ticking = setInterval(() => void tick().catch(() => {}), 2500);
  const notes = await fault(() => smtp.countFor(world.prefix) / PEOPLE).finally(() => clearInterval(ticking));
  if (!worker.running) worker.start();
  const settled = await settle(world.prefix, PEOPLE);
  const figures = await count(scenario, world, started, { kills: worker.kills, allowSameId: worker.kills * allowSameIdPerKill });
  figures.notes.push(...notes);
  if (!settled) figures.failures.push(`not settled within ${SETTLE_MS / 1000} s`);
  await closeWorld(world);
  return figures;
}

/** Waits until the share of the scenario's messages sent reaches `fraction`. */
async function reach(progress: () => number, fraction: number, timeoutMs = 120_000): Promise<void> {
  if (!(await until(async () => progress() >= fraction, timeoutMs, 20))) throw new Error(`sending never reached ${Math.round(fraction * 100)}%`);
}

/** 1. The worker is SIGKILLed at random moments while it writes and sends the notices, and started again each time. */
async function killDuringNotices(): Promise<Figures> {
  return noticeRun("kill-notices", async (progress) => {
    const moments = Array.from({ length: 6 }, () => 0.02 + Math.random() * 0.88).sort((a, b) => a - b);
    for (const m of moments) {
      await reach(progress, m);
      if (process.env.FAULT_VERBOSE) console.log(`[${new Date().toISOString().slice(11, 19)}] kill at ${Math.round(progress() * 100)}%`);
      await sleep(Math.random() * 200);
      await worker.kill();
      worker.start();
    }
    return [`killed at ${moments.map((m) => `${Math.round(m * 100)}%`).join(", ")} of the messages sent`];
  });
}

/** 3. Redis is stopped for a few seconds while the notices are sent. */
async function redisStop(): Promise<Figures> {
  return noticeRun(
    "redis-stop",
    async (progress) => {
      await reach(progress, 0.3);
      const at = Math.round(progress() * 100);
      await services("stop-redis");
      await sleep(5000);
      await services("start-redis");
      return [`Redis stopped for 5 s at ${at}% of the messages sent`];
    },
    0,
  );
}

/** 5. The SMTP server goes away for several seconds and comes back on the same port. */
async function smtpDown(): Promise<Figures> {
  return noticeRun(
    "smtp-down",
    async (progress) => {
      await reach(progress, 0.3);
      const at = Math.round(progress() * 100);
      await smtp.stop();
      await sleep(6000);
      await smtp.start();
      return [`SMTP server down for 6 s at ${at}% of the messages sent`];
    },
    0,
  );
}

/** 4. PostgreSQL restarts while the worker sends and the app serves a stream of requests. */
async function pgRestart(): Promise<Figures> {
  let learnerCookie = "";
  app.start();
  const origin = `http://127.0.0.1:${appPort}`;
  if (!(await until(async () => (await fetch(`${origin}/healthz`)).ok, 60_000))) throw new Error(`the app did not start:\n${app.tail()}`);
  const results: Array<{ at: number; ok: boolean; path: string; ms: number }> = [];
  let streaming = true;
  const stream = async (path: string) => {
    while (streaming) {
      const at = Date.now();
      let ok = false;
      try {
        const res = await fetch(`${origin}${path}`, { headers: learnerCookie ? { Cookie: learnerCookie } : {}, signal: AbortSignal.timeout(5000) });
        const body = await res.text();
        ok = res.ok && (path !== "/" || body.includes("2026"));
      } catch {
        ok = false;
      }
      results.push({ at, ok, path, ms: Date.now() - at });
      await sleep(50);
    }
  };
  let loops: Promise<void>[] = [];
  const restart = { from: 0, to: 0 };
  const figures = await noticeRun(
    "pg-restart",
    async (progress) => {
      // A learner of this scenario, signed in: their page reads their assignments from the database.
      const person = await prisma.person.findFirstOrThrow({ where: { email: { startsWith: "pg-restart-" } }, orderBy: { email: "asc" } });
      const user = await prisma.user.create({ data: { email: person.email, displayName: person.name, personId: person.id } });
      learnerCookie = (await createUserSession(user.id, { ipAddress: "127.0.0.1", userAgent: "faults" })).split(";")[0]!;
      loops = [stream("/healthz"), stream("/")];
      await reach(progress, 0.3);
      const at = Math.round(progress() * 100);
      restart.from = Date.now();
      await services("restart-postgres");
      restart.to = Date.now();
      return [`PostgreSQL restarted (fast) at ${at}% of the messages sent, in ${((restart.to - restart.from) / 1000).toFixed(1)} s`];
    },
    0,
  );
  // The app answers again: a few more seconds of requests after the run.
  await sleep(3000);
  streaming = false;
  await Promise.all(loops);
  const failed = results.filter((r) => !r.ok);
  const window = failed.length > 0 ? ((failed[failed.length - 1]!.at - failed[0]!.at) / 1000).toFixed(1) : "0";
  const lastFew = results.slice(-10);
  const during = results.filter((r) => r.at + r.ms >= restart.from && r.at <= restart.to);
  figures.notes.push(
    `requests: ${results.length} (/healthz ${results.filter((r) => r.path === "/healthz").length}, signed-in page ${results.filter((r) => r.path === "/").length}), ` +
      `failed ${failed.length} over ${window} s; ${during.length} were under way during the restart, the slowest took ${Math.max(0, ...during.map((r) => r.ms))} ms`,
  );
  if (results.length < 20) figures.failures.push("too few requests were made");
  if (!lastFew.every((r) => r.ok)) figures.failures.push("the app does not answer again after the restart");
  if (app.crashed) figures.failures.push(`the app died:\n${app.tail()}`);
  await app.stop();
  return figures;
}

/** 2. A personnel file of PEOPLE new hires applied by the worker, killed during the apply and during its follow-up. */
async function killDuringImport(): Promise<Figures> {
  const world = await createWorld("kill-import", 2);
  const started = Date.now();
  const cycleIds = await openCycles(world);
  const officer = await prisma.user.create({ data: { email: `officer-${randomUUID().slice(0, 6)}@faults.example`, displayName: "인사 담당자" } });
  await prisma.roleGrant.create({ data: { userId: officer.id, role: "HR_OFFICER", orgUnitId: world.cityId } });
  const cookie = (await createUserSession(officer.id, { ipAddress: "127.0.0.1", userAgent: "faults" })).split(";")[0]!;
  const actor = await loadActor((await getCurrentSession(new Request(`${env.APP_ORIGIN}/`, { headers: { Cookie: cookie } })))!);

  const lines = ["employee_no,name,email,unit_code,staff_category,grade,job_family"];
  for (let i = 1; i <= IMPORT_PEOPLE; i++) lines.push(`${world.prefix}${i},신규 ${i},${world.prefix}${i}@faults.example,${world.unitCodes[i % world.unitCodes.length]},CIVIL_SERVANT,7,`);
  const csv = lines.join("\r\n") + "\r\n";
  const notes: string[] = [];

  worker.start();
  const { id, queued } = await submitImport(actor, "new-hires.csv", csv, "FULL_ROLL");
  if (!queued) throw new Error("a file this size should go to the worker");
  const status = async () => (await prisma.personnelImport.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;
  if (!(await until(async () => (await status()) === "CHECKED", 60_000, 100))) throw new Error(`the file was not checked: ${await status()}\n${worker.tail()}`);

  // Killed during the apply, in a phase chosen at random.
  const phases = ["staging", "comparing", "applying"];
  const target = phases[Math.floor(Math.random() * phases.length)]!;
  await submitApply(actor, id);
  const reached = await until(async () => {
    const job = await readImportJob("apply", id);
    const phase = (job?.progress as { phase?: string } | undefined)?.phase;
    return job?.state === "active" && phase !== undefined && phases.indexOf(phase) >= phases.indexOf(target);
  }, 60_000, 5);
  await worker.kill();
  notes.push(`apply killed ${reached ? `in its ${target} phase` : "(phase not seen)"}, the file then ${await status()}`);
  worker.start();

  // Killed again once the apply committed and its follow-up (assignments, notices) is owed.
  const owed = async () =>
    (await prisma.pendingWork.findFirst({ where: { subjectId: id, doneAt: null }, select: { id: true } })) !== null && (await status()) === "APPLIED";
  const caught = await until(owed, 90_000, 5);
  await sleep(Math.random() * 150);
  await worker.kill();
  const [partial] = await prisma.$queryRaw<Array<{ assigned: number; notices: number }>>`
    SELECT (SELECT count(*)::int FROM assignment WHERE cycle_id = ANY(${cycleIds}::uuid[])) AS assigned,
           (SELECT count(*)::int FROM outbox_email WHERE to_address LIKE ${world.prefix + "%"}) AS notices`;
  notes.push(caught ? `follow-up killed with ${partial!.assigned} assignments and ${partial!.notices} notices written` : "follow-up not caught owed before the kill");
  worker.start();

  const settled = await settle(world.prefix, IMPORT_PEOPLE, async () => !(await owed()) && (await status()) === "APPLIED");
  const figures = await count("kill-import", world, started, { kills: worker.kills, allowSameId: worker.kills * MAIL_IN_FLIGHT * WORKERS, people: IMPORT_PEOPLE });
  const [assignments] = await prisma.$queryRaw<Array<{ found: number; people_wrong: number }>>`
    WITH per AS (
      SELECT p.id, count(a.id) AS n FROM person p
      LEFT JOIN assignment a ON a.person_id = p.id AND a.cycle_id = ANY(${cycleIds}::uuid[])
      WHERE p.email LIKE ${world.prefix + "%"} GROUP BY p.id
    )
    SELECT (SELECT count(*)::int FROM assignment WHERE cycle_id = ANY(${cycleIds}::uuid[])) AS found,
           count(*) FILTER (WHERE n <> ${cycleIds.length})::int AS people_wrong FROM per`;
  figures.assignmentsExpected = IMPORT_PEOPLE * cycleIds.length;
  figures.assignmentsFound = assignments!.found;
  if (assignments!.found !== figures.assignmentsExpected || assignments!.people_wrong > 0) {
    figures.failures.push(`${assignments!.found} assignments, ${assignments!.people_wrong} people without exactly one per open cycle`);
  }
  const [named] = await prisma.$queryRaw<Array<{ wrong: number }>>`
    SELECT count(*)::int AS wrong FROM outbox_email
    WHERE to_address LIKE ${world.prefix + "%"} AND jsonb_array_length(payload->'assignmentIds') <> ${cycleIds.length}`;
  if (named!.wrong > 0) figures.failures.push(`${named!.wrong} notices do not name both cycles`);
  figures.notes.push(...notes);
  if (!settled) figures.failures.push(`not settled within ${SETTLE_MS / 1000} s`);
  await closeWorld(world);
  return figures;
}

const SCENARIOS: Record<string, () => Promise<Figures>> = {
  "kill-notices": killDuringNotices,
  "kill-import": killDuringImport,
  "redis-stop": redisStop,
  "pg-restart": pgRestart,
  "smtp-down": smtpDown,
};

// ---------------------------------------------------------------- run

const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(SCENARIOS);
for (const name of chosen) if (!SCENARIOS[name]) throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(", ")}`);

const begun = Date.now();
await deployMigrations(DATABASE_URL, { log: () => {} });
await loadContent(readContentTree(join(process.cwd(), "content")));
await smtp.start();
console.log(`Fault tests at ${PRODUCT_TIME} on the product's clock, ${PEOPLE} people per scenario (a personnel file of ${IMPORT_PEOPLE}), ${WORKERS} worker processes`);

const results: Figures[] = [];
for (const name of chosen) {
  worker.kills = 0;
  worker.clearOutput();
  process.stdout.write(`  ${name} … `);
  let figures: Figures;
  try {
    figures = await SCENARIOS[name]!();
  } catch (e) {
    figures = {
      scenario: name, kills: worker.kills, expected: PEOPLE, sent: 0, sameIdDuplicates: 0, otherDuplicates: 0, losses: 0,
      assignmentsExpected: null, assignmentsFound: null, seconds: 0, notes: [], failures: [e instanceof Error ? (e.stack ?? e.message) : String(e)],
    };
  }
  if (worker.crashed) figures.failures.push("the worker died by itself");
  if (figures.failures.length > 0) figures.notes.push(`worker output:\n${worker.tail(30)}`);
  await worker.stop();
  console.log(figures.failures.length === 0 ? `ok (${figures.seconds} s)` : "FAILED");
  results.push(figures);
}

const pad = (v: unknown, n: number) => String(v).padStart(n);
console.log();
console.log(`  ${"scenario".padEnd(13)} ${pad("kills", 5)} ${pad("expected", 8)} ${pad("sent", 6)} ${pad("dup same-id", 11)} ${pad("dup other", 9)} ${pad("lost", 5)} ${pad("assignments exp/found", 21)} ${pad("time", 6)}  result`);
for (const f of results) {
  const assignments = f.assignmentsExpected === null ? "-" : `${f.assignmentsExpected}/${f.assignmentsFound}`;
  console.log(
    `  ${f.scenario.padEnd(13)} ${pad(f.kills, 5)} ${pad(f.expected, 8)} ${pad(f.sent, 6)} ${pad(f.sameIdDuplicates, 11)} ${pad(f.otherDuplicates, 9)} ${pad(f.losses, 5)} ${pad(assignments, 21)} ${pad(`${f.seconds} s`, 6)}  ${f.failures.length === 0 ? "ok" : "FAILED"}`,
  );
}
for (const f of results) {
  for (const note of f.notes) console.log(`  ${f.scenario}: ${note}`);
  for (const failure of f.failures) console.log(`  ${f.scenario}: FAILED: ${failure}`);
}
const failed = results.filter((f) => f.failures.length > 0).length;
console.log();
console.log(`Fault tests: ${results.length - failed} passed, ${failed} failed, in ${Math.round((Date.now() - begun) / 1000)} s`);

await Promise.all([ticks.close(), closeQueues()]).catch(() => {});
tickRedis.disconnect();
await smtp.stop();
await prisma.$disconnect();
process.exit(failed > 0 ? 1 : 0);
