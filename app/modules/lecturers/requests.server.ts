import { z } from "zod";
import type { Locale } from "~/generated/prisma/enums";
import { prisma, Prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions.server";
import { takeToken } from "~/modules/auth/throttle.server";
import { queueDeliveries } from "~/modules/notifications/outbox.server";
import { ACCESSIBILITY, DISTRICTS } from "~/modules/offerings/codes";
import { seoulMoment } from "~/modules/offerings/offerings.server";
import { now } from "~/utils/clock.server";
import { isUuid } from "~/utils/ids";
import { isDateKey, seoulDateKey, seoulDayStart, seoulYear } from "~/utils/i18n";
import { plainText, stripInvisible } from "~/utils/text";
import { LECTURER_FIELDS, REQUESTER_KINDS } from "./codes";
import { AUDIENCE_MAX, AUDIENCE_MIN, DURATION_MAX, DURATION_MIN, dutyForTopic, EXPIRED, REQUEST_STATUSES, REQUEST_TOPICS, WINDOW_MAX_DAYS, type OfferProblem } from "./request-codes";

/**
 * Lecture requests (ADR 035): a public body, company, welfare facility or group asks for a lecture
 * on the public form; the academy ranks the appointed lecturers for a time within the requested
 * window and offers the lecture to one of them (or several), and may withdraw an offer. The
 * lecturer's answer is in offers.server.ts.
 */

type Tx = Prisma.TransactionClient;

/** A datetime-local value ("2026-12-06T18:00"), read as Seoul time. */
const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, "invalid").refine((v) => isDateKey(v.slice(0, 10)), "invalid");
const formNumber = z.union([z.string(), z.number()]).transform((v) => (typeof v === "number" ? v : v.trim() === "" ? NaN : Number(v)));
const text = (min: number, max: number) => z.string().default("").transform(plainText).pipe(z.string().min(min, min > 0 ? "required" : "length").max(max, "length"));

export function fromSeoulLocal(value: string): Date {
  return seoulMoment(value.slice(0, 10), value.slice(11, 16));
}

export const RequestSchema = z
  .object({
    organizationName: text(1, 200),
    organizationKind: z.enum(REQUESTER_KINDS, { message: "required" }),
    contactName: text(1, 100),
    contactEmail: z.string().default("").transform((v) => v.trim().toLowerCase()).pipe(z.string().min(1, "required").max(254, "length").email("email")),
    contactPhone: z.string().default("").transform(plainText).pipe(z.string().max(30, "length").regex(/^[0-9+()\- ]*$/, "invalid")),
    topic: z.enum(REQUEST_TOPICS as [string, ...string[]], { message: "required" }),
    field: z.enum(LECTURER_FIELDS, { message: "required" }),
    audienceDescription: text(1, 300),
    audienceSize: formNumber.pipe(z.number({ message: "size" }).int("size").min(AUDIENCE_MIN, "size").max(AUDIENCE_MAX, "size")),
    from: localDateTime,
    to: localDateTime,
    durationMinutes: formNumber.pipe(z.number({ message: "duration" }).int("duration").min(DURATION_MIN, "duration").max(DURATION_MAX, "duration")),
    place: text(2, 300),
    district: z.enum(DISTRICTS, { message: "required" }),
    accessibilityNeeds: z.array(z.enum(ACCESSIBILITY)).default([]),
    note: z.string().default("").transform((v) => stripInvisible(v).replace(/\r\n?/g, "\n").trim()).pipe(z.string().max(2000, "length")),
  })
  .superRefine((v, ctx) => {
    const from = fromSeoulLocal(v.from);
    const to = fromSeoulLocal(v.to);
    if (from <= now()) ctx.addIssue({ code: "custom", path: ["from"], message: "past" });
    if (to <= from) ctx.addIssue({ code: "custom", path: ["to"], message: "endBeforeStart" });
    else if (to.getTime() - from.getTime() < v.durationMinutes * 60_000) ctx.addIssue({ code: "custom", path: ["to"], message: "tooShort" });
    if (to.getTime() - now().getTime() > WINDOW_MAX_DAYS * 86_400_000) ctx.addIssue({ code: "custom", path: ["to"], message: "tooFar" });
  });

