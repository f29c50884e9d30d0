import { prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { getEnv } from "~/utils/env.server";
import { seoulDayEnd } from "~/utils/i18n";
import { now } from "~/utils/clock.server";
import { assertAudiencesNamed } from "./audience.server";

export class CycleStateError extends Error {}

/**
 * Open a cycle: assign everyone in the obligation's audience in one
 * set-based statement. Running it again assigns only people not yet assigned.
 * Returns how many assignments were created.
 *
 * The statement runs on its own, not inside an interactive transaction: for a
 * nation it writes a million rows, far longer than such a transaction may stay
 * open, and it is atomic and repeatable by itself (ON CONFLICT DO NOTHING). The
 * short transaction after it opens the cycle and records who did it. If the
 * process dies between the two, the cycle is still PLANNED, so nobody is
 * reminded of it and the learner's page does not show it; opening it again
 * finishes the job.
 */
export async function openCycle(cycleId: string, actorUserId: string | null): Promise<number> {
  const cycle = await prisma.cycle.findUnique({ where: { id: cycleId } });
  if (!cycle) throw new CycleStateError("cycle not found");
  if (cycle.status === "CLOSED") throw new CycleStateError("cycle is closed");
  const obligation = await prisma.obligation.findUniqueOrThrow({ where: { id: cycle.obligationId }, select: { code: true, audienceUnitCodes: true } });
  if (obligation.audienceUnitCodes.length === 0) {
    await assertAudiencesNamed([obligation.code], (code) => `obligation '${code}' (its file under content/obligations/)`);
  }
  const at = now();
  const created = (await assignAudiences([cycleId], at))[cycleId] ?? 0;
  await prisma.$transaction(async (tx) => {
    await tx.cycle.updateMany({ where: { id: cycleId, openedAt: null }, data: { openedAt: at } });
    await tx.cycle.updateMany({ where: { id: cycleId, status: { not: "CLOSED" } }, data: { status: "OPEN" } });
    await recordAudit(
      { actorUserId, action: "cycle.open", entityType: "cycle", entityId: cycleId, data: { assigned: created } },
      tx,
    );
  });
  return created;
}

/**
 * Assign everyone in the audience of each of the given cycles who is not yet
 * assigned, in one statement for all of them (closed cycles are left alone).
 * Returns how many assignments were created, per cycle.
 *
 * One statement, so that someone owed several cycles gets all of them at the
 * same moment: whoever writes their assignment notice next (the follow-up of a
 * personnel file, a cycle-opened job, the tick) sees every one and announces
 * them together. Atomic and repeatable by itself (ON CONFLICT DO NOTHING); it
 * runs outside any interactive transaction, for the reason given at openCycle.
 */
export async function assignAudiences(cycleIds: string[], at: Date): Promise<Record<string, number>> {
  if (cycleIds.length === 0) return {};
  const rows = await prisma.$queryRaw<Array<{ cycle_id: string; created: number }>>`
    WITH RECURSIVE targets AS (
      SELECT c.id AS cycle_id, c.obligation_id FROM cycle c WHERE c.id = ANY(${cycleIds}::uuid[]) AND c.status <> 'CLOSED'
    ),
    audience_units AS (
      SELECT t.cycle_id, u.id FROM targets t
      JOIN obligation o ON o.id = t.obligation_id
      -- The subtrees the file names; else the tree under the city root it was loaded for; else the
      -- one tree, only while there is one: with two cities, a duty naming none falls on neither.
      JOIN org_unit u ON CASE
        WHEN cardinality(o.audience_unit_codes) > 0 THEN u.code = ANY(o.audience_unit_codes)
        WHEN o.audience_root_id IS NOT NULL THEN u.id = o.audience_root_id
        ELSE u.parent_id IS NULL AND (SELECT count(*) FROM org_unit r WHERE r.parent_id IS NULL) = 1
      END
      UNION
      SELECT a.cycle_id, c.id FROM org_unit c JOIN audience_units a ON c.parent_id = a.id
    ),
    -- The audience's units, as a list the planner can count: the recursive step above is estimated
    -- at a few hundred rows whatever the tree, which would make it read people unit by unit.
    units AS MATERIALIZED (
      SELECT a.cycle_id, u.id FROM audience_units a
      JOIN targets t ON t.cycle_id = a.cycle_id
      JOIN obligation o ON o.id = t.obligation_id
      JOIN org_unit u ON u.id = a.id AND u.kind = ANY(o.unit_kinds)
    ),
    created AS (
      INSERT INTO assignment (cycle_id, person_id, course_id, due_at, assigned_at)
      SELECT c.id, p.id, r.course_id,
        -- Someone who joins an open cycle late gets a fair deadline, never one already past.
        CASE WHEN c.opened_at IS NULL THEN c.due_at
             ELSE GREATEST(c.due_at, ${at}::timestamptz + make_interval(days => ${getEnv().LATE_JOINER_DAYS})) END,
        ${at}::timestamptz
      FROM units un
      JOIN cycle c ON c.id = un.cycle_id AND c.status <> 'CLOSED'
      JOIN obligation_route r ON r.obligation_id = c.obligation_id AND (r.period = '' OR r.period = c.period)
      JOIN person p ON p.org_unit_id = un.id AND p.staff_category = r.staff_category AND p.status = 'ACTIVE'
      ON CONFLICT (cycle_id, person_id) DO NOTHING
      RETURNING cycle_id
    )
    SELECT cycle_id::text, count(*)::int AS created FROM created GROUP BY cycle_id`;
  return Object.fromEntries(rows.map((r) => [r.cycle_id, r.created]));
}

/** The dates of one period of an obligation: its window and its deadline (end of day, Asia/Seoul). */
export function cycleWindow(year: number, period: "" | "H1" | "H2", deadlines: Record<string, string>) {
  const [startMonth, endMonth, endDay] = period === "H1" ? ["01", "06", "30"] : period === "H2" ? ["07", "12", "31"] : ["01", "12", "31"];
  const deadline = deadlines[period];
  if (!deadline) throw new CycleStateError(`no deadline for period '${period || "year"}'`);
  return {
    label: period ? `${year}-${period}` : String(year),
    period,
    startsOn: new Date(`${year}-${startMonth}-01T00:00:00Z`),
    endsOn: new Date(`${year}-${endMonth}-${endDay}T00:00:00Z`),
    dueAt: seoulDayEnd(`${year}-${deadline}`),
  };
}

/** Create (or find) the cycle of an obligation for a year and period, not yet opened. */
export async function planCycle(obligationCode: string, year: number, period: "" | "H1" | "H2") {
  const obligation = await prisma.obligation.findUnique({ where: { code: obligationCode } });
  if (!obligation) throw new CycleStateError(`obligation ${obligationCode} not found`);
  const expectsHalves = obligation.cycleKind === "HALF_YEAR";
  if (expectsHalves !== (period !== "")) throw new CycleStateError(`${obligationCode} does not have period '${period}'`);
  const window = cycleWindow(year, period, obligation.deadlines as Record<string, string>);
  return prisma.cycle.upsert({
    where: { obligationId_label: { obligationId: obligation.id, label: window.label } },
    create: { obligationId: obligation.id, graceDays: obligation.graceDays, ...window },
    update: {},
  });
}

/** Close a cycle: its records are frozen; nothing is deleted. */
export async function closeCycle(cycleId: string, actorUserId: string | null) {
  await prisma.$transaction(async (tx) => {
    const updated = await tx.cycle.updateMany({
      where: { id: cycleId, status: "OPEN" },
      data: { status: "CLOSED", closedAt: now() },
    });
    if (updated.count === 0) throw new CycleStateError("only an open cycle can be closed");
    await recordAudit({ actorUserId, action: "cycle.close", entityType: "cycle", entityId: cycleId }, tx);
  });
}
