/**
 * P4 sending: the outbox delivered by the worker (jobs/worker.ts serving the mail queue, as a
 * child process) to an SMTP sink on loopback, against a bare nodemailer pool sending the same
 * number of messages to the same sink. The outbox rows are assignment notices of people of the
 * bench city (rendered from the database as any notice is) addressed to the sink, written before
 * each run and removed after.
 */
import { spawn, type ChildProcess } from "node:child_process";
import nodemailer from "nodemailer";
import pg from "pg";
import { clockForChild } from "~/utils/clock.server";
import { CountingSmtp } from "../../test/faults/parts";
import { freePortIn } from "./pages";
import { median, type Rate, type Result } from "./measure";

export interface SendingContext {
  url: string;
  annualCycleId: string;
  ci: boolean;
  repeat: number;
  log: (s: string) => void;
}

/** Messages per run: the same at every size, so that sending does not dominate a large bench. */
export const SEND_COUNT = 3000;
export const PREFIX = "bench-send";

/** The worker, serving only the mail queue (no schedules: no tick runs on the bench city). */
export function startMailWorker(env: Record<string, string>, name = "worker"): { stop: () => Promise<void>; output: () => string; child: ChildProcess } {
  // BENCH_WORKER_PROFILE=<dir>: the worker writes a V8 CPU profile there when it stops (node --cpu-prof).
  const profile = process.env.BENCH_WORKER_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_WORKER_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", "jobs/worker.ts"], {
    env: { ...process.env, NODE_ENV: "production", WORKER_QUEUES: "mail", ...clockForChild(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out = (out + d).slice(-4000)));
  child.stderr!.on("data", (d) => (out = (out + d).slice(-4000)));
  return {
    child,
    output: () => `[${name}] ${out.trim().split("\n").slice(-5).join("\n")}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

/**
 * `count` assignment notices to people of the city with open assignments (a small city has fewer
 * than `count`: its people are taken again), addressed to the sink; their ids.
 */
export async function writeNotices(db: pg.Client, run: string, count: number): Promise<string[]> {
  const r = await db.query(
    `WITH open AS (
       SELECT a.id, a.person_id, row_number() OVER (ORDER BY a.id) - 1 AS k FROM assignment a
       JOIN cycle c ON c.id = a.cycle_id AND c.status = 'OPEN'
       WHERE a.status IN ('ASSIGNED', 'IN_PROGRESS') ORDER BY a.id LIMIT $2::int
     ),
     total AS (SELECT count(*) AS total FROM open)
     INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
     SELECT '${PREFIX}:' || $1 || ':' || n, '${PREFIX}-' || $1 || '-' || n || '@sink.test', 'assignment-notice', 'ko',
            jsonb_build_object('personId', o.person_id, 'assignmentIds', jsonb_build_array(o.id))
     FROM generate_series(1, $2::int) n CROSS JOIN total JOIN open o ON o.k = (n - 1) % total.total
     RETURNING id`,
    [run, count],
  );
  return r.rows.map((x) => x.id as string);
}

export async function removeNotices(db: pg.Client): Promise<void> {
  await db.query(`DELETE FROM outbox_email WHERE dedupe_key LIKE '${PREFIX}:%'`);
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function measureSending(ctx: SendingContext): Promise<Result> {
  const count = ctx.ci ? 100 : SEND_COUNT;
  const times = ctx.ci ? 1 : Math.max(2, Math.min(ctx.repeat, 3));
  const result: Result = {
    id: "P4",
    what: `sending ${count.toLocaleString("en")} notices through the worker to an SMTP sink`,
    target: ">= 80% of a bare nodemailer pool's msg/s",
    maxRatio: 1 / 0.8,
    product: [],
    bound: [],
    queries: null,
    agree: null,
    error: null,
    rate: { unit: "msg/s", product: [], bound: [] },
  };
  const { queueDeliveries } = await import("~/modules/notifications/outbox.server");
  const { renderTemplate } = await import("~/modules/notifications/templates.server");
  const { closeQueues } = await import("~/utils/queues.server");
  const db = new pg.Client({ connectionString: ctx.url });
  await db.connect();
  const sink = new CountingSmtp(await freePortIn(1400, 1499));
  await sink.start();
  const smtpUrl = `smtp://127.0.0.1:${sink.port}`;
  const worker = startMailWorker({ SMTP_URL: smtpUrl });
  let runNo = 0;
  const arrived = (run: string) => sink.countFor(`${PREFIX}-${run}-`);
  let exactlyOnce = true;
  const checkOnce = (run: string, n: number) => {
    let addresses = 0;
    for (const [address, list] of sink.received) {
      if (!address.startsWith(`${PREFIX}-${run}-`)) continue;
      addresses++;
      if (list.length !== 1 || new Set(list.map((d) => d.messageId)).size !== 1) exactlyOnce = false;
    }
    if (addresses !== n) exactlyOnce = false;
  };
  /** One product run: notices written (untimed), then queued and delivered; timed until every row is SENT. */
  const product = async (n: number): Promise<Rate> => {
    const run = `p${++runNo}`;
    await removeNotices(db);
    const ids = await writeNotices(db, run, n);
    if (ids.length !== n) throw new Error(`the bench city has no open assignment to announce`);
    const started = performance.now();
    await queueDeliveries(ids);
    await until(() => arrived(run) >= n || worker.child.exitCode !== null, 600_000, `${n} messages from the worker`);
    if (worker.child.exitCode !== null) throw new Error(`the worker exited: ${worker.output()}`);
    await until(
      async () => Number((await db.query(`SELECT count(*) FROM outbox_email WHERE dedupe_key LIKE '${PREFIX}:${run}:%' AND status = 'SENT'`)).rows[0].count) >= n,
      120_000,
      "the rows marked SENT",
    );
    const seconds = (performance.now() - started) / 1000;
    checkOnce(run, n);
    return { perSecond: n / seconds, count: n };
  };
  try {
    // The same message the product sends, rendered once; the bound only sends it.
    const oneNotice = (
      await db.query(
        `SELECT jsonb_build_object('personId', a.person_id, 'assignmentIds', jsonb_build_array(a.id)) AS payload FROM assignment a
         JOIN cycle c ON c.id = a.cycle_id AND c.status = 'OPEN' WHERE a.status IN ('ASSIGNED', 'IN_PROGRESS') ORDER BY a.id LIMIT 1`,
      )
    ).rows[0];
    const rendered = await renderTemplate("assignment-notice", "ko", oneNotice?.payload);
    if (!rendered) throw new Error("no notice to render");
    const bound = async (n: number): Promise<Rate> => {
      const run = `b${++runNo}`;
      const pool = nodemailer.createTransport({ host: "127.0.0.1", port: sink.port, secure: false, ignoreTLS: true, pool: true });
      try {
        const started = performance.now();
        await Promise.all(
          Array.from({ length: n }, (_, i) =>
            pool.sendMail({ from: process.env.MAIL_FROM, to: `${PREFIX}-${run}-${i + 1}@sink.test`, ...rendered, messageId: `<${run}-${i + 1}@bench.test>` }),
          ),
        );
        await until(() => arrived(run) >= n, 60_000, "the bound's messages");
        return { perSecond: n / ((performance.now() - started) / 1000), count: n };
      } finally {
        pool.close();
      }
    };
    // Warm-up, not counted: the worker connects to PostgreSQL, Redis and the sink.
    await product(Math.min(50, count));
    await bound(Math.min(50, count));
    for (let t = 0; t < times; t++) {
      result.rate!.product.push(await product(count));
      result.rate!.bound.push(await bound(count));
    }
    result.agree = exactlyOnce;
    const share = (100 * median(result.rate!.product.map((x) => x.perSecond))) / median(result.rate!.bound.map((x) => x.perSecond));
    result.note = `${share.toFixed(0)}% of the pool's msg/s; every message arrived once`;
    if (!exactlyOnce) result.note = `${share.toFixed(0)}% of the pool's msg/s; some message did not arrive exactly once`;
    ctx.log(`  P4 sending: ${result.rate!.product.map((r) => r.perSecond.toFixed(0)).join(", ")} msg/s against the pool's ${result.rate!.bound.map((r) => r.perSecond.toFixed(0)).join(", ")}`);
  } catch (e) {
    result.error = e instanceof Error ? e.message : String(e);
    ctx.log(`  P4 sending: ERROR ${result.error}`);
  } finally {
    await worker.stop();
    await removeNotices(db).catch(() => {});
    await db.end();
    await sink.stop();
    await closeQueues();
  }
  return result;
}