export type RequestInput = z.input<typeof RequestSchema>;
export type RequestField = keyof RequestInput;
const ERROR_CODES = ["required", "email", "length", "invalid", "size", "duration", "past", "endBeforeStart", "tooShort", "tooFar"];
export type RequestErrors = Partial<Record<RequestField, string>>;

/** The form's fields as the schema reads them (checkboxes under one name). */
export function requestInputFromForm(form: FormData): RequestInput {
  const get = (name: string) => String(form.get(name) ?? "");
  return {
    organizationName: get("organizationName"),
    organizationKind: get("organizationKind") as RequestInput["organizationKind"],
    contactName: get("contactName"),
    contactEmail: get("contactEmail"),
    contactPhone: get("contactPhone"),
    topic: get("topic"),
    field: get("field") as RequestInput["field"],
    audienceDescription: get("audienceDescription"),
    audienceSize: get("audienceSize"),
    from: get("from"),
    to: get("to"),
    durationMinutes: get("durationMinutes"),
    place: get("place"),
    district: get("district") as RequestInput["district"],
    accessibilityNeeds: form.getAll("accessibilityNeeds").map(String) as RequestInput["accessibilityNeeds"],
    note: get("note"),
  };
}

/** At most this many requests an hour from one address, and for one contact address. */
export const REQUEST_THROTTLE = { perIp: 5, perEmail: 3, windowMinutes: 60 };

export type CreateRequestResult = { ok: true; id: string } | { ok: false; errors: RequestErrors } | { ok: false; throttled: true };

/**
 * A lecture request from the public form. Refused with a field's reason (an impossible window,
 * a size out of range, no way to reach the contact); throttled per address and per contact like
 * citizen registration. The request, its acknowledgement in the outbox and the audit event are
 * one transaction. A signed-in city employee asking as a public body asks for their unit's staff.
 */
export async function createLectureRequest(input: RequestInput, by: { userId: string | null; ip: string | null; locale: Locale }): Promise<CreateRequestResult> {
  const parsed = RequestSchema.safeParse(input);
  if (!parsed.success) {
    const errors: RequestErrors = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as RequestField;
      errors[field] ??= ERROR_CODES.includes(issue.message) ? issue.message : "invalid";
    }
    return { ok: false, errors };
  }
  const v = parsed.data;
  const allowed = await takeToken(
    [{ key: `lecture-request:email:${v.contactEmail}`, max: REQUEST_THROTTLE.perEmail }, ...(by.ip ? [{ key: `lecture-request:ip:${by.ip}`, max: REQUEST_THROTTLE.perIp }] : [])],
    REQUEST_THROTTLE.windowMinutes,
  );
  if (!allowed) return { ok: false, throttled: true };
  const unit =
    by.userId && v.organizationKind === "PUBLIC_BODY"
      ? await prisma.user.findUnique({ where: { id: by.userId }, select: { person: { select: { orgUnitId: true, status: true } } } })
      : null;
  const orgUnitId = unit?.person?.status === "ACTIVE" ? (unit.person.orgUnitId ?? null) : null;
  const { id, outboxId } = await prisma.$transaction(async (tx) => {
    const row = await tx.lectureRequest.create({
      data: {
        organizationName: v.organizationName,
        organizationKind: v.organizationKind,
        orgUnitId,
        contactName: v.contactName,
        contactEmail: v.contactEmail,
        contactPhone: v.contactPhone,
        topic: v.topic,
        field: v.field,
        audienceDescription: v.audienceDescription,
        audienceSize: v.audienceSize,
        preferredFrom: fromSeoulLocal(v.from),
        preferredTo: fromSeoulLocal(v.to),
        durationMinutes: v.durationMinutes,
        place: v.place,
        district: v.district,
        accessibilityNeeds: [...new Set(v.accessibilityNeeds)],
        note: v.note,
        requestedByUserId: by.userId,
        createdAt: now(),
      },
      select: { id: true },
    });
    const mail = await tx.outboxEmail.create({
      data: { dedupeKey: `lecture-request-received:${row.id}`, toAddress: v.contactEmail, template: "lecture-request", locale: by.locale, payload: { requestId: row.id, kind: "received" } },
      select: { id: true },
    });
    await recordAudit(
      { actorUserId: by.userId, action: "lecture_request.create", entityType: "lecture_request", entityId: row.id, data: { kind: v.organizationKind, topic: v.topic, audienceSize: v.audienceSize, orgUnitId } },
      tx,
    );
    return { id: row.id, outboxId: mail.id };
  });
  await deliverSoon([outboxId]);
  return { ok: true, id };
}

