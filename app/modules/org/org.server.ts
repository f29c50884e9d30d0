import { Prisma, prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";

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

/**
 * Who counts, and where, at a moment `t` (SQL over a person `p`): when
 * `historical`, people sit in the unit of their placement then (`pl`) and
 * someone who left after that day still counts; otherwise people on the roll
 * today in their current unit. `unit` is the unit to count them in, `join`
 * goes after `p` in FROM, and `counted` into WHERE. One rule for the
 * dashboard's as-of view and the oversight return.
 */
export function placedAt(t: Prisma.Sql, historical: Prisma.Sql) {
  return {
    unit: Prisma.sql`COALESCE(pl.org_unit_id, p.org_unit_id)`,
    join: Prisma.sql`LEFT JOIN person_placement pl ON ${historical} AND pl.person_id = p.id
        AND pl.valid_from <= ${t} AND (pl.valid_to IS NULL OR pl.valid_to > ${t})`,
    counted: Prisma.sql`(p.status = 'ACTIVE' OR (${historical} AND p.left_on > (${t} AT TIME ZONE 'Asia/Seoul')::date))`,
  };
}

/**
 * The units as they stood at `t` (ADR 024), as a subquery yielding `id,
 * parent_id, name_ko, name_en, kind`: each unit's version valid then. Units
 * that did not exist yet, or had ended, are not there.
 */
export function unitsAt(t: Date): Prisma.Sql {
  return Prisma.sql`SELECT v.unit_id AS id, v.parent_id, v.name_ko, v.name_en, v.kind FROM org_unit_version v
    WHERE v.valid_from <= ${t}::timestamptz AND (v.valid_to IS NULL OR v.valid_to > ${t}::timestamptz)`;
}

/**
 * `tree(id, depth, sort_key, ancestors, name_ko, name_en, kind)`, a recursive
 * CTE (after WITH RECURSIVE): the subtrees of `rootIds` as they stood at `t`,
 * walked through the versions valid then, each unit with its path from its
 * root and its names of that day. A root that did not exist then has no tree.
 */
export function unitTreeAt(rootIds: string[], t: Date): Prisma.Sql {
  return Prisma.sql`tree AS (
      SELECT v.unit_id AS id, 0 AS depth, ARRAY[u.code]::text[] AS sort_key, ARRAY[v.unit_id] AS ancestors, v.name_ko, v.name_en, v.kind
      FROM org_unit_version v JOIN org_unit u ON u.id = v.unit_id
      WHERE v.unit_id = ANY(${rootIds}::uuid[]) AND v.valid_from <= ${t}::timestamptz AND (v.valid_to IS NULL OR v.valid_to > ${t}::timestamptz)
      UNION ALL
      SELECT c.unit_id, t.depth + 1, t.sort_key || cu.code, t.ancestors || c.unit_id, c.name_ko, c.name_en, c.kind
      FROM org_unit_version c JOIN tree t ON c.parent_id = t.id JOIN org_unit cu ON cu.id = c.unit_id
      WHERE c.valid_from <= ${t}::timestamptz AND (c.valid_to IS NULL OR c.valid_to > ${t}::timestamptz)
    )`;
}

/** Whether unitId lay in the subtree of any of the scope roots on the chart of `t` (its versions then). */
export async function unitWasInScope(scopeRootIds: string[], unitId: string, t: Date): Promise<boolean> {
  if (scopeRootIds.length === 0) return false;
  const rows = await prisma.$queryRaw<Array<{ hit: boolean }>>`
    WITH RECURSIVE up AS (
      SELECT v.unit_id AS id, v.parent_id FROM org_unit_version v
      WHERE v.unit_id = ${unitId}::uuid AND v.valid_from <= ${t}::timestamptz AND (v.valid_to IS NULL OR v.valid_to > ${t}::timestamptz)
      UNION ALL
      SELECT v.unit_id, v.parent_id FROM org_unit_version v JOIN up ON v.unit_id = up.parent_id
      WHERE v.valid_from <= ${t}::timestamptz AND (v.valid_to IS NULL OR v.valid_to > ${t}::timestamptz)
    )
    SELECT EXISTS (SELECT 1 FROM up WHERE id = ANY(${scopeRootIds}::uuid[])) AS hit`;
  return rows[0]?.hit ?? false;
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

type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

/**
 * Bring the placement history up to date with the roll, set-based: everyone
 * whose current unit differs from their open placement has it closed at `at`
 * and a new one opened (only `personIds`, when given). Call it in the
 * transaction that moved or added people.
 */
export async function recordPlacements(tx: Tx | typeof prisma, at: Date = now(), personIds: string[] | null = null): Promise<number> {
  return tx.$executeRaw`
    WITH stale AS (
      SELECT p.id AS person_id, p.org_unit_id, pl.id AS placement_id
      FROM person p
      LEFT JOIN person_placement pl ON pl.person_id = p.id AND pl.valid_to IS NULL
      WHERE pl.org_unit_id IS DISTINCT FROM p.org_unit_id
        AND (${personIds}::uuid[] IS NULL OR p.id = ANY(${personIds}::uuid[]))
    ),
    closed AS (
      UPDATE person_placement SET valid_to = ${at}
      WHERE id IN (SELECT placement_id FROM stale WHERE placement_id IS NOT NULL)
    )
    INSERT INTO person_placement (person_id, org_unit_id, valid_from)
    SELECT person_id, org_unit_id, ${at} FROM stale WHERE org_unit_id IS NOT NULL`;
}
