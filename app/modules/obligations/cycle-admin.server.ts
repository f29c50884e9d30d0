import { Prisma, prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { enqueueCycleOpened } from "~/utils/queues.server";
import { now } from "~/utils/clock.server";
import { isDateKey, seoulDateKey, seoulDayStart } from "~/utils/i18n";
import { audienceOf, closeCycle, CycleActionError, extendCycle, openCycle, planCycle, reopenCycle, workInFlight, type Extension } from "./cycles.server";
import { staffCategoryNames } from "~/modules/org/staff-categories.server";
import { unitsNotInChart } from "./audience.server";

/**
 * The academy's year: every obligation with its cycles of a year, planning
 * the periods of a year, previewing who a cycle would assign, and the
 * actions on a cycle (open, close, extend, reopen), taken now or scheduled
 * for a day and carried out by the worker's tick exactly once (ADR 022).
 */

export const CYCLE_ACTIONS = ["open", "close", "extend", "reopen"] as const;
export type CycleAction = (typeof CYCLE_ACTIONS)[number];

export function isCycleAction(value: unknown): value is CycleAction {
  return typeof value === "string" && (CYCLE_ACTIONS as readonly string[]).includes(value);
}

function periodsOf(cycleKind: string): Array<"" | "H1" | "H2"> {
  return cycleKind === "HALF_YEAR" ? ["H1", "H2"] : [""];
}

/** Every obligation and its cycles of the year, with each cycle's assignments counted by state: one query for the counts. */
export async function listYear(year: number) {
  const obligations = await prisma.obligation.findMany({
    orderBy: { code: "asc" },
    select: {
      id: true,
      code: true,
      titleKo: true,
      titleEn: true,
      cycleKind: true,
      deadlines: true,
      joiningWithinDays: true,
      cycles: {
        where: { startsOn: { gte: new Date(`${year}-01-01T00:00:00Z`), lte: new Date(`${year}-12-31T00:00:00Z`) } },
        orderBy: { startsOn: "asc" },
        select: { id: true, label: true, period: true, startsOn: true, endsOn: true, dueAt: true, status: true, openedAt: true, closedAt: true },
      },
    },
  });
  const ids = obligations.flatMap((o) => o.cycles.map((c) => c.id));
  const counts = ids.length
    ? await prisma.$queryRaw<Array<{ cycle_id: string; assigned: number; in_progress: number; completed: number }>>`
        SELECT cycle_id::text, count(*)::int AS assigned,
          count(*) FILTER (WHERE status = 'IN_PROGRESS')::int AS in_progress,
          count(*) FILTER (WHERE status = 'COMPLETED')::int AS completed
        FROM assignment WHERE cycle_id = ANY(${ids}::uuid[]) GROUP BY cycle_id`
    : [];
  const byCycle = new Map(counts.map((c) => [c.cycle_id, c]));
  const notInChart = await unitsNotInChart();
  return obligations.map((o) => {
    const planned = new Set(o.cycles.map((c) => c.period));
    return {
      ...o,
      missingPeriods: periodsOf(o.cycleKind).filter((p) => !planned.has(p)),
      /** Units the file names that today's chart lacks: its cycles cannot be opened until they are there. */
      unitsNotInChart: notInChart.get(o.code) ?? [],
      cycles: o.cycles.map((c) => {
        const n = byCycle.get(c.id);
        return { ...c, assigned: n?.assigned ?? 0, inProgress: n?.in_progress ?? 0, completed: n?.completed ?? 0 };
      }),
    };
  });
}

/**
 * Plan an obligation's cycles of a year (each of its periods), as `planCycle`
 * does: dates from the obligation's configured deadlines, not yet opened.
 * Periods already planned are left as they are. Audited.
 */
export async function planYear(obligationCode: string, year: number, actorUserId: string) {
  const obligation = await prisma.obligation.findUnique({ where: { code: obligationCode }, select: { id: true, cycleKind: true } });
  if (!obligation) throw new CycleActionError("notFound");
  const labels: string[] = [];
  for (const period of periodsOf(obligation.cycleKind)) {
    labels.push((await planCycle(obligationCode, year, period)).label);
  }
  await recordAudit({ actorUserId, action: "cycle.plan", entityType: "obligation", entityId: obligation.id, data: { year, labels } });
  return labels;
}

export async function getCycle(cycleId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(cycleId)) return null;
  return prisma.cycle.findUnique({
    where: { id: cycleId },
    include: { obligation: { select: { code: true, titleKo: true, titleEn: true } } },
  });
}

