import { Worker } from "bullmq";
import { getEnv } from "~/utils/env.server";
import { newWorkerConnection } from "~/utils/redis.server";
import { QUEUES, closeQueues, declareSchedules } from "~/utils/queues.server";
import { closeMailTransport } from "~/utils/mail.server";
import { prisma } from "~/utils/db.server";
import { processCycleJob, processMailJob, processReminderJob } from "./processors";

/** Start one worker per queue. Returns a function that closes them gracefully. */
export function startWorkers(): () => Promise<void> {
  getEnv();
  const workers = [
    new Worker(QUEUES.cycles, processCycleJob, { connection: newWorkerConnection(), concurrency: 1 }),
    new Worker(QUEUES.mail, processMailJob, { connection: newWorkerConnection(), concurrency: 4 }),
    new Worker(QUEUES.reminders, processReminderJob, { connection: newWorkerConnection(), concurrency: 1 }),
  ];
  declareSchedules().catch((e: Error) => console.warn(`[worker] could not declare schedules: ${e.message}`));
  for (const w of workers) {
    w.on("failed", (job, err) => console.warn(`[worker] ${w.name} job ${job?.id} failed: ${err.message}`));
  }
  return async () => {
    await Promise.all(workers.map((w) => w.close()));
    await closeQueues();
    closeMailTransport();
  };
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const stop = startWorkers();
  console.log(`Worker started: queues ${Object.values(QUEUES).join(", ")}`);
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
