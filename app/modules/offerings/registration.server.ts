import { prisma, Prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions.server";
import { subtreeScope } from "~/modules/org/org.server";
import { queueDeliveries } from "~/modules/notifications/outbox.server";
import { parseEmployeeNumbers } from "~/modules/attendance/sessions.server";
import { isUuid } from "~/utils/ids";
import { now } from "~/utils/clock.server";
import type { RegistrationOutcome } from "./codes";

/**
 * Registering for a scheduled class (ADR 027). Every change to a class's registrations first
 * locks the class's row (SELECT … FOR UPDATE), so the seats are counted and given out one
 * transaction at a time: concurrent registrations queue on the lock, and each one, reading after
 * the one before committed, sees every seat taken. A full class puts people on its waiting list;
 * a seat given up goes to the first on the list, who is told.
 */

type Tx = Prisma.TransactionClient;
export type Verdict = "ok" | Exclude<RegistrationOutcome, "confirmed" | "waitlisted">;

interface LockedOffering {
  id: string;
  status: string;
  capacity: number;
  startsAt: Date;
  registrationClosesAt: Date;
  cancellationClosesAt: Date;
}

async function lockOffering(tx: Tx, offeringId: string): Promise<LockedOffering | null> {
  if (!isUuid(offeringId)) return null;
  const [row] = await tx.$queryRaw<LockedOffering[]>`
    SELECT id, status::text AS status, capacity, starts_at AS "startsAt", registration_closes_at AS "registrationClosesAt",
      cancellation_closes_at AS "cancellationClosesAt"
    FROM offering WHERE id = ${offeringId}::uuid FOR UPDATE`;
  return row ?? null;
}

/** Whether the class takes registrations at all now: not cancelled, not started, not past its deadline. */
function closedBecause(o: LockedOffering, at: Date): Verdict | null {
  if (o.status === "CANCELLED") return "cancelled";
  if (at >= o.startsAt) return "started";
  if (at > o.registrationClosesAt) return "closed";
  return null;
}

/**
 * For each person: may they register for the class, and if not, why. In one statement for any
 * number of people: who may come (anyone, people on the roll, or people of the chosen units'
 * subtrees), who holds a seat or a place on the list already, and who already has what the class
 * gives (its obligation's assignment for the cycle holding the class's day completed or exempted;
 * for a course, that course completed as an elective or in that cycle).
 */
export async function verdicts(db: Tx | typeof prisma, offeringId: string, personIds: string[]): Promise<Map<string, Verdict>> {
  const rows = await db.$queryRaw<Array<{ personId: string; verdict: Verdict }>>`
    WITH RECURSIVE o AS (
      SELECT id, audience, audience_unit_ids, obligation_id, course_id, (starts_at AT TIME ZONE 'Asia/Seoul')::date AS day
      FROM offering WHERE id = ${offeringId}::uuid
    ),
    aud AS (
      SELECT u.id FROM org_unit u JOIN o ON u.id = ANY(o.audience_unit_ids)
      UNION SELECT c.id FROM org_unit c JOIN aud a ON c.parent_id = a.id
    )
    SELECT p.id AS "personId",
      CASE
        WHEN r.status = 'CONFIRMED' THEN 'alreadyRegistered'
        WHEN r.status = 'WAITLISTED' THEN 'alreadyWaitlisted'
        WHEN p.status <> 'ACTIVE' THEN 'notEligible'
        WHEN NOT (o.audience = 'PUBLIC'
          OR (p.org_unit_id IS NOT NULL AND (o.audience = 'ALL_STAFF' OR p.org_unit_id IN (SELECT id FROM aud)))) THEN 'notEligible'
        WHEN EXISTS (
          SELECT 1 FROM assignment a LEFT JOIN cycle c ON c.id = a.cycle_id
          WHERE a.person_id = p.id
            AND ((o.obligation_id IS NOT NULL AND c.obligation_id = o.obligation_id AND a.status IN ('COMPLETED', 'EXEMPTED')
                  AND c.starts_on <= o.day AND c.ends_on >= o.day)
              OR (o.course_id IS NOT NULL AND a.course_id = o.course_id AND a.status = 'COMPLETED'
                  AND (a.cycle_id IS NULL OR (c.starts_on <= o.day AND c.ends_on >= o.day))))
        ) THEN 'alreadyDone'
        ELSE 'ok'
      END AS verdict
    FROM o CROSS JOIN person p
    LEFT JOIN offering_registration r ON r.offering_id = o.id AND r.person_id = p.id
    WHERE p.id = ANY(${personIds}::uuid[])`;
  return new Map(rows.map((r) => [r.personId, r.verdict]));
}

/**
 * Give seats to the people given, in order, while the class has any; the rest join its waiting
 * list in the same order. The caller holds the class's lock and has checked each person.
 * Someone whose earlier registration was cancelled gets the same row back.
 */
async function insertRegistrations(tx: Tx, offeringId: string, personIds: string[], actorUserId: string, at: Date) {
  if (personIds.length === 0) return [];
  return tx.$queryRaw<Array<{ id: string; personId: string; status: "CONFIRMED" | "WAITLISTED" }>>`
    WITH free AS (
      SELECT GREATEST(o.capacity - (SELECT count(*) FROM offering_registration r WHERE r.offering_id = o.id AND r.status = 'CONFIRMED'), 0) AS n
      FROM offering o WHERE o.id = ${offeringId}::uuid
    ),
    cand AS (SELECT t.person_id, t.ord FROM unnest(${personIds}::uuid[]) WITH ORDINALITY AS t(person_id, ord))
    INSERT INTO offering_registration (offering_id, person_id, status, queued_at, confirmed_at, registered_by_id)
    SELECT ${offeringId}::uuid, c.person_id,
      (CASE WHEN c.ord <= f.n THEN 'CONFIRMED' ELSE 'WAITLISTED' END)::"RegistrationStatus",
      ${at}::timestamptz + make_interval(secs => c.ord / 1000.0),
      CASE WHEN c.ord <= f.n THEN ${at}::timestamptz END,
      ${actorUserId}::uuid
    FROM cand c CROSS JOIN free f
    ON CONFLICT (offering_id, person_id) DO UPDATE SET status = EXCLUDED.status, queued_at = EXCLUDED.queued_at,
      confirmed_at = EXCLUDED.confirmed_at, cancelled_at = NULL, registered_by_id = EXCLUDED.registered_by_id
      WHERE offering_registration.status = 'CANCELLED'
    RETURNING id, person_id AS "personId", status::text AS status`;
}

/**
 * Fill the class's free seats from its waiting list, first come first served, while it has not
 * started. The caller holds the class's lock. Returns the registrations promoted.
 */
export async function promoteFromWaitlist(tx: Tx, offeringId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    WITH o AS (SELECT id, capacity FROM offering WHERE id = ${offeringId}::uuid AND status = 'SCHEDULED' AND starts_at > ${now()}::timestamptz),
    free AS (SELECT o.capacity - (SELECT count(*) FROM offering_registration r WHERE r.offering_id = o.id AND r.status = 'CONFIRMED') AS n FROM o),
    nxt AS (
      SELECT r.id FROM offering_registration r
      WHERE r.offering_id = ${offeringId}::uuid AND r.status = 'WAITLISTED'
      ORDER BY r.queued_at, r.id
      LIMIT GREATEST(COALESCE((SELECT n FROM free), 0), 0)
    )
    UPDATE offering_registration SET status = 'CONFIRMED', confirmed_at = ${now()}::timestamptz
    WHERE id IN (SELECT id FROM nxt)
    RETURNING id`;
  return rows.map((r) => r.id);
}

export type RegistrationMailKind = "confirmed" | "waitlisted" | "promoted" | "cancelled" | "changed" | "reminder";

/**
 * One message per registration, in one statement: a confirmation (with the calendar entry), a
 * place on the waiting list, or a seat that came free. The key names the registration and the
 * moment it changed, so a repeated write does nothing. Returns the outbox ids.
 */
export async function writeRegistrationMail(tx: Tx | typeof prisma, registrationIds: string[], kind: "confirmed" | "waitlisted" | "promoted"): Promise<string[]> {
  if (registrationIds.length === 0) return [];
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
    SELECT 'offering-' || ${kind} || ':' || r.id || ':' || floor(extract(epoch FROM COALESCE(r.confirmed_at, r.queued_at)) * 1000)::bigint,
           p.email, 'offering-registration', COALESCE(u.locale, 'ko'::"Locale"),
           jsonb_build_object('registrationId', r.id, 'kind', ${kind}::text)
    FROM offering_registration r
    JOIN person p ON p.id = r.person_id
    LEFT JOIN app_user u ON u.person_id = p.id
    WHERE r.id = ANY(${registrationIds}::uuid[])
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id`;
  return rows.map((r) => r.id);
}

/** Hand mail written by a committed transaction to the queue; if Redis is away, the worker's tick does it later. */
export async function deliverSoon(outboxIds: string[]) {
  if (outboxIds.length === 0) return;
  await queueDeliveries(outboxIds).catch((e: Error) => console.warn(`[offerings] delivery queued later: ${e.message}`));
}

export interface RegisterResult {
  outcome: RegistrationOutcome;
  registrationId?: string;
}

/** A learner registers for a class: a seat, a place on the waiting list, or why not. */
export async function register(personId: string, offeringId: string, actorUserId: string): Promise<RegisterResult | null> {
  const at = now();
  const result = await prisma.$transaction(async (tx) => {
    const o = await lockOffering(tx, offeringId);
    if (!o) return null;
    const closed = closedBecause(o, at);
    if (closed) return { result: { outcome: closed as RegistrationOutcome }, mail: [] };
    const verdict = (await verdicts(tx, offeringId, [personId])).get(personId) ?? "noPerson";
    if (verdict !== "ok") return { result: { outcome: verdict as RegistrationOutcome }, mail: [] };
    const [row] = await insertRegistrations(tx, offeringId, [personId], actorUserId, at);
    if (!row) return { result: { outcome: "alreadyRegistered" as const }, mail: [] };
    const outcome = row.status === "CONFIRMED" ? "confirmed" : "waitlisted";
    const mail = await writeRegistrationMail(tx, [row.id], outcome);
    await recordAudit({ actorUserId, action: "offering.register", entityType: "offering", entityId: offeringId, data: { personId, status: row.status } }, tx);
    return { result: { outcome, registrationId: row.id } as RegisterResult, mail };
  });
  if (!result) return null;
  await deliverSoon(result.mail);
  return result.result;
}

export type CancelOutcome = "cancelled" | "notRegistered" | "cancelClosed" | "notFound";

/**
 * A learner gives up their seat or their place on the waiting list. A seat can be given up until
 * the class's cancellation deadline (a place on the list at any time before the class); it goes
 * at once to the first on the list, who is told.
 */
export async function cancelRegistration(personId: string, offeringId: string, actorUserId: string): Promise<{ outcome: CancelOutcome; promoted: string[] }> {
  const at = now();
  const result = await prisma.$transaction(async (tx) => {
    const o = await lockOffering(tx, offeringId);
    if (!o) return { outcome: "notFound" as const, promoted: [], mail: [] };
    const reg = await tx.offeringRegistration.findUnique({ where: { offeringId_personId: { offeringId, personId } }, select: { id: true, status: true } });
    if (!reg || reg.status === "CANCELLED" || o.status === "CANCELLED") return { outcome: "notRegistered" as const, promoted: [], mail: [] };
    if (at >= o.startsAt || (reg.status === "CONFIRMED" && at > o.cancellationClosesAt)) return { outcome: "cancelClosed" as const, promoted: [], mail: [] };
    await tx.offeringRegistration.update({ where: { id: reg.id }, data: { status: "CANCELLED", cancelledAt: at } });
    const promoted = reg.status === "CONFIRMED" ? await promoteFromWaitlist(tx, offeringId) : [];
    const mail = await writeRegistrationMail(tx, promoted, "promoted");
    await recordAudit({ actorUserId, action: "offering.cancel-registration", entityType: "offering", entityId: offeringId, data: { personId, was: reg.status, promoted } }, tx);
    return { outcome: "cancelled" as const, promoted, mail };
  });
  await deliverSoon(result.mail);
  return { outcome: result.outcome, promoted: result.promoted };
}

export interface BulkResult {
  confirmed: number;
  waitlisted: number;
  /** People who could not be registered, by reason, with their employee numbers. */
  skipped: Partial<Record<Verdict, string[]>>;
}

export class BulkInputError extends Error {
  constructor(public code: "none" | "tooMany" | "unknown" | "closed" | "notFound", public numbers: string[] = []) {
    super(code);
  }
}

export const MAX_BULK = 500;

/**
 * An HR officer registers people of their units: employee numbers as pasted. Every number must
 * be someone active in the officer's subtrees (the scope is part of the query that finds them);
 * then, under the class's lock, those who may come are given seats and then waiting-list places
 * in the order given, and the rest are reported with the reason. One audit event.
 */
export async function bulkRegister(actor: Actor, offeringId: string, text: string): Promise<BulkResult> {
  const numbers = parseEmployeeNumbers(text);
  if (numbers.length === 0) throw new BulkInputError("none");
  if (numbers.length > MAX_BULK) throw new BulkInputError("tooMany");
  if (actor.hrScopeUnitIds.length === 0) throw new BulkInputError("unknown", numbers.slice(0, 20));
  const people = await prisma.$queryRaw<Array<{ no: string; personId: string | null }>>`
    ${subtreeScope(actor.hrScopeUnitIds)}
    SELECT n.no, p.id AS "personId"
    FROM unnest(${numbers}::text[]) WITH ORDINALITY AS n(no, ord)
    LEFT JOIN person p ON p.employee_no = n.no AND p.status = 'ACTIVE' AND p.org_unit_id IN (SELECT id FROM scope)
    ORDER BY n.ord`;
  const unknown = people.filter((p) => !p.personId).map((p) => p.no);
  if (unknown.length) throw new BulkInputError("unknown", unknown.slice(0, 20));
  const at = now();
  const result = await prisma.$transaction(async (tx) => {
    const o = await lockOffering(tx, offeringId);
    if (!o) throw new BulkInputError("notFound");
    if (closedBecause(o, at)) throw new BulkInputError("closed");
    const ids = people.map((p) => p.personId!);
    const v = await verdicts(tx, offeringId, ids);
    const skipped: BulkResult["skipped"] = {};
    for (const p of people) {
      const verdict = v.get(p.personId!) ?? "notEligible";
      if (verdict !== "ok") (skipped[verdict] ??= []).push(p.no);
    }
    const rows = await insertRegistrations(tx, offeringId, ids.filter((id) => v.get(id) === "ok"), actor.userId, at);
    const confirmed = rows.filter((r) => r.status === "CONFIRMED").map((r) => r.id);
    const waitlisted = rows.filter((r) => r.status === "WAITLISTED").map((r) => r.id);
    const mail = [...(await writeRegistrationMail(tx, confirmed, "confirmed")), ...(await writeRegistrationMail(tx, waitlisted, "waitlisted"))];
    await recordAudit(
      { actorUserId: actor.userId, action: "offering.bulk-register", entityType: "offering", entityId: offeringId, data: { employeeNos: numbers, confirmed: confirmed.length, waitlisted: waitlisted.length, skipped } },
      tx,
    );
    return { confirmed: confirmed.length, waitlisted: waitlisted.length, skipped, mail };
  });
  await deliverSoon(result.mail);
  return { confirmed: result.confirmed, waitlisted: result.waitlisted, skipped: result.skipped };
}

/**
 * The day-before reminders, from 09:00 in Seoul on the day before the class: one per seat, marked
 * on the registration and keyed by it in the outbox, so however often the worker's tick runs (or
 * runs twice at once) nobody gets two. Returns the outbox ids.
 */
export async function writeOfferingReminders(at: Date): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ id: string }>>`
    WITH due AS (
      UPDATE offering_registration r SET reminded_at = ${at}::timestamptz
      FROM offering o
      WHERE o.id = r.offering_id AND o.status = 'SCHEDULED' AND r.status = 'CONFIRMED' AND r.reminded_at IS NULL
        AND o.starts_at > ${at}::timestamptz
        AND (o.starts_at AT TIME ZONE 'Asia/Seoul')::date = (${at}::timestamptz AT TIME ZONE 'Asia/Seoul')::date + 1
        AND extract(hour FROM ${at}::timestamptz AT TIME ZONE 'Asia/Seoul') >= 9
      RETURNING r.id, r.person_id
    )
    INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
    SELECT 'offering-reminder:' || d.id, p.email, 'offering-registration', COALESCE(u.locale, 'ko'::"Locale"),
           jsonb_build_object('registrationId', d.id, 'kind', 'reminder')
    FROM due d JOIN person p ON p.id = d.person_id LEFT JOIN app_user u ON u.person_id = p.id
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id`;
  return rows.map((r) => r.id);
}