export interface PreviewRow {
  id: string;
  nameKo: string;
  nameEn: string;
  people: number;
  newSincePrevious: number;
  alreadyAssigned: number;
}

export interface CyclePreview {
  total: PreviewRow;
  byUnit: PreviewRow[];
  byCategory: PreviewRow[];
  byCourse: PreviewRow[];
  previousLabel: string | null;
}

/**
 * Who opening the cycle would assign, counted by top-level unit (the units
 * right under a tree's root; someone at the root counts under the root), by
 * staff category and by course, with how many were not assigned the previous
 * cycle of the same obligation and how many already are assigned this one.
 * One statement over the same audience opening assigns (`audienceOf`), with
 * GROUPING SETS for the three breakdowns and the total; then the names.
 */
export async function previewCycle(cycleId: string): Promise<CyclePreview> {
  const cycle = await prisma.cycle.findUniqueOrThrow({ where: { id: cycleId }, select: { obligationId: true, startsOn: true } });
  const previous = await prisma.cycle.findFirst({
    where: { obligationId: cycle.obligationId, startsOn: { lt: cycle.startsOn } },
    orderBy: { startsOn: "desc" },
    select: { id: true, label: true },
  });
  const rows = await prisma.$queryRaw<
    Array<{ top_id: string | null; staff_category: string | null; course_id: string | null; g_unit: number; g_cat: number; g_course: number; people: number; fresh: number; already: number }>
  >`
    ${audienceOf([cycleId])},
    tree AS (
      SELECT id, id AS top_id, 0 AS depth FROM org_unit WHERE parent_id IS NULL
      UNION ALL
      SELECT c.id, CASE WHEN t.depth = 0 THEN c.id ELSE t.top_id END, t.depth + 1 FROM org_unit c JOIN tree t ON c.parent_id = t.id
    ),
    tops AS MATERIALIZED (SELECT id, top_id FROM tree),
    counted AS (
      SELECT t.top_id, a.staff_category::text AS staff_category, a.course_id,
        (mine.id IS NOT NULL) AS already,
        (${previous?.id ?? null}::uuid IS NOT NULL AND prev.id IS NULL) AS fresh
      FROM audience a
      JOIN tops t ON t.id = a.org_unit_id
      LEFT JOIN assignment mine ON mine.cycle_id = a.cycle_id AND mine.person_id = a.person_id
      LEFT JOIN assignment prev ON prev.cycle_id = ${previous?.id ?? null}::uuid AND prev.person_id = a.person_id
    )
    SELECT top_id::text, staff_category, course_id::text,
      GROUPING(top_id)::int AS g_unit, GROUPING(staff_category)::int AS g_cat, GROUPING(course_id)::int AS g_course,
      count(*)::int AS people, count(*) FILTER (WHERE fresh)::int AS fresh, count(*) FILTER (WHERE already)::int AS already
    FROM counted
    GROUP BY GROUPING SETS ((top_id), (staff_category), (course_id), ())`;
  const unitIds = rows.filter((r) => r.g_unit === 0).map((r) => r.top_id!);
  const courseIds = rows.filter((r) => r.g_course === 0).map((r) => r.course_id!);
  const [units, categories, courses] = await Promise.all([
    prisma.orgUnit.findMany({ where: { id: { in: unitIds } }, select: { id: true, nameKo: true, nameEn: true } }),
    staffCategoryNames(),
    prisma.course.findMany({
      where: { id: { in: courseIds } },
      select: { id: true, slug: true, versions: { orderBy: { version: "desc" }, take: 1, select: { titleKo: true, titleEn: true } } },
    }),
  ]);
  const unitName = new Map(units.map((u) => [u.id, u]));
  const courseName = new Map(courses.map((c) => [c.id, { titleKo: c.versions[0]?.titleKo ?? c.slug, titleEn: c.versions[0]?.titleEn ?? c.slug }]));
  const row = (id: string, nameKo: string, nameEn: string, r: (typeof rows)[number]): PreviewRow => ({
    id,
    nameKo,
    nameEn,
    people: r.people,
    newSincePrevious: r.fresh,
    alreadyAssigned: r.already,
  });
  const sortDesc = (a: PreviewRow, b: PreviewRow) => b.people - a.people || a.nameKo.localeCompare(b.nameKo);
  const totalRow = rows.find((r) => r.g_unit === 1 && r.g_cat === 1 && r.g_course === 1);
  return {
    total: totalRow ? row("", "", "", totalRow) : { id: "", nameKo: "", nameEn: "", people: 0, newSincePrevious: 0, alreadyAssigned: 0 },
    byUnit: rows
      .filter((r) => r.g_unit === 0)
      .map((r) => row(r.top_id!, unitName.get(r.top_id!)?.nameKo ?? "", unitName.get(r.top_id!)?.nameEn ?? "", r))
      .sort(sortDesc),
    byCategory: rows
      .filter((r) => r.g_cat === 0)
      .map((r) => row(r.staff_category!, categories[r.staff_category!]?.ko ?? r.staff_category!, categories[r.staff_category!]?.en ?? r.staff_category!, r))
      .sort(sortDesc),
    byCourse: rows
      .filter((r) => r.g_course === 0)
      .map((r) => row(r.course_id!, courseName.get(r.course_id!)?.titleKo ?? "", courseName.get(r.course_id!)?.titleEn ?? "", r))
      .sort(sortDesc),
    previousLabel: previous?.label ?? null,
  };
}

