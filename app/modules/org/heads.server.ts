import { Prisma, prisma } from "~/utils/db.server";
import type { Actor } from "~/modules/auth/permissions.server";

/**
 * Heads of units (the personnel file's is_head) see how their own unit and
 * the units under it are doing, and their people's progress, read-only. They
 * hold no HR role: nothing they can open changes a record or names anyone
 * outside their unit.
 */

/** The unit the signed-in person heads today, or null. */
export async function headedUnit(actor: Actor): Promise<string | null> {
  const rows = await prisma.$queryRaw<Array<{ unitId: string }>>`
    SELECT p.org_unit_id AS "unitId" FROM app_user u JOIN person p ON p.id = u.person_id
    WHERE u.id = ${actor.userId}::uuid AND u.disabled_at IS NULL
      AND p.is_unit_head AND p.status = 'ACTIVE' AND p.org_unit_id IS NOT NULL`;
  return rows[0]?.unitId ?? null;
}

/** The head seen through the compliance views: their unit's subtree is the whole scope. */
export function headReader(actor: Actor, unitId: string): Actor {
  return { ...actor, hrScopeUnitIds: [unitId] };
}

/** Whether the person on the roll heads their unit today (the learner's home links to /team). */
export async function headsAUnit(personId: string): Promise<boolean> {
  const [row] = await prisma.$queryRaw<Array<{ heads: boolean }>>`SELECT (${headsAUnitQuery(personId)}) AS heads`;
  return row!.heads;
}

/** headsAUnit as an expression, for a page that reads it together with other things (the learner's home). */
export function headsAUnitQuery(personId: string): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM person p WHERE p.id = ${personId}::uuid AND p.is_unit_head AND p.status = 'ACTIVE' AND p.org_unit_id IS NOT NULL)`;
}
