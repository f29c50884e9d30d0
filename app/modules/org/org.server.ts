import { Prisma, prisma } from "~/utils/db.server";

/**
 * `WITH RECURSIVE scope AS (…)`: the ids of the given units and every unit
 * under them, to start a query that is limited to an officer's subtrees.
 */
export function subtreeScope(rootIds: string[]): Prisma.Sql {
  return Prisma.sql`WITH RECURSIVE scope AS (
    SELECT id FROM org_unit WHERE id = ANY(${rootIds}::uuid[])
    UNION SELECT c.id FROM org_unit c JOIN scope s ON c.parent_id = s.id
  )`;
}

/** Whether unitId lies in the subtree of any of the scope roots. */
export async function unitIsInScope(scopeRootIds: string[], unitId: string): Promise<boolean> {
  if (scopeRootIds.length === 0) return false;
  const rows = await prisma.$queryRaw<Array<{ hit: boolean }>>`
    WITH RECURSIVE up AS (
      SELECT id, parent_id FROM org_unit WHERE id = ${unitId}::uuid
      UNION ALL
      SELECT u.id, u.parent_id FROM org_unit u JOIN up ON u.id = up.parent_id
    )
    SELECT EXISTS (SELECT 1 FROM up WHERE id = ANY(${scopeRootIds}::uuid[])) AS hit`;
  return rows[0]?.hit ?? false;
}

export function getOrgUnit(id: string) {
  return prisma.orgUnit.findUnique({ where: { id }, select: { id: true, code: true, nameKo: true, nameEn: true, kind: true } });
}
