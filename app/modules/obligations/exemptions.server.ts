import { prisma } from "~/utils/db.server";
import { subtreeScope } from "~/modules/org/org.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions.server";
import { isUuid } from "~/utils/ids";
import { now } from "~/utils/clock.server";

export class ExemptionError extends Error {
  constructor(public code: "not-found" | "not-exemptable" | "not-exempted" | "closed") {
    super(code);
  }
}

/**
 * The assignment as an HR officer may see it: only when the person's unit is
 * in the officer's subtree (checked in the query).
 */
export async function getAssignmentForOfficer(actor: Actor, assignmentId: string) {
  if (!isUuid(assignmentId) || actor.hrScopeUnitIds.length === 0) return null;
  const rows = await prisma.$queryRaw<Array<{ id: string }>>`
    ${subtreeScope(actor.hrScopeUnitIds)}
    SELECT a.id FROM assignment a JOIN person p ON p.id = a.person_id
    WHERE a.id = ${assignmentId}::uuid AND a.cycle_id IS NOT NULL AND p.org_unit_id IN (SELECT id FROM scope)`;
  if (rows.length === 0) return null;
  const assignment = await prisma.assignment.findUniqueOrThrow({
    where: { id: assignmentId },
    include: {
      person: { include: { orgUnit: true } },
      cycle: { include: { obligation: true } },
      certificate: { select: { number: true, status: true } },
    },
  });
  const history = await prisma.auditEvent.findMany({
    where: { entityType: "assignment", entityId: assignmentId },
    orderBy: { createdAt: "desc" },
  });
  const actors = await prisma.user.findMany({
    where: { id: { in: history.map((h) => h.actorUserId).filter((x): x is string => Boolean(x)) } },
    select: { id: true, displayName: true },
  });
  const names = new Map(actors.map((a) => [a.id, a.displayName]));
  return {
    assignment,
    history: history.map((h) => ({
      id: String(h.id),
      action: h.action,
      reason: h.reason,
      at: h.createdAt,
      by: h.actorUserId ? (names.get(h.actorUserId) ?? "—") : "—",
    })),
  };
}

/** Exempt a person from one cycle (leave, illness; a course taken elsewhere is recognised in equivalents.server.ts): a reason is required and recorded. */
export async function exempt(actor: Actor, assignmentId: string, reason: string) {
  const found = await getAssignmentForOfficer(actor, assignmentId);
  if (!found) throw new ExemptionError("not-found");
  if (found.assignment.cycle?.status === "CLOSED") throw new ExemptionError("closed");
  await prisma.$transaction(async (tx) => {
    const updated = await tx.assignment.updateMany({
      where: { id: assignmentId, status: { in: ["ASSIGNED", "IN_PROGRESS"] } },
      data: { status: "EXEMPTED", exemptReason: reason, exemptedById: actor.userId, exemptedAt: now() },
    });
    if (updated.count === 0) throw new ExemptionError("not-exemptable");
    await recordAudit(
      { actorUserId: actor.userId, action: "assignment.exempt", entityType: "assignment", entityId: assignmentId, reason, data: { from: found.assignment.status } },
      tx,
    );
  });
}

/** Reverse an exemption: the person owes the cycle again, with any progress they had. */
export async function revokeExemption(actor: Actor, assignmentId: string, reason: string) {
  const found = await getAssignmentForOfficer(actor, assignmentId);
  if (!found) throw new ExemptionError("not-found");
  if (found.assignment.cycle?.status === "CLOSED") throw new ExemptionError("closed");
  await prisma.$transaction(async (tx) => {
    const updated = await tx.$executeRaw`
      UPDATE assignment SET
        status = CASE WHEN started_at IS NULL THEN 'ASSIGNED'::"AssignmentStatus" ELSE 'IN_PROGRESS'::"AssignmentStatus" END,
        exempt_reason = NULL, exempted_by_id = NULL, exempted_at = NULL
      WHERE id = ${assignmentId}::uuid AND status = 'EXEMPTED'`;
    if (updated === 0) throw new ExemptionError("not-exempted");
    await recordAudit(
      { actorUserId: actor.userId, action: "assignment.exempt.revoke", entityType: "assignment", entityId: assignmentId, reason },
      tx,
    );
  });
}
