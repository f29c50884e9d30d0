/**
 * npm run bench:scale-out: more than one machine, shown on one (ADR 012).
 *
 * Two web processes and two worker processes against the same PostgreSQL and Redis: a learner
 * signs in on the first web process and uses the session on the second (and signing out on the
 * second ends it on the first: no state in a process's memory); a batch of notices is queued
 * and the two workers deliver it to an SMTP sink, which must receive every message exactly once,
 * under the Message-ID of its outbox row. Prints a short result; exits non-zero on a failure.
 * What it creates in the bench database is removed afterwards.
 */
import { hostname } from "node:os";
import pg from "pg";
import { CountingSmtp } from "../../test/faults/parts";
import { request } from "./load";
import { LEARNER_EMAIL, createActors, ensureBuild, freePortIn, removeActors, signIn, startWebServer } from "./pages";
import { PREFIX, removeNotices, startMailWorker, writeNotices } from "./sending";

export interface ScaleOutContext {
  url: string;
  annualCycleId: string;
  cityUnitId: string;
  log: (s: string) => void;
}

/** Notices in the batch. */
const BATCH = 1000;

export async function scaleOut(ctx: ScaleOutContext): Promise<string[]> {
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    ctx.log(`  ${ok ? "ok  " : "FAIL"} ${what}`);
    if (!ok) failures.push(what);
  };
  const db = new pg.Client({ connectionString: ctx.url });
  await db.connect();
  const sink = new CountingSmtp(await freePortIn(1400, 1499));
  await sink.start();
  const smtp = { SMTP_URL: `smtp://127.0.0.1:${sink.port}` };
  const stops: Array<() => Promise<void>> = [];
  try {
    ensureBuild(ctx.log);
    const actors = await createActors(db, { url: ctx.url, annualCycleId: ctx.annualCycleId, cityUnitId: ctx.cityUnitId, ci: false, repeat: 1, log: ctx.log });
    const portA = await freePortIn(3400, 3499);
    const webA = await startWebServer(portA, smtp);
    stops.push(webA.stop);
    const webB = await startWebServer(await freePortIn(portA + 1, 3499), smtp);
    stops.push(webB.stop);
    const workers = [startMailWorker(smtp, "worker 1"), startMailWorker(smtp, "worker 2")];
    for (const w of workers) stops.push(w.stop);
    ctx.log(`Two web processes (${webA.origin}, ${webB.origin}), two workers, one PostgreSQL, one Redis, an SMTP sink on port ${sink.port}.`);

    // A session opened on one web process is a row in the database: the other reads it.
    const jar = await signIn(webA.origin, LEARNER_EMAIL, actors.password);
    const cookie = `hre_session=${jar.get("hre_session")}`;
    const home = await request(`${webB.origin}/`, { headers: { Cookie: cookie } });
    check(home.status === 200 && home.body.includes("부하 측정 학습자"), `signed in on web 1, the learner's home on web 2 (${home.status})`);
    const lesson = await request(`${webB.origin}/learn/${actors.assignmentId}/lessons/${actors.lessonSlug}`, { headers: { Cookie: cookie } });
    check(lesson.status === 200, `a lesson on web 2 with the session of web 1 (${lesson.status})`);
    const out = await request(`${webB.origin}/logout`, { headers: { Cookie: cookie }, form: {} });
    const after = await request(`${webA.origin}/`, { headers: { Cookie: cookie } });
    const signedOut = after.status >= 300 ? (after.headers.location ?? "").startsWith("/login") : !after.body.includes("부하 측정 학습자");
    check((out.status === 302 || out.status === 303) && signedOut, `signed out on web 2, the session is gone on web 1 too (${out.status}, then ${after.status} without the learner)`);

    // A batch of notices, queued once, delivered by whichever worker takes each job.
    await removeNotices(db);
    const ids = await writeNotices(db, "scale", BATCH);
    const { queueDeliveries } = await import("~/modules/notifications/outbox.server");
    const started = Date.now();
    await queueDeliveries(ids);
    const deadline = Date.now() + 180_000;
    const sentRows = async () => Number((await db.query(`SELECT count(*) FROM outbox_email WHERE dedupe_key LIKE '${PREFIX}:scale:%' AND status = 'SENT'`)).rows[0].count);
    while ((sink.countFor(`${PREFIX}-scale-`) < ids.length || (await sentRows()) < ids.length) && Date.now() < deadline) {
      if (workers.some((w) => w.child.exitCode !== null)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (Date.now() - started) / 1000;
    // Anything sent twice would arrive within moments of the rest.
    await new Promise((r) => setTimeout(r, 2000));
    const domain = new URL(process.env.APP_ORIGIN ?? `http://${hostname()}`).hostname;
    const expected = new Map(
      (await db.query(`SELECT id, to_address FROM outbox_email WHERE dedupe_key LIKE '${PREFIX}:scale:%'`)).rows.map((r) => [String(r.to_address).toLowerCase(), `<${r.id}@${domain}>`]),
    );
    let once = 0;
    let twice = 0;
    let wrongId = 0;
    for (const [address, id] of expected) {
      const got = sink.received.get(address) ?? [];
      if (got.length === 1) once++;
      if (got.length > 1) twice++;
      if (got.some((d) => d.messageId !== id)) wrongId++;
    }
    const stray = [...sink.received.keys()].filter((a) => a.startsWith(`${PREFIX}-scale-`) && !expected.has(a)).length;
    const sent = await sentRows();
    ctx.log(`  ${ids.length} notices queued; ${sink.countFor(`${PREFIX}-scale-`)} messages arrived in ${seconds.toFixed(1)} s; ${sent} rows SENT`);
    check(once === ids.length, `every message arrived (${once} of ${ids.length} exactly once)`);
    check(twice === 0, `no message arrived twice (${twice})`);
    check(wrongId === 0 && stray === 0, `each under the Message-ID of its outbox row (${wrongId} other, ${stray} unknown)`);
    check(sent === ids.length, `every row marked SENT (${sent})`);
    check(
      workers.every((w) => w.child.exitCode === null),
      `both workers still running${workers.some((w) => w.child.exitCode !== null) ? `: ${workers.map((w) => w.output()).join("\n")}` : ""}`,
    );
  } catch (e) {
    failures.push(e instanceof Error ? e.message : String(e));
    ctx.log(`  FAIL ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await Promise.all(stops.map((s) => s()));
    await removeNotices(db).catch(() => {});
    await removeActors(db).catch(() => {});
    await db.end();
    await sink.stop();
    const { closeQueues } = await import("~/utils/queues.server");
    await closeQueues();
  }
  return failures;
}
