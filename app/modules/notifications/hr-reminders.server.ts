import { Prisma, prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { getEnv } from "~/utils/env.server";
import type { Actor } from "~/modules/auth/permissions.server";
import { subtreeScope } from "~/modules/org/org.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { queueDeliveries } from "./outbox.server";

/**
 * Reminders an HR officer sends by hand from a unit's list of people, beside
 * the scheduled ones (reminders.server.ts). Each goes through the outbox like
 * every other message. Nobody gets more than one such reminder within
 * HR_REMINDER_MIN_DAYS, whichever officer sends it, and nobody who has
 * finished or been exempted gets one: the officer is told how many were left
 * out and why.
 */

/** At most this many people are picked by hand in one request; "everyone not done" has no limit. */
export const MAX_PICKED = 2000;

export type ReminderSelection = { kind: "picked"; assignmentIds: string[] } | { kind: "pending" };

export interface HrReminderOutcome {
  /** Reminders written to the outbox. */
  queued: number;
  /** Picked people who have finished or were exempted meanwhile. */
  finished: number;
  /** Picked people reminded by hand within the last HR_REMINDER_MIN_DAYS. */
  recent: number;
  /** Picked assignments that are not of this unit and cycle in the officer's scope (nothing is said about them). */
  unknown: number;
}

/**
 * Remind people of `unitId` (in the officer's scope, checked in the query)
 * about their assignment of `cycleId`: the picked ones, or everyone not done.
 * One statement decides, marks and writes; the audit event is in the same
 * transaction; delivery work is queued after the commit (the reconciler
 * re-creates it if that step is lost).
 */
export async function remindNow(actor: Actor, cycleId: string, unitId: string, selection: ReminderSelection): Promise<HrReminderOutcome> {
  const picked = selection.kind === "picked" ? [...new Set(selection.assignmentIds)].slice(0, MAX_PICKED) : [];
  const empty: HrReminderOutcome = { queued: 0, finished: 0, recent: 0, unknown: picked.length };
  if (actor.hrScopeUnitIds.length === 0 || (selection.kind === "picked" && picked.length === 0)) return empty;
  const at = now();
  const since = new Date(at.getTime() - getEnv().HR_REMINDER_MIN_DAYS * 86_400_000);
  const all = selection.kind === "pending";
  const result = await prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<Array<{ found: number; finished: number; recent: number; ids: string[] | null }>>`
      ${subtreeScope(actor.hrScopeUnitIds)},
      picked AS (
        SELECT a.id, a.person_id, a.status, p.email, COALESCE(u.locale, 'ko'::"Locale") AS locale,
          EXISTS (SELECT 1 FROM assignment r WHERE r.person_id = a.person_id AND r.hr_reminded_at > ${since}) AS recent
        FROM assignment a
        JOIN cycle c ON c.id = a.cycle_id AND c.status = 'OPEN'
        JOIN person p ON p.id = a.person_id AND p.status = 'ACTIVE'
        LEFT JOIN app_user u ON u.person_id = p.id
        WHERE a.cycle_id = ${cycleId}::uuid AND p.org_unit_id = ${unitId}::uuid
          AND p.org_unit_id IN (SELECT id FROM scope)
          AND (${all} OR a.id = ANY(${picked}::uuid[]))
          AND (NOT ${all} OR a.status IN ('ASSIGNED', 'IN_PROGRESS'))
      ),
      marked AS (
        -- The time is checked again on the row itself: of two officers pressing at once, one wins.
        UPDATE assignment a SET hr_reminded_at = ${at}
        FROM picked k
        WHERE a.id = k.id AND k.status IN ('ASSIGNED', 'IN_PROGRESS') AND NOT k.recent
          AND (a.hr_reminded_at IS NULL OR a.hr_reminded_at <= ${since})
        RETURNING a.id, k.person_id, k.email, k.locale
      ),
      written AS (
        INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
        SELECT 'hr-reminder:' || m.id || ':' || ${at.toISOString()}, m.email, 'hr-reminder', m.locale,
          jsonb_build_object('personId', m.person_id, 'assignmentIds', jsonb_build_array(m.id), 'fromUserId', ${actor.userId}::text)
        FROM marked m
        ON CONFLICT (dedupe_key) DO NOTHING
        RETURNING id
      )
      SELECT (SELECT count(*) FROM picked)::int AS found,
        (SELECT count(*) FROM picked WHERE status NOT IN ('ASSIGNED', 'IN_PROGRESS'))::int AS finished,
        (SELECT count(*) FROM picked WHERE status IN ('ASSIGNED', 'IN_PROGRESS'))::int
          - (SELECT count(*) FROM written)::int AS recent,
        (SELECT array_agg(id::text) FROM written) AS ids`;
    const ids = row?.ids ?? [];
    const outcome: HrReminderOutcome = {
      queued: ids.length,
      finished: row?.finished ?? 0,
      recent: row?.recent ?? 0,
      unknown: all ? 0 : picked.length - (row?.found ?? 0),
    };
    if (ids.length > 0 || outcome.finished + outcome.recent > 0) {
      await recordAudit(
        {
          actorUserId: actor.userId,
          action: "assignment.remind",
          entityType: "org_unit",
          entityId: unitId,
          data: { cycleId, selection: selection.kind, picked: picked.length, ...outcome } as unknown as Prisma.InputJsonValue,
        },
        tx,
      );
    }
    return { outcome, ids };
  });
  await queueDeliveries(result.ids);
  return result.outcome;
}
