import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { inSendWindow, sendWindow } from "./send-window.server";

/**
 * Reminders people can live with. The database is the source of truth:
 * each assignment records the last reminder stage sent, and one statement
 * both writes the digests to the outbox and advances the stages (likewise for
 * escalations), so a tick that runs twice, or dies half-way, never sends the
 * same reminder twice. The two statements need no transaction around them:
 * each is atomic by itself, and for a nation each touches hundreds of
 * thousands of rows, longer than an interactive transaction may stay open.
 *
 * Stages, for an open assignment due at D (n = the number of days-before offsets):
 *   1..n      D - 30 days, D - 7 days, D - 1 day (REMINDER_DAYS_BEFORE)
 *   n + 1     the deadline day
 *   n + 1 + k k weeks after the deadline, k = 1..REMINDER_WEEKLY_AFTER_MAX
 * Only the latest stage reached is sent: someone assigned late is not sent
 * the 30-day reminder a week before the deadline.
 */

function policy() {
  const env = getEnv();
  return {
    daysBefore: env.REMINDER_DAYS_BEFORE.split(",").map(Number).sort((a, b) => b - a),
    weeklyMax: env.REMINDER_WEEKLY_AFTER_MAX,
    window: sendWindow(),
    escalateAfterDays: env.ESCALATE_AFTER_DAYS,
  };
}

/** What one statement of a tick wrote to the outbox: its rows share the template and the statement's moment. */
interface TickBatch {
  template: string;
  createdAt: Date;
}

export interface TickResult {
  skipped: "outside-window" | null;
  reminders: number;
  escalations: number;
  /** Where the tick's outbox rows are: read back a page at a time by tickOutboxPages, never held all at once. */
  batches: TickBatch[];
}

/** Outbox ids read back per page. */
const TICK_PAGE = 5_000;

/**
 * The outbox rows a tick wrote and still waiting, TICK_PAGE ids at a time, by
 * a keyset on the outbox's (status, created_at, id) index: a nation's 800,000
 * digests go to the mail queue page by page, and memory stays flat. The rows of
 * one statement share its moment (created_at is the transaction's); another
 * tick's rows of the same moment and template would come too, which is
 * harmless (queueing a row twice queues it once).
 */
