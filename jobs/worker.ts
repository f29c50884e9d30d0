import { Worker, type Processor } from "bullmq";
import { getEnv } from "~/utils/env.server";
import { newWorkerConnection, quietErrors } from "~/utils/redis.server";
import { QUEUES, closeQueues, declareSchedules } from "~/utils/queues.server";
import { closeMailTransport } from "~/utils/mail.server";
import { prisma } from "~/utils/db.server";
import { processCycleJob, processImportJob, processMailJob, processReminderJob } from "./processors";
import { MAIL_JOBS } from "./concurrency";

type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

const PROCESSORS: Array<{ queue: QueueName; processor: Processor; concurrency: number }> = [
  { queue: QUEUES.cycles, processor: processCycleJob, concurrency: 1 },
  // Each job delivers a batch of rows; a few at once keep the mail pool's connections busy while
  // another batch is claimed and rendered. A row is claimed before it is sent, so concurrency never sends one twice.
  { queue: QUEUES.mail, processor: processMailJob, concurrency: MAIL_JOBS },
  { queue: QUEUES.reminders, processor: processReminderJob, concurrency: 1 },
  // One personnel file at a time: each holds one large transaction over the roll.
  { queue: QUEUES.imports, processor: processImportJob, concurrency: 1 },
];

/**
 * Start one worker per queue, or only for the queues named. Returns a function
 * that closes them gracefully.
 */
export function startWorkers(only?: QueueName[]): () => Promise<void> {
  getEnv();
  const workers = PROCESSORS.filter((p) => !only || only.includes(p.queue)).map(
    (p) => new Worker(p.queue, p.processor, { connection: newWorkerConnection(), concurrency: p.concurrency }),
  );
  if (!only || only.includes(QUEUES.reminders)) {
    declareSchedules().catch((e: Error) => console.warn(`[worker] could not declare schedules: ${e.message}`));
  }
  for (const w of workers) {
    w.on("failed", (job, err) => console.warn(`[worker] ${w.name} job ${job?.id} failed: ${err.message}`));
    // Connection errors are reported once per change by the connection itself (redis.server.ts).
    quietErrors(w, `worker ${w.name}`);
  }
  return async () => {
    await Promise.all(workers.map((w) => w.close()));
    await closeQueues();
    closeMailTransport();
  };
}

/**
 * WORKER_QUEUES names the queues this process serves (comma-separated; all when unset), so that a
 * deployment can run, say, more processes for mail than for imports. Only a process serving the
 * reminders queue declares the schedules.
 */
function queuesFromEnv(): QueueName[] | undefined {
  const names = process.env.WORKER_QUEUES?.split(",").map((s) => s.trim()).filter(Boolean);
  if (!names || names.length === 0) return undefined;
  const known = Object.values(QUEUES) as string[];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`WORKER_QUEUES names unknown queues: ${unknown.join(", ")} (known: ${known.join(", ")})`);
  return names as QueueName[];
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const only = queuesFromEnv();
  const stop = startWorkers(only);
  console.log(`Worker started: queues ${(only ?? Object.values(QUEUES)).join(", ")}`);
  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, async () => {
      if (stopping) return;
      stopping = true;
      console.log(`Worker received ${signal}: finishing current jobs`);
      await stop();
      await prisma.$disconnect();
      process.exit(0);
    });
  }
}