/**
 * Open a cycle from the academy's page: refused with a clear reason when it
 * is already open or closed (opening again is what imports do to catch up,
 * not something to do twice by hand); then the set-based `openCycle`, and the
 * assignment notices are handed to the worker (the tick writes any a lost job
 * did not).
 */
export async function openForAcademy(cycleId: string, actorUserId: string | null): Promise<number> {
  const cycle = await prisma.cycle.findUnique({ where: { id: cycleId }, select: { status: true, openedAt: true } });
  if (!cycle) throw new CycleActionError("notFound");
  if (cycle.status === "OPEN") throw new CycleActionError("alreadyOpen", { since: cycle.openedAt ? seoulDateKey(cycle.openedAt) : "" });
  if (cycle.status === "CLOSED") throw new CycleActionError("closedNoOpen");
  const assigned = await openCycle(cycleId, actorUserId);
  try {
    await enqueueCycleOpened(cycleId);
  } catch (e) {
    console.warn(`[cycles] notices of ${cycleId} left for the tick: ${e instanceof Error ? e.message : String(e)}`);
  }
  return assigned;
}

export interface ActionInput {
  action: CycleAction;
  /** For close: go ahead even with work in progress. */
  closeInFlight?: boolean;
  extension?: Extension;
  reason?: string;
}

/** Take an action now. Returns a count for the message: people assigned, deadlines moved, or work in progress at the close. */
export async function takeAction(cycleId: string, input: ActionInput, actorUserId: string | null): Promise<number> {
  switch (input.action) {
    case "open":
      return openForAcademy(cycleId, actorUserId);
    case "close": {
      const flight = await closeCycle(cycleId, actorUserId, { ifInProgress: input.closeInFlight ? "confirmed" : "refuse" });
      return flight?.inProgress ?? 0;
    }
    case "extend":
      if (!input.extension) throw new CycleActionError("badDate");
      return extendCycle(cycleId, input.extension, actorUserId);
    case "reopen":
      await reopenCycle(cycleId, actorUserId, input.reason ?? "");
      return 0;
  }
}

/** The audit trail of the given cycles, newest first: who did what to them and why. */
export async function cycleHistory(cycleIds: string[]) {
  if (cycleIds.length === 0) return [];
  const events = await prisma.auditEvent.findMany({
    // The cycle's own life (opened, extended, closed, scheduled); reading its report is an access, kept on /academy/audit.
    where: { entityType: "cycle", entityId: { in: cycleIds }, action: { startsWith: "cycle." } },
    orderBy: { id: "desc" },
    take: 50,
    select: { id: true, action: true, entityId: true, reason: true, data: true, createdAt: true, actorUserId: true },
  });
  const actors = await prisma.user.findMany({ where: { id: { in: [...new Set(events.flatMap((e) => (e.actorUserId ? [e.actorUserId] : [])))] } }, select: { id: true, displayName: true } });
  const name = new Map(actors.map((a) => [a.id, a.displayName]));
  return events.map((e) => ({ ...e, id: String(e.id), actor: e.actorUserId ? (name.get(e.actorUserId) ?? "") : "" }));
}

