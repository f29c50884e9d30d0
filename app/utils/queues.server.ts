import { Queue } from "bullmq";
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
export type MailJob = { name: "deliver"; data: { outboxId: string } };
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
 * The job id names the row and its claim count: the same delivery queued twice
 * is one job, while a row handed back by the reconciler after a worker died
 * gets a new job instead of colliding with the finished one BullMQ keeps.
 */
export async function enqueueMailDelivery(deliveries: MailDelivery[]) {
  if (deliveries.length === 0) return;
  const q = await queue(QUEUES.mail);
  await q.addBulk(
    deliveries.map(({ outboxId, attempt }) => ({ name: "deliver", data: { outboxId }, opts: { jobId: `deliver_${outboxId}_${attempt}` } })),
  );
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
