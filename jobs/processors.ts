import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import { z } from "zod";
import { createAssignmentNotices, createOwedNotices, deliverOutboxBatch, queueDeliveries, retryLater } from "~/modules/notifications/outbox.server";
import { pendingDeliveries, runReminderTick, tickOutboxPages } from "~/modules/notifications/reminders.server";
import { inSendWindow, nextSendMoment } from "~/modules/notifications/send-window.server";
import { queueScheduledReports } from "~/modules/reporting/scheduled.server";
import { applyQueuedImport, checkQueuedImport, type ImportProgress, type ImportSummary } from "~/modules/personnel/import.server";
import { applyQueuedChart, checkQueuedChart, type ChartSummary } from "~/modules/org/chart-file.server";
import { prisma } from "~/utils/db.server";
import { carryOutPendingFollowUps } from "~/modules/personnel/follow-up.server";
import { runDueCycleActions } from "~/modules/obligations/cycle-admin.server";
import { writeOfferingReminders } from "~/modules/offerings/registration.server";
import { recordNoShows } from "~/modules/offerings/roll.server";
import { runAppointmentTerms } from "~/modules/lecturers/appointments.server";
import { expireLectureRequests } from "~/modules/lecturers/requests.server";
import { now } from "~/utils/clock.server";
import { purgeExpiredVerifications } from "~/modules/auth/verification.server";
import { purgeThrottleEvents } from "~/modules/auth/throttle.server";
import { applyAccessLogRetention, sealAuditEvents } from "~/modules/audit/chain.server";
import { applyLeaverRetention } from "~/modules/personnel/retention.server";
import { applyApplicationRetention } from "~/modules/lecturers/recruitment.server";

const cyclePayload = z.object({ cycleId: z.string().uuid() });
// A job queued before deliveries were batched carries one row.
const mailPayload = z.union([
  z.object({ outboxIds: z.array(z.string().uuid()).min(1) }),
  z.object({ outboxId: z.string().uuid() }).transform(({ outboxId }) => ({ outboxIds: [outboxId] })),
]);
const importPayload = z.object({ importId: z.string().uuid() });

/** cycles queue: a cycle was opened, notify everyone assigned. */
export async function processCycleJob(job: Job) {
  if (job.name !== "cycle-opened") throw new UnrecoverableError(`unknown job ${job.name}`);
  const parsed = cyclePayload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError("bad cycle-opened payload");
  const ids = await createAssignmentNotices(parsed.data.cycleId);
  await queueDeliveries(ids);
  return { notices: ids.length };
}

/**
 * mail queue: deliver a batch of outbox rows (deliverOutboxBatch). The rows
 * not sent are tried again in jobs of their own, each held back by its claim
 * count; the rest of the batch is done. Outside office hours the rows that
 * can wait are left PENDING and the job waits, under the same id, until the
 * next opening of the send window (the rows sent meanwhile are then found
 * SENT and skipped).
 */
export async function processMailJob(job: Job, token?: string) {
  const parsed = mailPayload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError("bad deliver payload");
  const result = await deliverOutboxBatch(parsed.data.outboxIds);
  const retried = await retryLater(result.failures);
  // Sent but not marked: the retry of this job finds those rows SENDING and leaves them to the reconciler.
  if (result.markError) throw result.markError;
  const outcomes: Record<string, number> = {};
  for (const outcome of result.outcomes.values()) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  if (outcomes.deferred) {
    const at = now();
    await job.moveToDelayed(Date.now() + (nextSendMoment(at).getTime() - at.getTime()), token);
    throw new DelayedError();
  }
  return { outcomes, retried };
}

/**
 * reminders queue: every 15 minutes, carry out the academy's cycle actions
 * scheduled for today or earlier (ADR 022), send due reminders and the day-before reminders of
 * classes (ADR 027) and the no-shows of classes that ended, close lecture requests whose dates
 * passed without a lecturer (ADR 035), finish what applied
 * personnel files still owe (their people's assignments and notices), write
 * notices a lost job never wrote, re-create any lost delivery work, and forget
 * expired links.
 */
export async function processReminderJob(job: Job) {
  if (job.name !== "tick") throw new UnrecoverableError(`unknown job ${job.name}`);
  const at = now();
  // First, so that a cycle opened or extended today is what the reminders see.
  const cycleActions = await runDueCycleActions(at);
  const result = await runReminderTick(at);
  const classReminders = await writeOfferingReminders(at);
  const noShows = await recordNoShows(at);
  // Lecturer appointments: the notice before a term ends, and the end after it (ADR 034).
  const terms = await runAppointmentTerms(at);
  // Lecture requests whose dates passed without a lecturer close, and the requester is told (ADR 035).
  const expired = await expireLectureRequests(at);
  const reports = inSendWindow(at) ? await queueScheduledReports(at) : [];
  const followUps = await carryOutPendingFollowUps();
  const owed = await createOwedNotices();
  const lost = await pendingDeliveries();
  // Links past their time and old request counts are kept no longer than they are needed.
  await Promise.all([purgeExpiredVerifications(), purgeThrottleEvents()]);
  // The audit events written since the last tick join the hash chain; access records past their time go.
  const retained = await applyAccessLogRetention(at);
  const leaversRemoved = await applyLeaverRetention(at);
  const applicationsErased = await applyApplicationRetention(at);
  const sealed = await sealAuditEvents();
  // The tick's digests (a nation's may be 800,000) go page by page, read back from the outbox.
  for await (const page of tickOutboxPages(result)) await queueDeliveries(page);
  await queueDeliveries([...new Set([...classReminders, ...terms.notices, ...expired.mail, ...reports, ...owed, ...lost])]);
  return { ...result, batches: undefined, cycleActions, classReminders: classReminders.length, noShows, appointmentNotices: terms.notices.length, appointmentsEnded: terms.ended, requestsExpired: expired.closed, reports: reports.length, importFollowUps: followUps, owedNotices: owed.length, reconciled: lost.length, sealed, retained, leaversRemoved, applicationsErased };
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
  // A unit file travels the same queue (ADR 024).
  const file = await prisma.personnelImport.findUnique({ where: { id: parsed.data.importId }, select: { kind: true } });
  if (file?.kind === "ORG_CHART") {
    let chart: ChartSummary | null;
    if (job.name === "check") chart = await checkQueuedChart(parsed.data.importId, report);
    else if (job.name === "apply") chart = await applyQueuedChart(parsed.data.importId, report);
    else throw new UnrecoverableError(`unknown job ${job.name}`);
    if (!chart) return { skipped: true };
    const { rows, created, renamed, moved, ended, merged, unchanged, problems } = chart;
    return { rows, created, renamed, moved, ended, merged, unchanged, problems: problems.length };
  }
  let summary: ImportSummary | null;
  if (job.name === "check") summary = await checkQueuedImport(parsed.data.importId, report);
  else if (job.name === "apply") summary = await applyQueuedImport(parsed.data.importId, report);
  else throw new UnrecoverableError(`unknown job ${job.name}`);
  if (!summary) return { skipped: true };
  const { rows, created, moved, updated, unchanged, left, problems } = summary;
  return { rows, created, moved, updated, unchanged, left, problems: problems.length };
}
