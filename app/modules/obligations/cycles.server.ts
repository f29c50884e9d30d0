import { Prisma, prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { getEnv } from "~/utils/env.server";
import { isDateKey, seoulDateKey, seoulDayEnd } from "~/utils/i18n";
import { subtreeScope } from "~/modules/org/org.server";
import { now } from "~/utils/clock.server";
import { assertAudiencesNamed, ObligationAudienceError, unitsNotInChart } from "./audience.server";

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
    await assertAudiencesNamed([obligation.code], (code) => `obligation '${code}' (its file under content/obligations/)`).catch((e: unknown) => {
      if (!(e instanceof ObligationAudienceError)) throw e;
      // The academy's page says why in the reader's language; a scheduled opening records it as refused.
      throw new CycleAudienceError(e.message, { obligation: obligation.code, count: e.roots.length });
    });
  }
  const missing = (await unitsNotInChart([obligation.code])).get(obligation.code);
  if (missing) throw new CycleActionError("unitsNotInChart", { obligation: obligation.code, codes: missing.join(", ") });
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
 * `WITH RECURSIVE … audience AS (…)`: everyone the given cycles (closed ones
 * left out) owe to assign, one row per cycle and person: cycle_id, person_id,
 * course_id, org_unit_id, staff_category, the cycle's opened_at and due_at,
 * and for a duty owed on joining its within_days and the day the person
 * joined (joined_on; null for other duties). The one definition of a cycle's
 * audience: opening a cycle inserts these rows, and its preview counts them.
 *
 * The audience's units are the subtrees the file names (less those it leaves out, `except`), of
 * the kinds it names; a route naming grades reaches only people of those grades (ADR 032).
 *
 * Someone who comes into an open cycle's audience late (hired, moved in) is
 * added only while the cycle's period lasts, on `at`'s Seoul day: a cycle
 * left open after its period (for its grace, or until the academy closes it)
 * takes nobody new. The first opening assigns the whole audience whenever it
 * happens.
 *
 * A duty owed on joining (ADR 026) is owed by those of its audience who joined
 * during its cycle's year and whose time to do it had not run out when the
 * cycle opened (`at` for a cycle not yet opened): people who were there long
 * before the duty existed do not owe it. Someone joins on their hire date
 * (the personnel file's), or on the day they moved into the duty's units from
 * a unit outside them, whichever is later; their last such move counts.
 */
export function audienceOf(cycleIds: string[], at: Date = now()): Prisma.Sql {
  return Prisma.sql`WITH RECURSIVE targets AS (
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
    -- The subtrees the file leaves out (audience.except), wherever they lie.
    excluded_units AS (
      SELECT t.cycle_id, u.id FROM targets t
      JOIN obligation o ON o.id = t.obligation_id
      JOIN org_unit u ON u.code = ANY(o.audience_except_codes)
      UNION
      SELECT x.cycle_id, c.id FROM org_unit c JOIN excluded_units x ON c.parent_id = x.id
    ),
    -- The audience's units, as a list the planner can count: the recursive step above is estimated
    -- at a few hundred rows whatever the tree, which would make it read people unit by unit.
    units AS MATERIALIZED (
      SELECT a.cycle_id, u.id FROM audience_units a
      JOIN targets t ON t.cycle_id = a.cycle_id
      JOIN obligation o ON o.id = t.obligation_id
      JOIN org_unit u ON u.id = a.id AND u.kind = ANY(o.unit_kinds)
      WHERE NOT EXISTS (SELECT 1 FROM excluded_units x WHERE x.cycle_id = a.cycle_id AND x.id = a.id)
    ),
    joining_cycles AS MATERIALIZED (
      SELECT t.cycle_id, o.joining_within_days AS within_days, c.starts_on FROM targets t
      JOIN cycle c ON c.id = t.cycle_id
      JOIN obligation o ON o.id = t.obligation_id WHERE o.joining_within_days IS NOT NULL
    ),
    -- For duties owed on joining only: every stay of the people now in their units, inside them or
    -- not; only of those who may have joined in the year (hired in it, without a hire date, or placed
    -- somewhere in it): anyone else joined before it, whichever stay counts.
    stays AS (
      SELECT jc.cycle_id, pl.person_id, pl.valid_from, (ins.id IS NOT NULL) AS inside,
        lag(ins.id IS NOT NULL) OVER w AS was_inside, row_number() OVER w = 1 AS first
      FROM joining_cycles jc
      JOIN units cur ON cur.cycle_id = jc.cycle_id
      JOIN person p ON p.org_unit_id = cur.id AND p.status = 'ACTIVE'
        AND (p.hired_on IS NULL OR p.hired_on >= jc.starts_on
          OR EXISTS (SELECT 1 FROM person_placement y WHERE y.person_id = p.id AND y.valid_from >= jc.starts_on - 1))
      JOIN person_placement pl ON pl.person_id = p.id
      LEFT JOIN units ins ON ins.cycle_id = jc.cycle_id AND ins.id = pl.org_unit_id
      WINDOW w AS (PARTITION BY jc.cycle_id, pl.person_id ORDER BY pl.valid_from)
    ),
    -- The last time each came in from outside (or their first stay).
    entries AS (
      SELECT DISTINCT ON (cycle_id, person_id) cycle_id, person_id, valid_from, first
      FROM stays WHERE inside AND NOT COALESCE(was_inside, false)
      ORDER BY cycle_id, person_id, valid_from DESC
    ),
    candidates AS (
      SELECT c.id AS cycle_id, p.id AS person_id, r.course_id, p.org_unit_id, p.staff_category, c.opened_at, c.due_at,
        c.starts_on, c.ends_on, jc.within_days,
        -- Joined with their first stay: the hire date the file gave, else the day the roll first had them.
        -- Moved in later: the day of the move, or a later hire date (someone who came back).
        CASE WHEN jc.cycle_id IS NULL THEN NULL
             WHEN e.first IS NOT FALSE THEN COALESCE(p.hired_on, (e.valid_from AT TIME ZONE 'Asia/Seoul')::date)
             ELSE GREATEST((e.valid_from AT TIME ZONE 'Asia/Seoul')::date, p.hired_on) END AS joined_on
      FROM units un
      JOIN cycle c ON c.id = un.cycle_id AND c.status <> 'CLOSED'
      JOIN obligation_route r ON r.obligation_id = c.obligation_id AND (r.period = '' OR r.period = c.period)
      JOIN person p ON p.org_unit_id = un.id AND p.staff_category = r.staff_category AND p.status = 'ACTIVE'
        -- A route naming grades reaches only people of those grades; one naming none, every grade.
        AND (r.grade_from IS NULL OR p.grade BETWEEN r.grade_from AND r.grade_to)
      LEFT JOIN joining_cycles jc ON jc.cycle_id = c.id
      LEFT JOIN entries e ON e.cycle_id = c.id AND e.person_id = p.id
    ),
    -- Once a cycle is open, someone who joins it late is added only while its period lasts: a
    -- new hire of December does not owe the first half, and one of January not last year.
    audience AS (
      SELECT cycle_id, person_id, course_id, org_unit_id, staff_category, opened_at, due_at, within_days, joined_on
      FROM candidates
      WHERE (within_days IS NULL AND (opened_at IS NULL OR (${at}::timestamptz AT TIME ZONE 'Asia/Seoul')::date <= ends_on))
        OR (joined_on BETWEEN starts_on AND ends_on
          AND joined_on + within_days >= (COALESCE(opened_at, ${at}::timestamptz) AT TIME ZONE 'Asia/Seoul')::date)
    )`;
}

/**
 * The end, in Seoul, of the day `days` after `at`'s Seoul day, as SQL: where
 * a late joiner's fair deadline falls (never at the time of day they were assigned).
 */
function seoulDayEndAfter(at: Date, days: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`((((${at}::timestamptz AT TIME ZONE 'Asia/Seoul')::date + ${days})) + time '23:59:59.999') AT TIME ZONE 'Asia/Seoul'`;
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
 *
 * Deadlines, each at the end of a day in Seoul: the cycle's own for those
 * assigned when it opens; for someone who joins an open cycle late, at least
 * LATE_JOINER_DAYS after the day they are assigned. For a duty owed on joining,
 * `within_days` after the day they joined; someone told of it late (a file
 * that reports a hire weeks after the fact, a duty loaded after they joined)
 * still gets the lesser of LATE_JOINER_DAYS and `within_days` from the day
 * they are assigned (ADR 026).
 */
export async function assignAudiences(cycleIds: string[], at: Date): Promise<Record<string, number>> {
  if (cycleIds.length === 0) return {};
  const late = getEnv().LATE_JOINER_DAYS;
  const rows = await prisma.$queryRaw<Array<{ cycle_id: string; created: number }>>`
    ${audienceOf(cycleIds, at)},
    created AS (
      INSERT INTO assignment (cycle_id, person_id, course_id, due_at, assigned_at)
      SELECT a.cycle_id, a.person_id, a.course_id,
        CASE WHEN a.within_days IS NOT NULL THEN GREATEST(
               ((a.joined_on + a.within_days) + time '23:59:59.999') AT TIME ZONE 'Asia/Seoul',
               ${seoulDayEndAfter(at, Prisma.sql`LEAST(a.within_days, ${late}::int)`)})
             WHEN a.opened_at IS NULL THEN a.due_at
             ELSE GREATEST(a.due_at, ${seoulDayEndAfter(at, Prisma.sql`${late}::int`)}) END,
        ${at}::timestamptz
      FROM audience a
      ON CONFLICT (cycle_id, person_id) DO NOTHING
      RETURNING cycle_id
    )
    SELECT cycle_id::text, count(*)::int AS created FROM created GROUP BY cycle_id`;
  return Object.fromEntries(rows.map((r) => [r.cycle_id, r.created]));
}

/**
 * The dates of one period of an obligation: its window and its deadline (end
 * of day, Asia/Seoul). A duty owed on joining (`withinDays`) has one standing
 * cycle a year; its deadline is the latest any of that year's joiners can
 * have, `withinDays` after 31 December (each assignment carries its own).
 */
export function cycleWindow(year: number, period: "" | "H1" | "H2", deadlines: Record<string, string>, withinDays: number | null = null) {
  const [startMonth, endMonth, endDay] = period === "H1" ? ["01", "06", "30"] : period === "H2" ? ["07", "12", "31"] : ["01", "12", "31"];
  const window = {
    label: period ? `${year}-${period}` : String(year),
    period,
    startsOn: new Date(`${year}-${startMonth}-01T00:00:00Z`),
    endsOn: new Date(`${year}-${endMonth}-${endDay}T00:00:00Z`),
  };
  if (withinDays !== null) {
    if (period) throw new CycleStateError("a duty owed on joining has one cycle a year");
    const last = new Date(Date.UTC(year, 11, 31 + withinDays)).toISOString().slice(0, 10);
    return { ...window, dueAt: seoulDayEnd(last) };
  }
  const deadline = deadlines[period];
  if (!deadline) throw new CycleStateError(`no deadline for period '${period || "year"}'`);
  return { ...window, dueAt: seoulDayEnd(`${year}-${deadline}`) };
}

/** Create (or find) the cycle of an obligation for a year and period, not yet opened. */
export async function planCycle(obligationCode: string, year: number, period: "" | "H1" | "H2") {
  const obligation = await prisma.obligation.findUnique({ where: { code: obligationCode } });
  if (!obligation) throw new CycleStateError(`obligation ${obligationCode} not found`);
  const expectsHalves = obligation.cycleKind === "HALF_YEAR";
  if (expectsHalves !== (period !== "")) throw new CycleStateError(`${obligationCode} does not have period '${period}'`);
  const window = cycleWindow(year, period, obligation.deadlines as Record<string, string>, obligation.joiningWithinDays);
  return prisma.cycle.upsert({
    where: { obligationId_label: { obligationId: obligation.id, label: window.label } },
    create: { obligationId: obligation.id, graceDays: obligation.graceDays, inPersonSharePercent: obligation.inPersonSharePercent, ...window },
    update: {},
  });
}

type Db = Prisma.TransactionClient | typeof prisma;

/**
 * A refusal the academy's page explains: `code` names the message
 * (`cycles.error.<code>`), `params` fill it in.
 */
export class CycleActionError extends CycleStateError {
  constructor(
    readonly code: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${code}${Object.keys(params).length ? ` ${JSON.stringify(params)}` : ""}`);
  }
}

/** Opening a cycle of a duty that names no units while the database holds several organizations. */
export class CycleAudienceError extends CycleActionError {
  constructor(message: string, params: { obligation: string; count: number }) {
    super("noAudience", params);
    this.message = message;
  }
}

/** How many of a cycle's assignments are still being worked on, and how many not started. */
export async function workInFlight(cycleId: string, db: Db = prisma): Promise<{ inProgress: number; notStarted: number }> {
  const [row] = await db.$queryRaw<Array<{ in_progress: number; not_started: number }>>`
    SELECT count(*) FILTER (WHERE status = 'IN_PROGRESS')::int AS in_progress,
           count(*) FILTER (WHERE status = 'ASSIGNED')::int AS not_started
    FROM assignment WHERE cycle_id = ${cycleId}::uuid`;
  return { inProgress: row?.in_progress ?? 0, notStarted: row?.not_started ?? 0 };
}

/**
 * Close a cycle: its records are frozen; nothing is deleted. With
 * `ifInProgress: "refuse"`, a cycle in which someone has started but not
 * finished stays open, and the refusal says how many (the academy confirms
 * and asks again with "confirmed"; both record the counts in the audit). Runs in `db` when given (a scheduled close
 * marks itself done in the same transaction).
 */
export async function closeCycle(cycleId: string, actorUserId: string | null, opts: { ifInProgress?: "close" | "refuse" | "confirmed"; db?: Db } = {}) {
  const run = async (tx: Db) => {
    // Counted only when the caller asked to be stopped by it: the plain close is one statement.
    const flight = opts.ifInProgress === "refuse" || opts.ifInProgress === "confirmed" ? await workInFlight(cycleId, tx) : null;
    if (opts.ifInProgress === "refuse" && flight && flight.inProgress > 0) throw new CycleActionError("inProgress", { count: flight.inProgress });
    // Closing and its audit event in one statement; no row: the cycle was not open (or not there).
    const closed = await tx.$queryRaw<Array<{ id: bigint }>>`
      WITH closed AS (
        UPDATE cycle SET status = 'CLOSED', closed_at = ${now()} WHERE id = ${cycleId}::uuid AND status = 'OPEN' RETURNING id
      )
      INSERT INTO audit_event (actor_user_id, action, entity_type, entity_id, data)
      SELECT ${actorUserId}::uuid, 'cycle.close', 'cycle', closed.id::text, ${flight ? JSON.stringify(flight) : null}::jsonb FROM closed
      RETURNING id`;
    if (closed.length === 0) throw new CycleActionError("notOpenToClose");
    return flight;
  };
  if (opts.db) return run(opts.db);
  // Without the count, one statement needs no transaction around it.
  return opts.ifInProgress === "refuse" || opts.ifInProgress === "confirmed" ? prisma.$transaction(run) : run(prisma);
}

/** Reopen a closed cycle, with a reason: its people can work on it again, and it counts as running. */
export async function reopenCycle(cycleId: string, actorUserId: string | null, reason: string, db?: Db) {
  const why = reason.trim();
  if (!why) throw new CycleActionError("reasonRequired");
  const run = async (tx: Db) => {
    const updated = await tx.cycle.updateMany({ where: { id: cycleId, status: "CLOSED" }, data: { status: "OPEN", closedAt: null } });
    if (updated.count === 0) throw new CycleActionError("notClosed");
    await recordAudit({ actorUserId, action: "cycle.reopen", entityType: "cycle", entityId: cycleId, reason: why }, tx);
  };
  return db ? run(db) : prisma.$transaction(run);
}

export interface Extension {
  /** The new deadline's day, YYYY-MM-DD: the end of that day in Seoul. */
  dueOn: string;
  /** Only the people of this unit and the units under it; null: everyone. */
  unitId: string | null;
  reason: string;
}

/**
 * Move a cycle's deadline later, for everyone or for one unit's subtree,
 * with a reason. Never past the last day of the cycle's period: the next
 * period is another cycle. For everyone, the cycle's own deadline moves (so
 * people assigned later get it too) and so does every unfinished assignment
 * whose deadline is earlier; for a unit, the unfinished assignments of the
 * people now in its subtree, in one statement. Finished and exempted records
 * keep the deadline they had. Audited with the old and new deadline and how
 * many people's deadline moved. Returns that number.
 */
export async function extendCycle(cycleId: string, ext: Extension, actorUserId: string | null, db?: Db): Promise<number> {
  const reason = ext.reason.trim();
  if (!reason) throw new CycleActionError("reasonRequired");
  if (!isDateKey(ext.dueOn)) throw new CycleActionError("badDate");
  const run = async (tx: Db) => {
    const cycle = await tx.cycle.findUnique({ where: { id: cycleId }, include: { obligation: { select: { joiningWithinDays: true } } } });
    if (!cycle) throw new CycleActionError("notFound");
    if (cycle.status === "CLOSED") throw new CycleActionError("closedNoExtend");
    if (ext.unitId && cycle.status !== "OPEN") throw new CycleActionError("unitNeedsOpen");
    // A duty owed on joining has no one deadline: each joiner's is their own, the latest of them the
    // cycle's (ADR 026). Extending moves the earlier ones, up to that latest day, and not the cycle's.
    const joining = cycle.obligation.joiningWithinDays !== null;
    const periodEnd = joining ? seoulDateKey(cycle.dueAt) : cycle.endsOn.toISOString().slice(0, 10);
    if (ext.dueOn > periodEnd) throw new CycleActionError("pastPeriod", { end: periodEnd, label: cycle.label });
    const dueAt = seoulDayEnd(ext.dueOn);
    if (!joining && dueAt <= cycle.dueAt) throw new CycleActionError("notLater", { due: seoulDateKey(cycle.dueAt) });
    let changed: number;
    let unitCode: string | null = null;
    if (ext.unitId) {
      const unit = await tx.orgUnit.findUnique({ where: { id: ext.unitId }, select: { code: true } });
      if (!unit) throw new CycleActionError("unitNotFound");
      unitCode = unit.code;
      changed = await tx.$executeRaw`
        ${subtreeScope([ext.unitId])}
        UPDATE assignment a SET due_at = ${dueAt}
        FROM person p
        WHERE a.cycle_id = ${cycleId}::uuid AND a.status IN ('ASSIGNED', 'IN_PROGRESS') AND a.due_at < ${dueAt}
          AND p.id = a.person_id AND p.org_unit_id IN (SELECT id FROM scope)`;
    } else {
      if (!joining) await tx.cycle.update({ where: { id: cycleId }, data: { dueAt } });
      changed = await tx.$executeRaw`
        UPDATE assignment SET due_at = ${dueAt}
        WHERE cycle_id = ${cycleId}::uuid AND status IN ('ASSIGNED', 'IN_PROGRESS') AND due_at < ${dueAt}`;
    }
    await recordAudit(
      {
        actorUserId,
        action: "cycle.extend",
        entityType: "cycle",
        entityId: cycleId,
        reason,
        data: { from: seoulDateKey(cycle.dueAt), to: ext.dueOn, unitId: ext.unitId, unitCode, changed },
      },
      tx,
    );
    return changed;
  };
  return db ? run(db) : prisma.$transaction(run, { timeout: 10 * 60_000 });
}