/** Find a unit by its code (what the academy types), for a per-unit extension. */
export async function unitByCode(code: string) {
  return prisma.orgUnit.findUnique({ where: { code: code.trim() }, select: { id: true, code: true, nameKo: true, nameEn: true } });
}

/** Checks that do not depend on the day it runs: a reason where one is needed, a real date inside the period. */
async function checkSchedulable(cycleId: string, input: ActionInput) {
  const cycle = await prisma.cycle.findUnique({ where: { id: cycleId } });
  if (!cycle) throw new CycleActionError("notFound");
  if (input.action === "extend") {
    const ext = input.extension;
    if (!ext?.reason.trim()) throw new CycleActionError("reasonRequired");
    if (!isDateKey(ext.dueOn)) throw new CycleActionError("badDate");
    const end = cycle.endsOn.toISOString().slice(0, 10);
    if (ext.dueOn > end) throw new CycleActionError("pastPeriod", { end, label: cycle.label });
  }
  if (input.action === "reopen" && !input.reason?.trim()) throw new CycleActionError("reasonRequired");
}

/**
 * Schedule an action for a day (Asia/Seoul, today or later): the worker's
 * tick carries it out on or after the start of that day. Audited.
 */
export async function scheduleAction(cycleId: string, input: ActionInput, runOn: string, actorUserId: string) {
  if (!isDateKey(runOn)) throw new CycleActionError("badRunOn");
  if (runOn < seoulDateKey(now())) throw new CycleActionError("runOnPast");
  await checkSchedulable(cycleId, input);
  return prisma.$transaction(async (tx) => {
    const row = await tx.scheduledCycleAction.create({
      data: {
        cycleId,
        action: input.action,
        runOn: new Date(`${runOn}T00:00:00Z`),
        runAt: seoulDayStart(runOn),
        newDueOn: input.extension?.dueOn ?? null,
        unitId: input.extension?.unitId ?? null,
        reason: (input.extension?.reason ?? input.reason ?? "").trim() || null,
        closeInFlight: input.closeInFlight ?? false,
        createdById: actorUserId,
      },
    });
    await recordAudit(
      { actorUserId, action: "cycle.schedule", entityType: "cycle", entityId: cycleId, reason: row.reason, data: { scheduledId: row.id, action: input.action, runOn } },
      tx,
    );
    return row.id;
  });
}

/** Cancel a scheduled action that has not run. False when it has run, was cancelled, or does not exist. */
export async function cancelScheduled(id: string, actorUserId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  return prisma.$transaction(async (tx) => {
    // The runner holds a due row while it carries it out: that one is no longer cancellable.
    const [row] = await tx.$queryRaw<Array<{ cycle_id: string }>>`
      SELECT cycle_id::text FROM scheduled_cycle_action WHERE id = ${id}::uuid AND done_at IS NULL AND cancelled_at IS NULL FOR UPDATE SKIP LOCKED`;
    if (!row) return false;
    await tx.scheduledCycleAction.update({ where: { id }, data: { cancelledAt: now(), cancelledById: actorUserId } });
    await recordAudit({ actorUserId, action: "cycle.schedule.cancel", entityType: "cycle", entityId: row.cycle_id, data: { scheduledId: id } }, tx);
    return true;
  });
}

/** The scheduled actions on the cycles of a year, newest day first. */
export async function listScheduled(year: number) {
  return prisma.scheduledCycleAction.findMany({
    where: { cycle: { startsOn: { gte: new Date(`${year}-01-01T00:00:00Z`), lte: new Date(`${year}-12-31T00:00:00Z`) } } },
    orderBy: [{ runOn: "desc" }, { createdAt: "desc" }],
    take: 200,
    include: {
      cycle: { select: { label: true, obligation: { select: { titleKo: true, titleEn: true } } } },
      unit: { select: { code: true, nameKo: true, nameEn: true } },
    },
  });
}

type Row = { id: string; cycle_id: string; action: string; new_due_on: string | null; unit_id: string | null; reason: string | null; close_in_flight: boolean; created_by_id: string };

/** However large the cycle, the hold on one action ends after this. */
const HOLD = { timeout: 10 * 60_000, maxWait: 30_000 };

