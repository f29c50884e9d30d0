import { prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { assignAudiences } from "~/modules/obligations/cycles.server";
import { createNoticesInUnits, queueDeliveries } from "~/modules/notifications/outbox.server";
import { now } from "~/utils/clock.server";

/**
 * What an applied personnel file still owes once its transaction commits
 * (ADR 016): the people it added, moved or brought back are assigned to every
 * open cycle of their audience, each of them gets one notice naming everything
 * they were assigned, and the notices are handed to the mail queue.
 *
 * The apply transaction records the intent (`recordImportFollowUp`), so it
 * commits with the change or not at all. It is carried out right after the
 * commit (in the request for a small file, in the import job for a large one),
 * by a re-delivered import job, and otherwise by the worker's tick. Every step
 * is repeatable: assignments are ON CONFLICT DO NOTHING, notices mark the
 * assignments they announce and have dedupe keys. The intent is marked done
 * only when every step has finished.
 */
export const IMPORT_FOLLOW_UP = "import-follow-up";

type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

/** In the apply transaction: from its commit on, the file's follow-up is owed. */
export async function recordImportFollowUp(tx: Tx, importId: string) {
  await tx.$executeRaw`
    INSERT INTO pending_work (kind, subject_id) VALUES (${IMPORT_FOLLOW_UP}, ${importId}::uuid)
    ON CONFLICT (kind, subject_id) DO NOTHING`;
}

export interface FollowUpResult {
  /** Assignments created, per cycle. */
  assigned: Record<string, number>;
  /** Notices written by this run. */
  notices: number;
}

type Work = { id: string; subjectId: string; outboxIds: string[] };

async function carryOut(work: Work): Promise<FollowUpResult> {
  try {
    const saved = await prisma.personnelImport.findUnique({
      where: { id: work.subjectId },
      select: { actorUserId: true, status: true, scopeUnitIds: true },
    });
    let result: FollowUpResult = { assigned: {}, notices: 0 };
    if (saved?.status === "APPLIED") {
      // One statement for every open cycle: someone owed two cycles gets both at the same moment.
      const open = await prisma.cycle.findMany({ where: { status: "OPEN" }, select: { id: true } });
      const assigned = await assignAudiences(
        open.map((c) => c.id),
        now(),
      );
      if (Object.values(assigned).some((n) => n > 0)) {
        await recordAudit({ actorUserId: saved.actorUserId, action: "personnel.import.assign", entityType: "personnel_import", entityId: work.subjectId, data: { assigned } });
      }
      // The file could only touch its uploader's units, so its people are all there.
      const notices = await createNoticesInUnits(saved.scopeUnitIds);
      if (notices.length > 0) {
        // Kept until they are queued: if the mail queue cannot be reached, the next attempt queues them.
        await prisma.$executeRaw`
          UPDATE pending_work SET outbox_ids = ARRAY(SELECT DISTINCT unnest(outbox_ids || ${notices}::uuid[])) WHERE id = ${work.id}::uuid`;
      }
      await queueDeliveries([...new Set([...work.outboxIds, ...notices])]);
      result = { assigned, notices: notices.length };
    }
    await prisma.$executeRaw`
      UPDATE pending_work SET done_at = now(), outbox_ids = '{}', attempts = attempts + 1, last_error = NULL
      WHERE id = ${work.id}::uuid AND done_at IS NULL`;
    return result;
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).slice(0, 1000);
    await prisma.$executeRaw`UPDATE pending_work SET attempts = attempts + 1, last_error = ${reason} WHERE id = ${work.id}::uuid`.catch(() => undefined);
    throw e;
  }
}

/** Carry out an import's follow-up if it is still owed; null if there is nothing to do. */
export async function carryOutImportFollowUp(importId: string): Promise<FollowUpResult | null> {
  const work = await prisma.pendingWork.findUnique({
    where: { kind_subjectId: { kind: IMPORT_FOLLOW_UP, subjectId: importId } },
    select: { id: true, subjectId: true, outboxIds: true, doneAt: true },
  });
  if (!work || work.doneAt) return null;
  return carryOut(work);
}

/**
 * Right after the commit: try now, and if it cannot finish (the database timed
 * out, Redis is away), leave it owed for the tick. The file itself is applied
 * either way.
 */
export async function followUpAfterCommit(importId: string): Promise<FollowUpResult | null> {
  try {
    return await carryOutImportFollowUp(importId);
  } catch (e) {
    console.warn(`[import] follow-up of ${importId} left for the tick: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

/**
 * The tick's part: every follow-up still owed (a process died after the
 * commit, the follow-up failed or timed out, Redis was away), oldest first, or
 * only those of the given imports. One that fails stays owed for the next tick.
 */
export async function carryOutPendingFollowUps(onlyImportIds: string[] = []): Promise<{ done: number; failed: number }> {
  const pending = await prisma.pendingWork.findMany({
    where: { kind: IMPORT_FOLLOW_UP, doneAt: null, ...(onlyImportIds.length > 0 ? { subjectId: { in: onlyImportIds } } : {}) },
    select: { id: true, subjectId: true, outboxIds: true },
    orderBy: { createdAt: "asc" },
    take: 100,
  });
  let done = 0;
  let failed = 0;
  for (const work of pending) {
    try {
      await carryOut(work);
      done++;
    } catch (e) {
      failed++;
      console.warn(`[import] follow-up of ${work.subjectId} failed again: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { done, failed };
}