/** Hand outbox rows to the queue; the worker's sweep sends them later when Redis is away. */
export async function deliverSoon(outboxIds: string[]) {
  if (outboxIds.length === 0) return;
  await queueDeliveries(outboxIds).catch((e: Error) => console.warn(`[lecturers] delivery queued later: ${e.message}`));
}

/** The academy's condition, as SQL: the rule is part of each query. */
function academy(actor: Pick<Actor, "roles">): Prisma.Sql {
  return Prisma.sql`${actor.roles.has("ACADEMY_ADMIN")}::boolean`;
}

/** The academy's list, newest first, optionally of one status, with its open offers counted. */
export async function listLectureRequests(actor: Pick<Actor, "roles">, status: string | null) {
  const filter = REQUEST_STATUSES.find((s) => s === status) ?? null;
  return prisma.$queryRaw<
    Array<{ id: string; organizationName: string; organizationKind: string; topic: string; audienceSize: number; preferredFrom: Date; preferredTo: Date; status: string; createdAt: Date; openOffers: number }>
  >`
    SELECT r.id, r.organization_name AS "organizationName", r.organization_kind AS "organizationKind", r.topic, r.audience_size AS "audienceSize",
      r.preferred_from AS "preferredFrom", r.preferred_to AS "preferredTo", r.status::text AS status, r.created_at AS "createdAt",
      (SELECT count(*)::int FROM lecture_offer f WHERE f.request_id = r.id AND f.status = 'OFFERED') AS "openOffers"
    FROM lecture_request r
    WHERE ${academy(actor)} AND (${filter}::text IS NULL OR r.status::text = ${filter}::text)
    ORDER BY r.created_at DESC, r.id LIMIT 500`;
}

export interface RequestOffer {
  id: string;
  lecturerPersonId: string;
  lecturerName: string;
  startsAt: Date;
  endsAt: Date;
  status: string;
  offeredAt: Date;
  answeredAt: Date | null;
  declineReason: string | null;
}

/** One request for the academy, with its offers and the unit it is for; null when there is none (or the actor is not the academy). */
export async function getLectureRequest(actor: Pick<Actor, "roles">, requestId: string) {
  if (!isUuid(requestId)) return null;
  const [request] = await prisma.$queryRaw<Array<{ id: string }>>`SELECT r.id FROM lecture_request r WHERE r.id = ${requestId}::uuid AND ${academy(actor)}`;
  if (!request) return null;
  const [row, offers] = await Promise.all([
    prisma.lectureRequest.findUniqueOrThrow({ where: { id: requestId } }),
    prisma.$queryRaw<RequestOffer[]>`
      SELECT f.id, f.lecturer_person_id AS "lecturerPersonId", COALESCE(NULLIF(lp.public_name, ''), p.name) AS "lecturerName",
        f.starts_at AS "startsAt", f.ends_at AS "endsAt", f.status::text AS status, f.offered_at AS "offeredAt", f.answered_at AS "answeredAt", f.decline_reason AS "declineReason"
      FROM lecture_offer f JOIN person p ON p.id = f.lecturer_person_id LEFT JOIN lecturer_profile lp ON lp.person_id = p.id
      WHERE f.request_id = ${requestId}::uuid ORDER BY f.offered_at DESC, f.id`,
  ]);
  const [unit, duty] = await Promise.all([
    row.orgUnitId ? prisma.orgUnit.findUnique({ where: { id: row.orgUnitId }, select: { nameKo: true, nameEn: true } }) : null,
    // The duty the lecture will count toward once accepted (request-codes.ts dutyForTopic).
    prisma.obligation.findUnique({ where: { code: dutyForTopic(row.topic) }, select: { titleKo: true, titleEn: true } }),
  ]);
  return { request: row, offers, unit, duty };
}

