import { Prisma, prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { getEnv } from "~/utils/env.server";
import { cycleStates } from "./states.server";

/**
 * A cycle's counts today, per unit, staff category and grade (compliance_count, ADR 036). /hr and
 * /team read them instead of the whole cycle: a city-wide officer's page then reads a few thousand
 * rows, not every assignment, however many officers open it at once. The counts are refreshed by
 * one set-based statement; a page finding them older than COMPLIANCE_COUNTS_MAX_AGE_SECONDS shows
 * them with the moment they are as of and has them refreshed behind it, one refresh per cycle at a
 * time. As-of views of a past date still read the assignments.
 */

/** One advisory lock class for the refreshes; the cycle's hash is the lock's second key. */
const LOCK_CLASS = 36_001;
/** A refresh reads the whole cycle: at a nation's size, seconds. */
const REFRESH_TRANSACTION = { timeout: 10 * 60_000, maxWait: 60_000 };

/** The moment on the product's clock the counts read now are as of, refreshing them first when there are none or they are too old. */
export async function ensureCounts(cycleId: string): Promise<Date> {
  const maxAgeMs = getEnv().COMPLIANCE_COUNTS_MAX_AGE_SECONDS * 1000;
  const run = maxAgeMs === 0 ? null : await prisma.complianceCountRun.findUnique({ where: { cycleId } });
  if (run) {
    // Old by the machine's clock (how long ago they were written), or counted at another moment
    // than the product's clock now says (a rehearsal moved it): refreshed behind the page.
    const fresh = Date.now() - run.refreshedAt.getTime() <= maxAgeMs && Math.abs(now().getTime() - run.countedAt.getTime()) <= maxAgeMs;
    if (!fresh) void refreshCounts(cycleId, { wait: false }).catch((e: unknown) => console.warn(`compliance counts of cycle ${cycleId} not refreshed:`, e));
    return run.countedAt;
  }
  return (await refreshCounts(cycleId, { wait: true, unlessFresherThanMs: maxAgeMs }))!;
}

/**
 * Count the cycle afresh, as of the product's clock now, in one statement: rows that changed are
 * rewritten, rows no longer there removed, and the moment recorded with them, so a reader sees the
 * counts before or after, never half of them. Refreshes of one cycle take turns: `wait` waits for
 * the one running (and then, with `unlessFresherThanMs`, uses what it wrote); otherwise a refresh
 * already running means there is nothing to do. Returns the moment counted, or null when skipped.
 */
export async function refreshCounts(cycleId: string, opts: { wait: boolean; unlessFresherThanMs?: number }): Promise<Date | null> {
  return prisma.$transaction(async (tx) => {
    if (opts.wait) {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_CLASS}::int, hashtext(${cycleId}))`;
      if (opts.unlessFresherThanMs) {
        const run = await tx.complianceCountRun.findUnique({ where: { cycleId } });
        if (run && Date.now() - run.refreshedAt.getTime() <= opts.unlessFresherThanMs) return run.countedAt;
      }
    } else {
      const [lock] = await tx.$queryRaw<Array<{ got: boolean }>>`SELECT pg_try_advisory_xact_lock(${LOCK_CLASS}::int, hashtext(${cycleId})) AS got`;
      if (!lock?.got) return null;
    }
    const t = now();
    const counts = ["assigned", "completed", "in_person", "in_progress", "not_started", "exempted", "overdue"].map((c) => Prisma.raw(c));
    const list = Prisma.join(counts);
    await tx.$executeRaw`
      WITH ${cycleStates(cycleId, null, null, { at: t })},
      fresh AS MATERIALIZED (
        SELECT unit_id, staff_category, COALESCE(grade, 0) AS grade,
          count(*)::int AS assigned,
          count(*) FILTER (WHERE state = 'COMPLETED')::int AS completed,
          count(*) FILTER (WHERE in_person)::int AS in_person,
          count(*) FILTER (WHERE state = 'IN_PROGRESS')::int AS in_progress,
          count(*) FILTER (WHERE state = 'ASSIGNED')::int AS not_started,
          count(*) FILTER (WHERE state = 'EXEMPTED')::int AS exempted,
          count(*) FILTER (WHERE state IN ('ASSIGNED', 'IN_PROGRESS') AND due_at + (SELECT grace FROM at) < (SELECT t FROM at))::int AS overdue
        FROM states WHERE unit_id IS NOT NULL
        GROUP BY unit_id, staff_category, COALESCE(grade, 0)
      ),
      gone AS (
        DELETE FROM compliance_count k WHERE k.cycle_id = ${cycleId}::uuid
          AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.unit_id = k.unit_id AND f.staff_category = k.staff_category AND f.grade = k.grade)
      ),
      run AS (
        INSERT INTO compliance_count_run (cycle_id, counted_at, refreshed_at) VALUES (${cycleId}::uuid, ${t}, clock_timestamp())
        ON CONFLICT (cycle_id) DO UPDATE SET counted_at = EXCLUDED.counted_at, refreshed_at = EXCLUDED.refreshed_at
      )
      INSERT INTO compliance_count (cycle_id, unit_id, staff_category, grade, ${list})
      SELECT ${cycleId}::uuid, unit_id, staff_category, grade, ${list} FROM fresh
      ON CONFLICT (cycle_id, unit_id, staff_category, grade) DO UPDATE SET
        ${Prisma.join(counts.map((c) => Prisma.sql`${c} = EXCLUDED.${c}`))}
      WHERE (${Prisma.join(counts.map((c) => Prisma.sql`compliance_count.${c}`))}) IS DISTINCT FROM (${Prisma.join(counts.map((c) => Prisma.sql`EXCLUDED.${c}`))})`;
    return t;
  }, REFRESH_TRANSACTION);
}

/** The moment a cycle's counts are as of, if it has any. */
export async function countsAsOf(cycleId: string): Promise<Date | null> {
  return (await prisma.complianceCountRun.findUnique({ where: { cycleId }, select: { countedAt: true } }))?.countedAt ?? null;
}
