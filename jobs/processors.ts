import { UnrecoverableError, type Job } from "bullmq";
import { z } from "zod";
import { createAssignmentNotices, deliverOutbox } from "~/modules/notifications/outbox.server";
import { inSendWindow, pendingDeliveries, runReminderTick } from "~/modules/notifications/reminders.server";
import { queueScheduledReports } from "~/modules/reporting/scheduled.server";
import { applyQueuedImport, checkQueuedImport, type ImportProgress, type ImportSummary } from "~/modules/personnel/import.server";
import { enqueueMailDelivery } from "~/utils/queues.server";
import { purgeExpiredVerifications } from "~/modules/auth/verification.server";
import { purgeThrottleEvents } from "~/modules/auth/throttle.server";

const cyclePayload = z.object({ cycleId: z.string().uuid() });
const mailPayload = z.object({ outboxId: z.string().uuid() });
const importPayload = z.object({ importId: z.string().uuid() });

/** cycles queue: a cycle was opened, notify everyone assigned. */
export async function processCycleJob(job: Job) {
  if (job.name !== "cycle-opened") throw new UnrecoverableError(`unknown job ${job.name}`);
  const parsed = cyclePayload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError("bad cycle-opened payload");
  const ids = await createAssignmentNotices(parsed.data.cycleId);
  await enqueueMailDelivery(ids);
  return { notices: ids.length };
}

/** mail queue: deliver one outbox row. */
export async function processMailJob(job: Job) {
  const parsed = mailPayload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError("bad deliver payload");
  return { outcome: await deliverOutbox(parsed.data.outboxId) };
}

/** reminders queue: every 15 minutes, send due reminders, re-create any lost delivery work, forget expired links. */
export async function processReminderJob(job: Job) {
  if (job.name !== "tick") throw new UnrecoverableError(`unknown job ${job.name}`);
  const now = new Date();
  const result = await runReminderTick(now);
  const reports = inSendWindow(now) ? await queueScheduledReports(now) : [];
  const lost = await pendingDeliveries();
  // Links past their time and old request counts are kept no longer than they are needed.
  await Promise.all([purgeExpiredVerifications(), purgeThrottleEvents()]);
  await enqueueMailDelivery([...new Set([...result.outboxIds, ...reports, ...lost])]);
  return { ...result, outboxIds: undefined, reports: reports.length, reconciled: lost.length };
}

/**
 * imports queue: check or apply a large personnel file. Progress goes to the
 * job, where the officer's page reads it (the import's own row is locked by the
 * applying transaction). The result keeps counts only: no names, no numbers.
 */
export async function processImportJob(job: Job) {
  const parsed = importPayload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError("bad import payload");
  const report = (progress: ImportProgress) => job.updateProgress(progress);
  let summary: ImportSummary | null;
  if (job.name === "check") summary = await checkQueuedImport(parsed.data.importId, report);
  else if (job.name === "apply") summary = await applyQueuedImport(parsed.data.importId, report);
  else throw new UnrecoverableError(`unknown job ${job.name}`);
  if (!summary) return { skipped: true };
  const { rows, created, moved, updated, unchanged, left, problems } = summary;
  return { rows, created, moved, updated, unchanged, left, problems: problems.length };
}