export interface RankedLecturer {
  personId: string;
  userId: string;
  name: string;
  fields: string[];
  districts: string[];
  fieldMatch: boolean;
  districtMatch: boolean;
  free: boolean;
  taught: number;
  offerStatus: string | null;
}

/** Appointed lecturers: an appointment running today, an account that is not disabled and holds LECTURER. */
function appointedLecturers(today: string): Prisma.Sql {
  return Prisma.sql`
    SELECT p.id AS "personId", u.id AS "userId", COALESCE(NULLIF(lp.public_name, ''), p.name) AS name,
      COALESCE(lp.fields, '{}') AS fields, COALESCE(lp.districts, '{}') AS districts
    FROM person p
    JOIN app_user u ON u.person_id = p.id AND u.disabled_at IS NULL
    LEFT JOIN lecturer_profile lp ON lp.person_id = p.id
    WHERE EXISTS (SELECT 1 FROM lecturer_appointment a WHERE a.person_id = p.id AND a.ended_at IS NULL AND a.starts_on <= ${today}::date AND a.ends_on >= ${today}::date)
      AND EXISTS (SELECT 1 FROM role_grant g WHERE g.user_id = u.id AND g.role = 'LECTURER')`;
}

/**
 * Whether a lecturer (person, account) is free from `start` to `end`: no accepted lecture and no
 * scheduled class they teach overlaps it. `exceptOfferId` leaves out the offer being answered.
 */
export function freeSql(personId: Prisma.Sql, userId: Prisma.Sql, start: Date, end: Date, exceptOfferId: string | null = null): Prisma.Sql {
  return Prisma.sql`(
    NOT EXISTS (SELECT 1 FROM offering o WHERE o.status = 'SCHEDULED' AND ${userId} = ANY(o.lecturer_user_ids)
      AND o.starts_at < ${end}::timestamptz AND o.ends_at > ${start}::timestamptz)
    AND NOT EXISTS (SELECT 1 FROM lecture_offer f WHERE f.lecturer_person_id = ${personId} AND f.status = 'ACCEPTED'
      AND (${exceptOfferId}::uuid IS NULL OR f.id <> ${exceptOfferId}::uuid)
      AND f.starts_at < ${end}::timestamptz AND f.ends_at > ${start}::timestamptz))`;
}

/**
 * The appointed lecturers ranked for a request at a time, in one statement: free at that time
 * first, then those whose field matches the request's, then those who work in its district, then
 * fewer lectures this year (scheduled classes they teach starting in this Seoul year, held or to
 * come) to share the work; then by name. Each row says where an offer to them stands.
 */
export async function rankLecturers(actor: Pick<Actor, "roles">, requestId: string, start: Date, end: Date): Promise<RankedLecturer[]> {
  if (!isUuid(requestId)) return [];
  const year = seoulYear(now());
  const yearStart = seoulDayStart(`${year}-01-01`);
  const yearEnd = seoulDayStart(`${year + 1}-01-01`);
  return prisma.$queryRaw<RankedLecturer[]>`
    WITH req AS (SELECT r.id, r.field, r.district FROM lecture_request r WHERE r.id = ${requestId}::uuid AND ${academy(actor)}),
    lecturers AS (${appointedLecturers(seoulDateKey(now()))}),
    ranked AS (
      SELECT l.*, (req.field <> '' AND req.field = ANY(l.fields)) AS "fieldMatch",
        (req.district <> '' AND req.district = ANY(l.districts)) AS "districtMatch",
        ${freeSql(Prisma.sql`l."personId"`, Prisma.sql`l."userId"`, start, end)} AS free,
        (SELECT count(*)::int FROM offering o WHERE o.status = 'SCHEDULED' AND l."userId" = ANY(o.lecturer_user_ids)
          AND o.starts_at >= ${yearStart}::timestamptz AND o.starts_at < ${yearEnd}::timestamptz) AS taught,
        (SELECT f.status::text FROM lecture_offer f WHERE f.request_id = req.id AND f.lecturer_person_id = l."personId") AS "offerStatus"
      FROM lecturers l CROSS JOIN req
    )
    SELECT * FROM ranked ORDER BY free DESC, "fieldMatch" DESC, "districtMatch" DESC, taught ASC, name, "personId" LIMIT 200`;
}

