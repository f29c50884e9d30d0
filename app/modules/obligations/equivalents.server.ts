import { prisma } from "~/utils/db.server";
import { plainText } from "~/utils/text";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions.server";
import {
  checkEvidence,
  EVIDENCE_EXTENSIONS,
  MAX_EVIDENCE_BYTES,
  storeEvidence,
  type EvidenceUpload,
} from "~/modules/attendance/sessions.server";
import { isDateKey, seoulDateKey } from "~/utils/i18n";
import { now } from "~/utils/clock.server";
import { getAssignmentForOfficer } from "./exemptions.server";

/**
 * Why an equivalent course could not be recognised or withdrawn. `field` names
 * the form field ("assignment" for the state of the record itself); `params`
 * fill the message. Nothing is written when one is thrown.
 */
export class EquivalentInputError extends Error {
  constructor(
    public field: "courseName" | "provider" | "completedOn" | "hours" | "evidence" | "reason" | "assignment",
    public code: string,
    public params: Record<string, string | number> = {},
  ) {
    super(`${field}: ${code}`);
  }
}

export interface EquivalentInput {
  courseName: string;
  provider: string;
  /** YYYY-MM-DD, the day on the certificate of completion. */
  completedOn: string;
  /** As typed: hours, in steps of half an hour. */
  hours: string;
  reason: string;
  evidence: EvidenceUpload | null;
}

/** Hours as typed ("2", "1.5", "1,5") to whole minutes; null unless 0.5 to 100 in steps of half an hour. */
export function parseHours(text: string): number | null {
  const t = text.trim().replace(",", ".");
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(t)) return null;
  const minutes = Math.round(Number(t) * 60);
  if (minutes < 30 || minutes > 100 * 60 || minutes % 30 !== 0) return null;
  return minutes;
}

function between(text: string, min: number, max: number) {
  const v = plainText(text);
  return v.length >= min && v.length <= max ? v : null;
}

/** The recognised equivalent course of an assignment, when one is in force. */
export async function equivalentInForce(assignmentId: string) {
  return prisma.equivalentTraining.findFirst({
    where: { assignmentId, withdrawnAt: null },
    select: { id: true, courseName: true, provider: true, completedOn: true, minutes: true, reason: true, createdAt: true },
  });
}

/**
 * Recognise a course a person completed elsewhere as meeting one assignment of
 * the officer's units (scope checked in the query). Everything is checked
 * before anything is written: the fields, the certificate of completion (type
 * by content, size), the completion date (within the cycle, not ahead of
 * today), the cycle (not closed) and the assignment (still owed). Then, in one
 * transaction: the file, the recognition, the assignment completed with mode
 * EQUIVALENT as of the completion date (18:00 Seoul, or now if that is still
 * ahead), and the audit event with who and why.
 */
