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

/** However long a city's follow-up takes, the hold on its intent ends after this; only a stuck one gets near it. */
const HOLD = { timeout: 10 * 60_000, maxWait: 30_000 };

/**
 * The steps, each atomic and repeatable by itself, none inside a long
 * transaction: one statement assigns every open cycle's audience (someone owed
 * two cycles gets both at the same moment), one writes a notice per person in
 * the file's units, and the notices go to the mail queue. `keep` records the
 * notices' ids with the intent before they are queued.
 */
async function steps(importId: string, queued: string[], keep: (ids: string[]) => Promise<unknown>): Promise<FollowUpResult> {
  const saved = await prisma.personnelImport.findUnique({ where: { id: importId }, select: { actorUserId: true, status: true, scopeUnitIds: true } });
  if (saved?.status !== "APPLIED") return { assigned: {}, notices: 0 };
  const open = await prisma.cycle.findMany({ where: { status: "OPEN" }, select: { id: true } });
  const assigned = await assignAudiences(
    open.map((c) => c.id),
    now(),
  );
  if (Object.values(assigned).some((n) => n > 0)) {
    await recordAudit({ actorUserId: saved.actorUserId, action: "personnel.import.assign", entityType: "personnel_import", entityId: importId, data: { assigned } });
  }
  // The file could only touch its uploader's units, so its people are all there.
  const notices = await createNoticesInUnits(saved.scopeUnitIds);
  const all = [...new Set([...queued, ...notices])];
  if (notices.length > 0) await keep(all);
  await queueDeliveries(all);
  return { assigned, notices: notices.length };
}

/**
 * Carry out one intent. Its row is held (FOR UPDATE) by a transaction of its
 * own while the steps run on other connections: a second runner (the tick, a
 * re-delivered job) skips it meanwhile, and a process that dies lets go of it
 * with its connection. Marked done only when every step has finished; a step
 * that fails leaves it owed, with the reason. Null if there was nothing to do.
 */
async function carryOut(workId: string): Promise<FollowUpResult | null> {
  let failure: unknown = null;
  const result = await prisma.$transaction(async (tx) => {
    const [work] = await tx.$queryRaw<Array<{ subject_id: string; outbox_ids: string[] }>>`
      SELECT subject_id::text, outbox_ids::text[] FROM pending_work WHERE id = ${workId}::uuid AND done_at IS NULL FOR UPDATE SKIP LOCKED`;
    if (!work) return null;
    try {
      const done = await steps(work.subject_id, work.outbox_ids, (ids) => tx.$executeRaw`UPDATE pending_work SET outbox_ids = ${ids}::uuid[] WHERE id = ${workId}::uuid`);
      await tx.$executeRaw`
        UPDATE pending_work SET done_at = now(), outbox_ids = '{}', attempts = attempts + 1, last_error = NULL WHERE id = ${workId}::uuid`;
      return done;
    } catch (e) {
      failure = e;
      const reason = (e instanceof Error ? e.message : String(e)).slice(0, 1000);
      await tx.$executeRaw`UPDATE pending_work SET attempts = attempts + 1, last_error = ${reason} WHERE id = ${workId}::uuid`;
      return null;
    }
  }, HOLD);
  if (failure) throw failure;
  return result;
}

/** Carry out an import's follow-up if it is still owed and nobody else is on it; null if there was nothing to do. */
export async function carryOutImportFollowUp(importId: string): Promise<FollowUpResult | null> {
  const work = await prisma.pendingWork.findUnique({
    where: { kind_subjectId: { kind: IMPORT_FOLLOW_UP, subjectId: importId } },
    select: { id: true, doneAt: true },
  });
  if (!work || work.doneAt) return null;
  return carryOut(work.id);
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
    select: { id: true, subjectId: true },
    orderBy: { createdAt: "asc" },
    take: 100,
  });
  let done = 0;
  let failed = 0;
  for (const work of pending) {
    try {
      if (await carryOut(work.id)) done++;
    } catch (e) {
      failed++;
      console.warn(`[import] follow-up of ${work.subjectId} failed again: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { done, failed };
}