/** A lecture's time for a request: from a datetime-local start, as long as the request says. */
export function offerTime(startText: string, durationMinutes: number): { start: Date; end: Date } | null {
  if (!/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/.test(startText) || !isDateKey(startText.slice(0, 10))) return null;
  const start = fromSeoulLocal(startText);
  return { start, end: new Date(start.getTime() + durationMinutes * 60_000) };
}

interface LockedRequest {
  id: string;
  status: string;
  organizationName: string;
  preferredFrom: Date;
  preferredTo: Date;
  durationMinutes: number;
}

async function lockRequest(tx: Tx, actor: Pick<Actor, "roles">, requestId: string): Promise<LockedRequest | null> {
  if (!isUuid(requestId)) return null;
  const [row] = await tx.$queryRaw<LockedRequest[]>`
    SELECT r.id, r.status::text AS status, r.organization_name AS "organizationName", r.preferred_from AS "preferredFrom", r.preferred_to AS "preferredTo",
      r.duration_minutes AS "durationMinutes"
    FROM lecture_request r WHERE r.id = ${requestId}::uuid AND ${academy(actor)} FOR UPDATE`;
  return row ?? null;
}

/** One outbox row about an offer to its lecturer (offered, withdrawn), keyed so that writing it again does nothing. */
export async function writeOfferMail(tx: Tx, offerIds: string[], kind: "offered" | "withdrawn"): Promise<string[]> {
  if (offerIds.length === 0) return [];
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
    SELECT 'lecture-offer-' || ${kind}::text || ':' || f.id || ':' || floor(extract(epoch FROM f.offered_at) * 1000)::bigint,
      COALESCE(u.email, p.email), 'lecture-request', COALESCE(u.locale, 'ko'::"Locale"), jsonb_build_object('offerId', f.id, 'kind', ${kind}::text)
    FROM lecture_offer f JOIN person p ON p.id = f.lecturer_person_id LEFT JOIN app_user u ON u.person_id = p.id
    WHERE f.id = ANY(${offerIds}::uuid[])
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id`;
  return rows.map((r) => r.id);
}

export type OfferResult = { ok: true; offerId: string; mail: string[] } | { ok: false; problem: OfferProblem };

/**
 * The academy offers a request's lecture to an appointed lecturer at a start within the window.
 * Under the request's row lock: the request is still open, the time lies in its window and
 * ahead, the lecturer holds an appointment and is free then, and no offer to them awaits an
 * answer. An earlier declined or withdrawn offer to the same lecturer is offered again (one row
 * per request and lecturer). The lecturer is told through the outbox; audited.
 */
export async function offerLecture(actor: Pick<Actor, "roles" | "userId">, requestId: string, input: { start: string; lecturerPersonId: string }): Promise<OfferResult> {
  if (!isUuid(input.lecturerPersonId)) return { ok: false, problem: "notLecturer" };
  return prisma.$transaction(async (tx) => {
    const r = await lockRequest(tx, actor, requestId);
    if (!r) return { ok: false as const, problem: "notFound" as const };
    if (r.status !== "RECEIVED" && r.status !== "OFFERED") return { ok: false as const, problem: "closed" as const };
    const time = offerTime(input.start, r.durationMinutes);
    if (!time) return { ok: false as const, problem: "start" as const };
    if (time.start <= now()) return { ok: false as const, problem: "past" as const };
    if (time.start < r.preferredFrom || time.end > r.preferredTo) return { ok: false as const, problem: "outsideWindow" as const };
    const [lecturer] = await tx.$queryRaw<Array<{ personId: string; free: boolean; offerStatus: string | null }>>`
      WITH l AS (${appointedLecturers(seoulDateKey(now()))})
      SELECT l."personId", ${freeSql(Prisma.sql`l."personId"`, Prisma.sql`l."userId"`, time.start, time.end)} AS free,
        (SELECT f.status::text FROM lecture_offer f WHERE f.request_id = ${r.id}::uuid AND f.lecturer_person_id = l."personId") AS "offerStatus"
      FROM l WHERE l."personId" = ${input.lecturerPersonId}::uuid`;
    if (!lecturer) return { ok: false as const, problem: "notLecturer" as const };
    if (lecturer.offerStatus === "OFFERED") return { ok: false as const, problem: "alreadyOffered" as const };
    if (!lecturer.free) return { ok: false as const, problem: "busy" as const };
    const at = now();
    const data = { startsAt: time.start, endsAt: time.end, status: "OFFERED" as const, offeredById: actor.userId, offeredAt: at, answeredAt: null, declineReason: null };
    const offer = await tx.lectureOffer.upsert({
      where: { requestId_lecturerPersonId: { requestId: r.id, lecturerPersonId: lecturer.personId } },
      create: { requestId: r.id, lecturerPersonId: lecturer.personId, ...data },
      update: data,
      select: { id: true },
    });
    await tx.lectureRequest.update({ where: { id: r.id }, data: { status: "OFFERED" } });
    const mail = await writeOfferMail(tx, [offer.id], "offered");
    await recordAudit(
      { actorUserId: actor.userId, action: "lecture_request.offer", entityType: "lecture_request", entityId: r.id, data: { offerId: offer.id, lecturerPersonId: lecturer.personId, startsAt: time.start.toISOString() } },
      tx,
    );
    return { ok: true as const, offerId: offer.id, mail };
  });
}

/** Back to RECEIVED when no offer on the request awaits an answer any more. */
export async function reopenIfNoOffers(tx: Tx, requestId: string) {
  await tx.$executeRaw`
    UPDATE lecture_request r SET status = 'RECEIVED'
    WHERE r.id = ${requestId}::uuid AND r.status = 'OFFERED'
      AND NOT EXISTS (SELECT 1 FROM lecture_offer f WHERE f.request_id = r.id AND f.status = 'OFFERED')`;
}

/** The academy withdraws an offer still awaiting its answer; the lecturer is told. Audited. */
export async function withdrawOffer(actor: Pick<Actor, "roles" | "userId">, requestId: string, offerId: string): Promise<{ ok: true; mail: string[] } | { ok: false; problem: OfferProblem }> {
  if (!isUuid(offerId)) return { ok: false, problem: "notOffered" };
  return prisma.$transaction(async (tx) => {
    const r = await lockRequest(tx, actor, requestId);
    if (!r) return { ok: false as const, problem: "notFound" as const };
    const changed = await tx.lectureOffer.updateMany({ where: { id: offerId, requestId: r.id, status: "OFFERED" }, data: { status: "WITHDRAWN", answeredAt: now() } });
    if (changed.count === 0) return { ok: false as const, problem: "notOffered" as const };
    await reopenIfNoOffers(tx, r.id);
    const mail = await writeOfferMail(tx, [offerId], "withdrawn");
    await recordAudit({ actorUserId: actor.userId, action: "lecture_request.withdraw_offer", entityType: "lecture_request", entityId: r.id, data: { offerId } }, tx);
    return { ok: true as const, mail };
  });
}

// ---------------------------------------------------------------------------
// Closing a request without a lecture
// ---------------------------------------------------------------------------

export type CloseProblem = "notFound" | "closed" | "reason";

/**
 * One transaction for both ways a request closes without a lecture: the academy's (one request, its
 * reason) and the window's end (every open request whose latest end has passed). The requests
 * become CANCELLED with when and why; offers still awaiting an answer are withdrawn; the requester
 * and each of those lecturers get a mail through the outbox (keyed, so never twice); each closing
 * is audited (the lecturers' mail through writeOfferMail, as a withdrawal by hand). Returns the
 * outbox rows written.
 */
async function closeRequests(tx: Tx, which: Prisma.Sql, reason: string, at: Date, actorUserId: string | null): Promise<{ closed: number; mail: string[] }> {
  const [row] = await tx.$queryRaw<Array<{ closed: number; mail: string[]; withdrawn: string[] }>>`
    WITH closed AS (
      UPDATE lecture_request r SET status = 'CANCELLED', closed_at = ${at}::timestamptz, close_reason = ${reason}
      WHERE r.status IN ('RECEIVED', 'OFFERED') AND ${which}
      RETURNING r.id, r.contact_email, r.requested_by_user_id
    ),
    withdrawn AS (
      UPDATE lecture_offer f SET status = 'WITHDRAWN', answered_at = ${at}::timestamptz
      FROM closed c WHERE f.request_id = c.id AND f.status = 'OFFERED'
      RETURNING f.id, f.request_id, f.lecturer_person_id, f.offered_at
    ),
    to_requesters AS (
      INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
      SELECT 'lecture-request-closed:' || c.id, c.contact_email, 'lecture-request', COALESCE(u.locale, 'ko'::"Locale"),
        jsonb_build_object('requestId', c.id, 'kind', 'closed')
      FROM closed c LEFT JOIN app_user u ON u.id = c.requested_by_user_id
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING id
    ),
    audited AS (
      INSERT INTO audit_event (actor_user_id, action, entity_type, entity_id, reason, data)
      SELECT ${actorUserId}::uuid, 'lecture_request.close', 'lecture_request', c.id::text, ${reason},
        jsonb_build_object('withdrawnOffers', (SELECT count(*) FROM withdrawn w WHERE w.request_id = c.id))
      FROM closed c
    )
    SELECT (SELECT count(*) FROM closed)::int AS closed,
      ARRAY(SELECT id::text FROM to_requesters) AS mail, ARRAY(SELECT id::text FROM withdrawn) AS withdrawn`;
  // The withdrawn offers' lecturers are told as when the academy withdraws one.
  const toLecturers = await writeOfferMail(tx, row?.withdrawn ?? [], "withdrawn");
  return { closed: row?.closed ?? 0, mail: [...(row?.mail ?? []), ...toLecturers] };
}

/**
 * The academy closes a request it will not serve (no lecturer for its field, a time it cannot
 * meet), with a reason the requester is told. A request whose lecture is scheduled is closed by
 * cancelling the class instead.
 */
export async function closeLectureRequest(actor: Pick<Actor, "roles" | "userId">, requestId: string, reasonText: string): Promise<{ ok: true; mail: string[] } | { ok: false; problem: CloseProblem }> {
  const reason = plainText(reasonText);
  if (reason.length < 5 || reason.length > 500) return { ok: false, problem: "reason" };
  return prisma.$transaction(async (tx) => {
    const r = await lockRequest(tx, actor, requestId);
    if (!r) return { ok: false as const, problem: "notFound" as const };
    if (r.status !== "RECEIVED" && r.status !== "OFFERED") return { ok: false as const, problem: "closed" as const };
    const { mail } = await closeRequests(tx, Prisma.sql`r.id = ${r.id}::uuid`, reason, now(), actor.userId);
    return { ok: true as const, mail };
  });
}

/**
 * The worker's tick: requests still open when their window has ended close by themselves, so the
 * academy's list holds only what can still happen and the requester is not left waiting.
 */
export async function expireLectureRequests(at: Date, onlyIds: string[] = []): Promise<{ closed: number; mail: string[] }> {
  const scope = onlyIds.length ? Prisma.sql`AND r.id = ANY(${onlyIds}::uuid[])` : Prisma.empty;
  return prisma.$transaction((tx) => closeRequests(tx, Prisma.sql`r.preferred_to < ${at}::timestamptz ${scope}`, EXPIRED, at, null));
}

