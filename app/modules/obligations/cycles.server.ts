import { prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";

export class CycleStateError extends Error {}

/**
 * Open a cycle: assign everyone in the obligation's audience in one
 * set-based statement. Running it again assigns only people not yet assigned.
 * Returns how many assignments were created.
 */
export async function openCycle(cycleId: string, actorUserId: string | null): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const cycle = await tx.cycle.findUnique({ where: { id: cycleId } });
    if (!cycle) throw new CycleStateError("cycle not found");
    if (cycle.status === "CLOSED") throw new CycleStateError("cycle is closed");
    const created = await tx.$executeRaw`
      WITH RECURSIVE audience_units AS (
        SELECT u.id FROM org_unit u
        JOIN obligation o ON o.id = ${cycle.obligationId}::uuid
        WHERE (o.audience_root_id IS NULL AND u.parent_id IS NULL) OR u.id = o.audience_root_id
        UNION
        SELECT c.id FROM org_unit c JOIN audience_units a ON c.parent_id = a.id
      )
      INSERT INTO assignment (cycle_id, person_id, course_id, due_at)
      SELECT c.id, p.id, r.course_id, c.due_at
      FROM cycle c
      JOIN obligation o ON o.id = c.obligation_id
      JOIN obligation_route r ON r.obligation_id = o.id
      JOIN person p ON p.staff_category = r.staff_category AND p.status = 'ACTIVE'
      JOIN org_unit u ON u.id = p.org_unit_id AND u.kind = ANY(o.unit_kinds)
      JOIN audience_units au ON au.id = u.id
      WHERE c.id = ${cycleId}::uuid
      ON CONFLICT (cycle_id, person_id) DO NOTHING`;
    await tx.cycle.update({
      where: { id: cycleId },
      data: { status: "OPEN", openedAt: cycle.openedAt ?? new Date() },
    });
    await recordAudit(
      { actorUserId, action: "cycle.open", entityType: "cycle", entityId: cycleId, data: { assigned: created } },
      tx,
    );
    return created;
  });
}
