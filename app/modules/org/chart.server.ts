import { Prisma, prisma } from "~/utils/db.server";
import type { Actor } from "~/modules/auth/permissions.server";
import { placedAt, unitTreeAt } from "./org.server";

export interface ChartUnit {
  id: string;
  parentId: string | null;
  code: string;
  nameKo: string;
  nameEn: string;
  kind: string;
  depth: number;
  /** Active people in the unit itself (as of a date: who sat there then). */
  own: number;
  /** The same over its whole subtree. */
  rolled: number;
  /** Whether it matches the search (its ancestors come along to place it). */
  match: boolean;
}

/** The page lists at most this many units; a search narrows a city-sized chart. */
export const CHART_PAGE_UNITS = 3000;

/** Who sees the chart: an administrator the whole city, an HR officer their subtrees. */
export function chartRoots(actor: Actor): "all" | string[] {
  if (actor.roles.has("SYSTEM_ADMIN")) return "all";
  return actor.hrScopeUnitIds;
}

/**
 * The organization chart with headcounts, today or as it stood at `asOf`
 * (ADR 024): the tree of the viewer's scope in code order, each unit with the
 * people in it and in its subtree, rolled up set-based (each unit's own count
 * goes to every unit on its path). `search` keeps the units whose code or name
 * contains it, with their ancestors.
 */
export async function chartTree(actor: Actor, asOf: Date | null, search: string): Promise<{ units: ChartUnit[]; total: number; truncated: boolean }> {
  const scope = chartRoots(actor);
  if (scope !== "all" && scope.length === 0) return { units: [], total: 0, truncated: false };
  let tree: Prisma.Sql;
  let own: Prisma.Sql;
  if (asOf === null) {
    const roots = scope === "all" ? Prisma.sql`u.parent_id IS NULL AND u.ended_at IS NULL` : Prisma.sql`u.id = ANY(${scope}::uuid[])`;
    tree = Prisma.sql`tree AS (
      SELECT u.id, 0 AS depth, ARRAY[u.code]::text[] AS sort_key, ARRAY[u.id] AS ancestors, u.name_ko, u.name_en, u.kind
      FROM org_unit u WHERE ${roots}
      UNION ALL
      SELECT c.id, t.depth + 1, t.sort_key || c.code, t.ancestors || c.id, c.name_ko, c.name_en, c.kind
      FROM org_unit c JOIN tree t ON c.parent_id = t.id WHERE c.ended_at IS NULL
    )`;
    own = Prisma.sql`SELECT p.org_unit_id AS unit_id, count(*)::int AS n FROM person p WHERE p.status = 'ACTIVE' AND p.org_unit_id IS NOT NULL GROUP BY 1`;
  } else {
    const rootIds = scope === "all"
      ? (await prisma.$queryRaw<Array<{ id: string }>>`
          SELECT unit_id::text AS id FROM org_unit_version
          WHERE parent_id IS NULL AND valid_from <= ${asOf}::timestamptz AND (valid_to IS NULL OR valid_to > ${asOf}::timestamptz)`).map((r) => r.id)
      : scope;
    if (rootIds.length === 0) return { units: [], total: 0, truncated: false };
    tree = unitTreeAt(rootIds, asOf);
    const placed = placedAt(Prisma.sql`${asOf}::timestamptz`, Prisma.sql`true`);
    own = Prisma.sql`SELECT ${placed.unit} AS unit_id, count(*)::int AS n FROM person p ${placed.join} WHERE ${placed.counted} GROUP BY 1`;
  }
  const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await prisma.$queryRaw<Array<ChartUnit & { total: number }>>`
    WITH RECURSIVE ${tree},
    units AS MATERIALIZED (SELECT DISTINCT ON (id) * FROM tree ORDER BY id, depth),
    own AS MATERIALIZED (${own}),
    rolled AS (
      SELECT anc.id AS unit_id, sum(o.n)::int AS n
      FROM own o JOIN units d ON d.id = o.unit_id CROSS JOIN LATERAL unnest(d.ancestors) AS anc(id)
      GROUP BY anc.id
    ),
    hits AS (
      SELECT un.id, un.ancestors FROM units un JOIN org_unit u ON u.id = un.id
      WHERE ${search} = '' OR u.code ILIKE ${pattern} OR un.name_ko ILIKE ${pattern} OR un.name_en ILIKE ${pattern}
    ),
    shown AS (SELECT DISTINCT a.id FROM hits CROSS JOIN LATERAL unnest(hits.ancestors) AS a(id))
    SELECT un.id, CASE WHEN un.depth > 0 THEN un.ancestors[un.depth] END AS "parentId", u.code,
      un.name_ko AS "nameKo", un.name_en AS "nameEn", un.kind::text AS kind, un.depth,
      COALESCE(o.n, 0) AS own, COALESCE(r.n, 0) AS rolled,
      EXISTS (SELECT 1 FROM hits h WHERE h.id = un.id) AS match,
      count(*) OVER ()::int AS total
    FROM shown s JOIN units un ON un.id = s.id JOIN org_unit u ON u.id = un.id
    LEFT JOIN own o ON o.unit_id = un.id LEFT JOIN rolled r ON r.unit_id = un.id
    ORDER BY un.sort_key
    LIMIT ${CHART_PAGE_UNITS + 1}`;
  const total = rows[0]?.total ?? 0;
  return {
    units: rows.slice(0, CHART_PAGE_UNITS).map(({ total: _t, ...u }) => ({ ...u, match: search !== "" && u.match })),
    total,
    truncated: rows.length > CHART_PAGE_UNITS,
  };
}
