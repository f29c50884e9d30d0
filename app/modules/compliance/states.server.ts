import { Prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { placedAt } from "~/modules/org/org.server";

/** Where an assignment `a` stood at the moment `t`: COMPLETED, EXEMPTED, IN_PROGRESS or ASSIGNED. */
export function assignmentState(t: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`CASE
          WHEN a.completed_at <= ${t} THEN 'COMPLETED'
          WHEN a.status = 'EXEMPTED' AND COALESCE(a.exempted_at, ${t}) <= ${t} THEN 'EXEMPTED'
          WHEN a.started_at <= ${t} THEN 'IN_PROGRESS'
          ELSE 'ASSIGNED'
        END`;
}

/**
 * The `at` and `states` CTEs every compliance view is read from: each
 * assignment of the cycle as it stood at `asOf` (the clock's now when null).
 * Today, people count in their current unit and people who left are not
 * counted. With a date, people count in the unit they sat in then (their
 * placement history), someone who left later still counts, and only what was
 * assigned, started, completed or exempted by then is seen. Staff category
 * and grade are today's: their history is not kept. `people`, when given,
 * limits the rows to those people (SQL yielding person ids) before anything
 * else is joined. `at` is today's moment when it is not the clock's now (the
 * counts, which record it).
 */
export function cycleStates(cycleId: string, asOf: Date | null, people: Prisma.Sql | null = null, opts: { anyUnit?: boolean; at?: Date } = {}): Prisma.Sql {
  // The moment and whether it is a past one go into the statement as such (not read from a CTE),
  // so that today's view plans without the placement history at all.
  const t = Prisma.sql`${asOf ?? opts.at ?? now()}::timestamptz`;
  const historical = asOf !== null ? Prisma.sql`true` : Prisma.sql`false`;
  // When which unit someone sat in does not matter (anyUnit), neither does their placement history.
  const placed = opts.anyUnit ? { ...placedAt(t, Prisma.sql`false`), counted: placedAt(t, historical).counted } : placedAt(t, historical);
  return Prisma.sql`
    at AS (
      SELECT ${t} AS t, ${historical} AS historical,
        (SELECT make_interval(days => grace_days) FROM cycle WHERE id = ${cycleId}::uuid) AS grace
    ),
    states AS (
      SELECT a.id AS assignment_id, p.id AS person_id, ${placed.unit} AS unit_id, a.due_at,
        p.staff_category, p.grade,
        ${assignmentState(t)} AS state,
        CASE WHEN a.completed_at <= ${t} THEN a.completed_at END AS completed_at,
        CASE WHEN a.completed_at <= ${t} THEN a.completion_mode::text END AS completion_mode,
        a.completed_at <= ${t} AND a.completion_mode = 'IN_PERSON' AS in_person
      FROM assignment a
      JOIN person p ON p.id = a.person_id
      ${placed.join}
      WHERE a.cycle_id = ${cycleId}::uuid AND a.assigned_at <= ${t} AND ${placed.counted}
        ${people ? Prisma.sql`AND a.person_id IN (${people})` : Prisma.empty}
    )`;
}