export async function* tickOutboxPages(tick: TickResult, pageSize = TICK_PAGE): AsyncGenerator<string[]> {
  for (const batch of tick.batches) {
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const rows = await prisma.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM outbox_email
        WHERE status = 'PENDING' AND created_at = ${batch.createdAt}::timestamptz AND id > ${after}::uuid
          AND template = ${batch.template}
        ORDER BY status, created_at, id
        LIMIT ${pageSize}`;
      if (rows.length > 0) yield rows.map((r) => r.id);
      if (rows.length < pageSize) break;
      after = rows[rows.length - 1]!.id;
    }
  }
}

/**
 * One pass of the reminder engine at `now` (a parameter, so tests control the
 * clock), over every open cycle or only the given ones.
 */
export async function runReminderTick(now: Date, onlyCycleIds: string[] = []): Promise<TickResult> {
  const p = policy();
  if (!inSendWindow(now, p.window)) return { skipped: "outside-window", reminders: 0, escalations: 0, batches: [] };
  const n = p.daysBefore.length;
  // Stage reached by each open assignment, in one statement for everyone.
  // Each statement answers how many rows it wrote and their moment, not their ids (a nation's would not fit).
  const [reminders] = await prisma.$queryRaw<Array<{ n: number; at: Date | null }>>`
    WITH reached AS (
      SELECT a.id, a.person_id,
        CASE
          WHEN ${now}::timestamptz >= a.due_at THEN
            LEAST(${n} + 1 + floor(extract(epoch FROM ${now}::timestamptz - a.due_at) / (7 * 86400))::int, ${n} + 1 + ${p.weeklyMax})
          ELSE (SELECT count(*)::int FROM unnest(${p.daysBefore}::int[]) d WHERE ${now}::timestamptz >= a.due_at - make_interval(days => d))
        END AS stage
      FROM assignment a
      JOIN cycle c ON c.id = a.cycle_id AND c.status = 'OPEN'
      JOIN person p ON p.id = a.person_id AND p.status = 'ACTIVE'
      WHERE a.status IN ('ASSIGNED', 'IN_PROGRESS') AND a.due_at IS NOT NULL
        AND (cardinality(${onlyCycleIds}::uuid[]) = 0 OR c.id = ANY(${onlyCycleIds}::uuid[]))
    ),
    due AS (
      SELECT r.* FROM reached r JOIN assignment a ON a.id = r.id
      WHERE r.stage > a.last_reminder_stage AND r.stage > 0
    ),
    advanced AS (
      UPDATE assignment a SET last_reminder_stage = due.stage FROM due WHERE a.id = due.id RETURNING a.id
    ),
    digests AS (
      SELECT due.person_id,
        jsonb_agg(jsonb_build_object('assignmentId', due.id, 'stage', due.stage, 'overdue', due.stage > ${n}) ORDER BY due.id) AS items,
        md5(string_agg(due.id::text || ':' || due.stage, ',' ORDER BY due.id)) AS digest
      FROM due GROUP BY due.person_id
    ),
    written AS (
      INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
      SELECT 'reminder:' || d.person_id || ':' || d.digest, p.email, 'reminder-digest',
             COALESCE(u.locale, 'ko'::"Locale"), jsonb_build_object('personId', d.person_id, 'items', d.items)
      FROM digests d JOIN person p ON p.id = d.person_id
      LEFT JOIN app_user u ON u.person_id = p.id
      WHERE (SELECT count(*) FROM advanced) >= 0
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING created_at
    )
    SELECT count(*)::int AS n, min(created_at) AS at FROM written`;

  // Escalation: one digest per HR officer whose subtree holds people overdue past grace by the threshold.
  const [escalations] = await prisma.$queryRaw<Array<{ n: number; at: Date | null }>>`
    WITH RECURSIVE late AS (
      SELECT a.id, p.org_unit_id FROM assignment a
      JOIN cycle c ON c.id = a.cycle_id AND c.status = 'OPEN'
      JOIN person p ON p.id = a.person_id AND p.status = 'ACTIVE'
      WHERE a.status IN ('ASSIGNED', 'IN_PROGRESS') AND a.escalated_at IS NULL
        AND (cardinality(${onlyCycleIds}::uuid[]) = 0 OR c.id = ANY(${onlyCycleIds}::uuid[]))
        -- Officers hear of it once the cycle's grace period and the escalation delay have both passed.
        AND ${now}::timestamptz >= a.due_at + make_interval(days => c.grace_days + ${p.escalateAfterDays})
    ),
    up AS (
      SELECT l.id AS assignment_id, u.id AS unit_id, u.parent_id FROM late l JOIN org_unit u ON u.id = l.org_unit_id
      UNION ALL
      SELECT up.assignment_id, u.id, u.parent_id FROM up JOIN org_unit u ON u.id = up.parent_id
    ),
    officer_items AS (
      SELECT DISTINCT g.user_id, up.assignment_id FROM up
      JOIN role_grant g ON g.role = 'HR_OFFICER' AND g.org_unit_id = up.unit_id
    ),
    marked AS (
      UPDATE assignment a SET escalated_at = ${now}::timestamptz
      WHERE a.id IN (SELECT id FROM late) RETURNING a.id
    ),
    written AS (
      INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
      SELECT 'escalation:' || o.user_id || ':' || md5(string_agg(o.assignment_id::text, ',' ORDER BY o.assignment_id)),
             u.email, 'escalation-digest', u.locale,
             jsonb_build_object('userId', o.user_id, 'assignmentIds', jsonb_agg(o.assignment_id ORDER BY o.assignment_id))
      FROM officer_items o JOIN app_user u ON u.id = o.user_id AND u.disabled_at IS NULL
      WHERE (SELECT count(*) FROM marked) >= 0
      GROUP BY o.user_id, u.email, u.locale
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING created_at
    )
    SELECT count(*)::int AS n, min(created_at) AS at FROM written`;
  const batches = [
    { template: "reminder-digest", written: reminders },
    { template: "escalation-digest", written: escalations },
  ].flatMap(({ template, written }) => (written?.at ? [{ template, createdAt: written.at }] : []));
  return { skipped: null, reminders: reminders?.n ?? 0, escalations: escalations?.n ?? 0, batches };
}

/**
 * The reconciler: outbox rows still waiting (or left SENDING by a worker
 * that died) get their delivery work re-created from the database. How long
 * each waits first is configuration (OUTBOX_REQUEUE_AFTER_SECONDS, a minute;
 * OUTBOX_RECLAIM_AFTER_SECONDS, 15 minutes), measured on the database's clock
 * like the claim itself.
 */
export async function pendingDeliveries(olderThanMs = getEnv().OUTBOX_REQUEUE_AFTER_SECONDS * 1000): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ id: string }>>`
    UPDATE outbox_email SET status = 'PENDING'
    WHERE status = 'SENDING' AND claimed_at < now() - make_interval(secs => ${getEnv().OUTBOX_RECLAIM_AFTER_SECONDS})
    RETURNING id`;
  const pending = await prisma.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM outbox_email
    WHERE status = 'PENDING' AND created_at < now() - make_interval(secs => ${olderThanMs / 1000})
    ORDER BY created_at LIMIT 5000`;
  return [...new Set([...rows, ...pending].map((r) => r.id))];
}
