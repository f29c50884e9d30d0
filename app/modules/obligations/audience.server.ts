import { prisma } from "~/utils/db.server";

/**
 * An obligation that names no units in its audience once the database holds
 * more than one top-level organization: it would apply to every city's staff,
 * so it is refused (when loaded, when a cycle of it is opened) and assigns no one.
 */
export class ObligationAudienceError extends Error {
  constructor(
    message: string,
    /** The codes of the top-level organizations the database holds. */
    readonly roots: string[],
  ) {
    super(message);
  }
}

/** The codes of the top-level organizations (units without a parent), in code order. */
export async function topLevelUnitCodes(): Promise<string[]> {
  const roots = await prisma.orgUnit.findMany({ where: { parentId: null }, select: { code: true }, orderBy: { code: "asc" } });
  return roots.map((r) => r.code);
}

/** Why an obligation with no audience is refused, naming where it is declared and the organizations it would reach. */
export function noAudienceMessage(where: string, roots: string[]): string {
  const shown = roots.slice(0, 5).join(", ") + (roots.length > 5 ? `, … (${roots.length - 5} more)` : "");
  const example = `audience: { units: [${roots[0] ?? "CITY"}] }`;
  return (
    `${where}: the audience names no units, and the database holds ${roots.length} top-level organizations (${shown}); ` +
    `without units the duty would fall on the staff of every one of them. Name the units whose staff owe it, e.g. ${example}\n` +
    `  ${where}: 대상 조직(audience.units)을 적지 않았는데 데이터베이스에 최상위 조직이 ${roots.length}개(${shown}) 있어, ` +
    `이대로면 모든 조직의 직원이 이 의무를 지게 됩니다. 의무를 지는 조직의 코드를 적으십시오. 예: ${example}`
  );
}

/**
 * Refuse obligations (by code) whose audience names no units and is not tied to
 * one organization tree, while the database holds more than one top-level
 * organization. `fileOf` names each one's file for the message.
 */
export async function assertAudiencesNamed(codes: string[], fileOf: (code: string) => string): Promise<void> {
  if (codes.length === 0) return;
  const roots = await topLevelUnitCodes();
  if (roots.length <= 1) return;
  const pinned = await prisma.obligation.findMany({ where: { code: { in: codes }, audienceRootId: { not: null } }, select: { code: true } });
  const pinnedCodes = new Set(pinned.map((o) => o.code));
  const refused = codes.filter((c) => !pinnedCodes.has(c));
  if (refused.length > 0) throw new ObligationAudienceError(refused.map((c) => noAudienceMessage(fileOf(c), roots)).join("\n"), roots);
}

/**
 * The unit codes each obligation's file names (audience.units and audience.except) that today's
 * organization chart does not hold, or holds only as a closed unit: by obligation code, only those
 * with any. A duty loaded before its city's chart names units the chart does not have yet; opening
 * a cycle of it then would assign nobody, or leave in people the file leaves out, so opening is
 * refused until the chart or the file is put right, and the year's page says which (ADR 038).
 */
export async function unitsNotInChart(obligationCodes?: string[]): Promise<Map<string, string[]>> {
  const rows = await prisma.$queryRaw<Array<{ code: string; missing: string[] }>>`
    SELECT o.code, array_agg(DISTINCT n.unit_code ORDER BY n.unit_code) AS missing
    FROM obligation o
    CROSS JOIN LATERAL unnest(o.audience_unit_codes || o.audience_except_codes) AS n(unit_code)
    WHERE (${obligationCodes ?? null}::text[] IS NULL OR o.code = ANY(${obligationCodes ?? null}::text[]))
      AND NOT EXISTS (SELECT 1 FROM org_unit u WHERE u.code = n.unit_code AND u.ended_at IS NULL)
    GROUP BY o.code`;
  return new Map(rows.map((r) => [r.code, r.missing]));
}