export async function recordEquivalent(actor: Actor, assignmentId: string, input: EquivalentInput) {
  const found = await getAssignmentForOfficer(actor, assignmentId);
  if (!found) return null;
  const { assignment } = found;
  const cycle = assignment.cycle!;

  const courseName = between(input.courseName, 2, 200);
  if (!courseName) throw new EquivalentInputError("courseName", "length");
  const provider = between(input.provider, 2, 200);
  if (!provider) throw new EquivalentInputError("provider", "length");
  if (!isDateKey(input.completedOn)) throw new EquivalentInputError("completedOn", "invalid");
  if (input.completedOn > seoulDateKey(now())) throw new EquivalentInputError("completedOn", "future");
  const from = cycle.startsOn.toISOString().slice(0, 10);
  const to = cycle.endsOn.toISOString().slice(0, 10);
  if (input.completedOn < from || input.completedOn > to) throw new EquivalentInputError("completedOn", "outsideCycle", { from, to });
  const minutes = parseHours(input.hours);
  if (minutes === null) throw new EquivalentInputError("hours", "range");
  const reason = between(input.reason, 5, 500);
  if (!reason) throw new EquivalentInputError("reason", "length");
  const checked = checkEvidence(input.evidence);
  if ("refused" in checked) {
    throw new EquivalentInputError("evidence", checked.refused, checked.refused === "tooLarge" ? { mb: MAX_EVIDENCE_BYTES / 1024 / 1024 } : {});
  }
  if (cycle.status === "CLOSED") throw new EquivalentInputError("assignment", "closed");
  if (assignment.status !== "ASSIGNED" && assignment.status !== "IN_PROGRESS") throw new EquivalentInputError("assignment", "done");

  return prisma.$transaction(async (tx) => {
    // Completed only if still owed at this moment: a learner finishing online meanwhile wins.
    const completed = await tx.$executeRaw`
      UPDATE assignment SET status = 'COMPLETED', completion_mode = 'EQUIVALENT',
        completed_at = LEAST(${now()}::timestamptz, (${input.completedOn}::date + time '18:00') AT TIME ZONE 'Asia/Seoul')
      WHERE id = ${assignmentId}::uuid AND status IN ('ASSIGNED', 'IN_PROGRESS')`;
    if (completed === 0) throw new EquivalentInputError("assignment", "done");
    const file = await storeEvidence(tx, actor.userId, input.evidence!, checked.mediaType, "certificate-of-completion");
    const row = await tx.equivalentTraining.create({
      data: {
        assignmentId,
        courseName,
        provider,
        completedOn: new Date(`${input.completedOn}T00:00:00Z`),
        minutes,
        evidenceId: file.id,
        reason,
        recordedById: actor.userId,
      },
    });
    await recordAudit(
      {
        actorUserId: actor.userId,
        action: "assignment.equivalent",
        entityType: "assignment",
        entityId: assignmentId,
        reason,
        data: { equivalentId: row.id, courseName, provider, completedOn: input.completedOn, minutes, evidenceSha256: file.sha256, from: assignment.status },
      },
      tx,
    );
    return row;
  });
}

/**
 * Withdraw a recognition made in error: the assignment is owed again (in
 * progress if the person had started), the recognition and its file stay on
 * record with who withdrew it and why.
 */
export async function withdrawEquivalent(actor: Actor, assignmentId: string, reasonText: string) {
  const found = await getAssignmentForOfficer(actor, assignmentId);
  if (!found) return null;
  const reason = between(reasonText, 5, 500);
  if (!reason) throw new EquivalentInputError("reason", "length");
  if (found.assignment.cycle?.status === "CLOSED") throw new EquivalentInputError("assignment", "closed");
  return prisma.$transaction(async (tx) => {
    const reopened = await tx.$executeRaw`
      UPDATE assignment SET
        status = CASE WHEN started_at IS NULL THEN 'ASSIGNED'::"AssignmentStatus" ELSE 'IN_PROGRESS'::"AssignmentStatus" END,
        completed_at = NULL, completion_mode = NULL
      WHERE id = ${assignmentId}::uuid AND status = 'COMPLETED' AND completion_mode = 'EQUIVALENT'`;
    const withdrawn = await tx.equivalentTraining.updateMany({
      where: { assignmentId, withdrawnAt: null },
      data: { withdrawnAt: now(), withdrawnById: actor.userId, withdrawReason: reason },
    });
    if (reopened === 0 || withdrawn.count === 0) throw new EquivalentInputError("assignment", "notEquivalent");
    await recordAudit(
      { actorUserId: actor.userId, action: "assignment.equivalent.withdraw", entityType: "assignment", entityId: assignmentId, reason },
      tx,
    );
    return true;
  });
}

/**
 * The certificate of completion of the recognition in force, for an officer
 * who may see the assignment, under a name the server gives it. Reading it is
 * audited, as with attendance sheets.
 */
export async function getEquivalentEvidence(actor: Actor, assignmentId: string) {
  if (!(await getAssignmentForOfficer(actor, assignmentId))) return null;
  const row = await prisma.equivalentTraining.findFirst({ where: { assignmentId, withdrawnAt: null }, include: { evidence: true } });
  if (!row) return null;
  await recordAudit({
    actorUserId: actor.userId,
    action: "evidence.download",
    entityType: "equivalent_training",
    entityId: row.id,
    data: { sha256: row.evidence.sha256, assignmentId },
  });
  const downloadName = `equivalent-${row.completedOn.toISOString().slice(0, 10)}-${assignmentId.slice(0, 8)}.${EVIDENCE_EXTENSIONS[row.evidence.mediaType] ?? "bin"}`;
  return { ...row.evidence, downloadName };
}