/**
 * Carry out one due action, exactly once (ADR 022). Its row is held (FOR
 * UPDATE SKIP LOCKED) for the whole run, so a second runner skips it. Close,
 * extend and reopen take effect in that same transaction as `done_at` is set:
 * both commit or neither. Opening assigns a whole audience, which may take
 * longer than a transaction should stay open, so it runs on its own
 * (`openCycle` is repeatable: ON CONFLICT DO NOTHING, the status change
 * guarded), then the row is marked done; a crash between them makes the next
 * tick open again, which assigns nobody twice. A refusal (the cycle was
 * closed meanwhile, the date is past the period) is final: marked done and
 * failed with its reason. Any other error leaves it owed for the next tick.
 */
async function carryOut(id: string): Promise<"done" | "failed" | "skipped"> {
  let failure: unknown = null;
  const result = await prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<Row[]>`
      SELECT id::text, cycle_id::text, action, new_due_on, unit_id::text, reason, close_in_flight, created_by_id::text
      FROM scheduled_cycle_action WHERE id = ${id}::uuid AND done_at IS NULL AND cancelled_at IS NULL FOR UPDATE SKIP LOCKED`;
    if (!row) return "skipped" as const;
    const finish = (outcome: Prisma.InputJsonValue, failed: boolean) =>
      tx.$executeRaw`UPDATE scheduled_cycle_action SET done_at = now(), outcome = ${JSON.stringify(outcome)}::jsonb, failed = ${failed}, attempts = attempts + 1, last_error = NULL WHERE id = ${id}::uuid`;
    try {
      let count = 0;
      if (row.action === "open") {
        const cycle = await prisma.cycle.findUnique({ where: { id: row.cycle_id }, select: { status: true } });
        if (cycle?.status === "CLOSED") throw new CycleActionError("closedNoOpen");
        // Repeatable: a cycle an earlier attempt opened is opened again, assigning only who is missing.
        count = await openCycle(row.cycle_id, row.created_by_id);
      } else if (row.action === "close") {
        count = (await closeCycle(row.cycle_id, row.created_by_id, { ifInProgress: row.close_in_flight ? "confirmed" : "refuse", db: tx }))?.inProgress ?? 0;
      } else if (row.action === "extend") {
        count = await extendCycle(row.cycle_id, { dueOn: row.new_due_on ?? "", unitId: row.unit_id, reason: row.reason ?? "" }, row.created_by_id, tx);
      } else if (row.action === "reopen") {
        await reopenCycle(row.cycle_id, row.created_by_id, row.reason ?? "", tx);
      } else {
        throw new CycleActionError("unknownAction");
      }
      await finish({ count }, false);
      return "done" as const;
    } catch (e) {
      if (e instanceof CycleActionError) {
        await finish({ error: e.code, params: e.params }, true);
        return "failed" as const;
      }
      failure = e;
      await tx.$executeRaw`UPDATE scheduled_cycle_action SET attempts = attempts + 1, last_error = ${(e instanceof Error ? e.message : String(e)).slice(0, 1000)} WHERE id = ${id}::uuid`;
      return "skipped" as const;
    }
  }, HOLD);
  if (failure) throw failure;
  if (result === "done") {
    const row = await prisma.scheduledCycleAction.findUnique({ where: { id }, select: { action: true, cycleId: true } });
    if (row?.action === "open") await enqueueCycleOpened(row.cycleId).catch(() => undefined);
  }
  return result;
}

/** The tick's part: every scheduled action due by now and still owed, oldest first. */
export async function runDueCycleActions(at: Date = now()): Promise<{ done: number; failed: number; errors: number }> {
  const due = await prisma.scheduledCycleAction.findMany({
    where: { doneAt: null, cancelledAt: null, runAt: { lte: at } },
    orderBy: [{ runAt: "asc" }, { createdAt: "asc" }],
    select: { id: true },
    take: 50,
  });
  const tally = { done: 0, failed: 0, errors: 0 };
  for (const { id } of due) {
    try {
      const r = await carryOut(id);
      if (r === "done") tally.done++;
      else if (r === "failed") tally.failed++;
    } catch (e) {
      tally.errors++;
      console.warn(`[cycles] scheduled action ${id} left for the next tick: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return tally;
}

export { workInFlight };
