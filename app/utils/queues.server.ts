import { createHash } from "node:crypto";
import { Queue } from "bullmq";
import { MAIL_BATCH } from "~/modules/notifications/delivery-limits";
import { closeProducer, quietErrors, readyProducer } from "./redis.server";

/**
 * Queue names and their payloads. Payloads carry ids only, never personal data.
 */
export const QUEUES = {
  cycles: "cycles",
  mail: "mail",
  reminders: "reminders",
  imports: "imports",
} as const;

export type CyclesJob = { name: "cycle-opened"; data: { cycleId: string } };
/** Up to MAIL_BATCH outbox rows delivered together (a job queued before batches carried `outboxId`, one row). */
export type MailJob = { name: "deliver"; data: { outboxIds: string[] } };
/** One delivery of an outbox row: `attempt` is how many times the row had been claimed when it was queued. */
export type MailDelivery = { outboxId: string; attempt: number };
export type ImportJobKind = "check" | "apply";
export type ImportsJob = { name: ImportJobKind; data: { importId: string } };

const queues = new Map<string, Queue>();

async function queue(name: string): Promise<Queue> {
  const existing = queues.get(name);
  if (existing) return existing;
  const q = new Queue(name, {
    connection: await readyProducer(),
    defaultJobOptions: {
      attempts: 8,
      backoff: { type: "exponential", delay: 2000 },
      removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  });
  quietErrors(q, `queue ${name}`);
  queues.set(name, q);
  return q;
}

/** Job ids are built from business keys so that a repeated request is one job. */
export async function enqueueCycleOpened(cycleId: string, occasion = "open") {
  const q = await queue(QUEUES.cycles);
  // Notices are deduplicated per assignment in the outbox; the occasion only lets a later run happen.
  await q.add("cycle-opened", { cycleId }, { jobId: `cycle-opened_${cycleId}_${occasion}` });
}

/**
 * Delivery work: the rows in jobs of up to MAIL_BATCH, in the order given.
 * A job's id is made of its rows and their claim counts: the same deliveries
 * queued twice are one job, while a row handed back by the reconciler after a
 * worker died, or put back after a failed attempt, makes a new job instead of
 * colliding with the finished one BullMQ keeps. `delayMs` holds the jobs back
 * (a retry's backoff).
 */
export async function enqueueMailDelivery(deliveries: MailDelivery[], delayMs = 0) {
  if (deliveries.length === 0) return;
  const q = await queue(QUEUES.mail);
  const jobs = [];
  for (let at = 0; at < deliveries.length; at += MAIL_BATCH) {
    const batch = deliveries.slice(at, at + MAIL_BATCH);
    jobs.push({ name: "deliver", data: { outboxIds: batch.map((d) => d.outboxId) }, opts: { jobId: mailJobId(batch), ...(delayMs > 0 ? { delay: delayMs } : {}) } });
  }
  await q.addBulk(jobs);
}

/** The id of the job delivering these rows at these claim counts, whatever their order. */
export function mailJobId(batch: MailDelivery[]): string {
  const key = batch.map(({ outboxId, attempt }) => `${outboxId}_${attempt}`).sort().join(",");
  return `deliver_${batch.length}_${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
}

/** One job per personnel file and step, so the page can find it again to show its progress. */
function importJobId(kind: ImportJobKind, importId: string) {
  return `import-${kind}_${importId}`;
}

/**
 * Queue checking or applying a large personnel file. Not retried: the job
 * itself records why it failed on the import, and the officer decides whether
 * to try again. Applying again after a failure replaces the finished job.
 */
export async function enqueueImport(kind: ImportJobKind, importId: string) {
  const q = await queue(QUEUES.imports);
  const jobId = importJobId(kind, importId);
  const previous = await q.getJob(jobId);
  if (previous && ((await previous.isFailed()) || (await previous.isCompleted()))) await previous.remove();
  await q.add(kind, { importId }, { jobId, attempts: 1 });
}

/** Where the job of a personnel file stands and the progress it last reported; null if there is no such job. */
export async function readImportJob(kind: ImportJobKind, importId: string): Promise<{ state: string; progress: unknown } | null> {
  const q = await queue(QUEUES.imports);
  const job = await q.getJob(importJobId(kind, importId));
  if (!job) return null;
  return { state: await job.getState(), progress: job.progress };
}

/**
 * Recurring work, declared idempotently at worker start (safe across deploys
 * and several workers), in Seoul time.
 */
export async function declareSchedules() {
  const q = await queue(QUEUES.reminders);
  await q.upsertJobScheduler("reminders-tick", { pattern: "*/15 * * * *", tz: "Asia/Seoul" }, { name: "tick" });
}

export async function closeQueues() {
  await Promise.all([...queues.values()].map((q) => q.close()));
  queues.clear();
  await closeProducer();
}
