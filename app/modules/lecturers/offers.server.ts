import { prisma, Prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions.server";
import { scheduleRequestedLecture } from "~/modules/offerings/offerings.server";
import { now } from "~/utils/clock.server";
import { isUuid } from "~/utils/ids";
import { seoulDateKey, translator } from "~/utils/i18n";
import { plainText } from "~/utils/text";
import { dutyForTopic, type AnswerProblem } from "./request-codes";
import { freeSql, reopenIfNoOffers, writeOfferMail } from "./requests.server";

/**
 * A lecturer's answer to the academy's offers (ADR 035). Accepting schedules the lecture as an
 * academy class, once: under the request's and then the lecturer's row locks, the offer must still
 * await its answer, the request must not be scheduled yet, and the lecturer must be free at that
 * time (no other accepted lecture, no class they teach). Two accepts at once by the same lecturer
 * queue on the lecturer's lock, and the second sees the first's class.
 */

type Tx = Prisma.TransactionClient;
type LecturerActor = Pick<Actor, "userId" | "user">;

export interface LecturerOffer {
  id: string;
  requestId: string;
  organizationName: string;
  organizationKind: string;
  topic: string;
  audienceDescription: string;
  audienceSize: number;
  place: string;
  district: string;
  accessibilityNeeds: string[];
  note: string;
  startsAt: Date;
  endsAt: Date;
  status: string;
  answeredAt: Date | null;
  declineReason: string | null;
  offeringId: string | null;
}

/** The lecturer's own account, as SQL: their offers are the rows of the person their account holds, while it holds LECTURER. */
function ownOffers(actor: LecturerActor): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM app_user u JOIN role_grant g ON g.user_id = u.id AND g.role = 'LECTURER'
    WHERE u.id = ${actor.userId}::uuid AND u.person_id = f.lecturer_person_id)`;
}

/**
 * The section of the lecturer's page: offers awaiting their answer (soonest first), and their
 * answered offers of the last 90 days.
 */
export async function lecturerOffersSection(actor: LecturerActor) {
  const since = new Date(now().getTime() - 90 * 86_400_000);
  const offers = await prisma.$queryRaw<LecturerOffer[]>`
    SELECT f.id, r.id AS "requestId", r.organization_name AS "organizationName", r.organization_kind AS "organizationKind", r.topic,
      r.audience_description AS "audienceDescription", r.audience_size AS "audienceSize", r.place, r.district, r.accessibility_needs AS "accessibilityNeeds", r.note,
      f.starts_at AS "startsAt", f.ends_at AS "endsAt", f.status::text AS status, f.answered_at AS "answeredAt", f.decline_reason AS "declineReason",
      CASE WHEN f.status = 'ACCEPTED' THEN r.offering_id END AS "offeringId"
    FROM lecture_offer f JOIN lecture_request r ON r.id = f.request_id
    WHERE ${ownOffers(actor)} AND (f.status = 'OFFERED' OR f.offered_at >= ${since}::timestamptz)
    ORDER BY (f.status = 'OFFERED') DESC, f.starts_at, f.id LIMIT 200`;
  return { open: offers.filter((o) => o.status === "OFFERED"), answered: offers.filter((o) => o.status !== "OFFERED") };
}

interface LockedOffer {
  id: string;
  requestId: string;
  status: string;
  requestStatus: string;
  lecturerPersonId: string;
  startsAt: Date;
  endsAt: Date;
  offeredById: string;
  organizationName: string;
  topic: string;
  audienceDescription: string;
  audienceSize: number;
  place: string;
  district: string;
  accessibilityNeeds: string[];
  orgUnitId: string | null;
}

/** The offer and its request, locked (request first, as the academy's actions lock it), if it is the actor's own. */
async function lockOwnOffer(tx: Tx, actor: LecturerActor, offerId: string): Promise<LockedOffer | null> {
  if (!isUuid(offerId)) return null;
  const [row] = await tx.$queryRaw<LockedOffer[]>`
    SELECT f.id, f.request_id AS "requestId", f.status::text AS status, r.status::text AS "requestStatus", f.lecturer_person_id AS "lecturerPersonId",
      f.starts_at AS "startsAt", f.ends_at AS "endsAt", f.offered_by_id AS "offeredById", r.organization_name AS "organizationName", r.topic,
      r.audience_description AS "audienceDescription", r.audience_size AS "audienceSize", r.place, r.district, r.accessibility_needs AS "accessibilityNeeds",
      r.org_unit_id AS "orgUnitId"
    FROM lecture_request r JOIN lecture_offer f ON f.request_id = r.id
    WHERE f.id = ${offerId}::uuid AND ${ownOffers(actor)}
    FOR UPDATE OF r, f`;
  return row ?? null;
}

export type AcceptResult = { ok: true; offeringId: string; mail: string[] } | { ok: false; problem: AnswerProblem };

/**
 * Accept an offer: the lecture becomes an academy class (offerings module), the request is
 * scheduled with it, the request's other open offers are withdrawn, and the requester, the
 * academy administrator who made the offer and the lecturers whose offers were withdrawn are told
 * through the outbox. One transaction, audited.
 */
export async function acceptOffer(actor: LecturerActor, offerId: string): Promise<AcceptResult> {
  return prisma.$transaction(async (tx) => {
    const f = await lockOwnOffer(tx, actor, offerId);
    if (!f) return { ok: false as const, problem: "notFound" as const };
    if (f.status !== "OFFERED" || (f.requestStatus !== "OFFERED" && f.requestStatus !== "RECEIVED")) return { ok: false as const, problem: "closed" as const };
    if (f.startsAt <= now()) return { ok: false as const, problem: "started" as const };
    // Every accept of this lecturer waits here for the one before it; the statements after see what it committed.
    await tx.$queryRaw`SELECT id FROM person WHERE id = ${f.lecturerPersonId}::uuid FOR NO KEY UPDATE`;
    const [state] = await tx.$queryRaw<Array<{ appointed: boolean; free: boolean }>>`
      SELECT EXISTS (SELECT 1 FROM lecturer_appointment a WHERE a.person_id = ${f.lecturerPersonId}::uuid AND a.ended_at IS NULL
          AND a.starts_on <= ${seoulDateKey(now())}::date AND a.ends_on >= ${seoulDateKey(now())}::date) AS appointed,
        ${freeSql(Prisma.sql`${f.lecturerPersonId}::uuid`, Prisma.sql`${actor.userId}::uuid`, f.startsAt, f.endsAt, f.id)} AS free`;
    if (!state?.appointed) return { ok: false as const, problem: "notLecturer" as const };
    if (!state.free) return { ok: false as const, problem: "overlap" as const };

    const ko = translator("ko");
    const en = translator("en");
    const names = { organisation: f.organizationName, audience: f.audienceDescription };
    const offeringId = await scheduleRequestedLecture(tx, {
      titleKo: ko("lectureRequests.offering.title", names).slice(0, 200),
      titleEn: en("lectureRequests.offering.title", names).slice(0, 200),
      descriptionKo: ko("lectureRequests.offering.description", names).slice(0, 2000),
      descriptionEn: en("lectureRequests.offering.description", names).slice(0, 2000),
      topic: f.topic,
      startsAt: f.startsAt,
      endsAt: f.endsAt,
      place: f.place,
      district: f.district,
      lecturerUserId: actor.userId,
      capacity: f.audienceSize,
      unitId: f.orgUnitId,
      accessibility: f.accessibilityNeeds,
      obligationCode: dutyForTopic(f.topic),
      createdById: f.offeredById,
    });
    const at = now();
    await tx.lectureOffer.update({ where: { id: f.id }, data: { status: "ACCEPTED", answeredAt: at } });
    const others = await tx.$queryRaw<Array<{ id: string }>>`
      UPDATE lecture_offer SET status = 'WITHDRAWN', answered_at = ${at}::timestamptz
      WHERE request_id = ${f.requestId}::uuid AND status = 'OFFERED' AND id <> ${f.id}::uuid RETURNING id`;
    await tx.lectureRequest.update({ where: { id: f.requestId }, data: { status: "SCHEDULED", offeringId } });
    const mail = [
      ...(await writeAnswerMail(tx, f.requestId, f.id, "scheduled")),
      ...(await writeAnswerMail(tx, f.requestId, f.id, "accepted")),
      ...(await writeOfferMail(tx, others.map((o) => o.id), "withdrawn")),
    ];
    await recordAudit(
      { actorUserId: actor.userId, action: "lecture_offer.accept", entityType: "lecture_request", entityId: f.requestId, data: { offerId: f.id, offeringId, withdrawn: others.map((o) => o.id) } },
      tx,
    );
    return { ok: true as const, offeringId, mail };
  });
}

/** Decline an offer with a reason; the academy administrator who made it is told. Audited. */
export async function declineOffer(actor: LecturerActor, offerId: string, reasonText: string): Promise<{ ok: true; mail: string[] } | { ok: false; problem: AnswerProblem }> {
  const reason = plainText(reasonText);
  if (reason.length < 5 || reason.length > 500) return { ok: false, problem: "reason" };
  return prisma.$transaction(async (tx) => {
    const f = await lockOwnOffer(tx, actor, offerId);
    if (!f) return { ok: false as const, problem: "notFound" as const };
    if (f.status !== "OFFERED") return { ok: false as const, problem: "closed" as const };
    await tx.lectureOffer.update({ where: { id: f.id }, data: { status: "DECLINED", answeredAt: now(), declineReason: reason } });
    await reopenIfNoOffers(tx, f.requestId);
    const mail = await writeAnswerMail(tx, f.requestId, f.id, "declined");
    await recordAudit({ actorUserId: actor.userId, action: "lecture_offer.decline", entityType: "lecture_request", entityId: f.requestId, reason, data: { offerId: f.id } }, tx);
    return { ok: true as const, mail };
  });
}

/**
 * The mail that follows an answer: "scheduled" to the requester's contact (in the language of the
 * account that asked, else Korean), "accepted" and "declined" to the administrator who made the offer.
 */
async function writeAnswerMail(tx: Tx, requestId: string, offerId: string, kind: "scheduled" | "accepted" | "declined"): Promise<string[]> {
  const rows =
    kind === "scheduled"
      ? await tx.$queryRaw<Array<{ id: string }>>`
        INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
        SELECT 'lecture-request-scheduled:' || r.id, r.contact_email, 'lecture-request', COALESCE(u.locale, 'ko'::"Locale"),
          jsonb_build_object('requestId', r.id, 'kind', 'scheduled')
        FROM lecture_request r LEFT JOIN app_user u ON u.id = r.requested_by_user_id
        WHERE r.id = ${requestId}::uuid
        ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`
      : await tx.$queryRaw<Array<{ id: string }>>`
        INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
        SELECT 'lecture-offer-' || ${kind}::text || ':' || f.id || ':' || floor(extract(epoch FROM f.offered_at) * 1000)::bigint,
          u.email, 'lecture-request', u.locale, jsonb_build_object('offerId', f.id, 'kind', ${kind}::text)
        FROM lecture_offer f JOIN app_user u ON u.id = f.offered_by_id
        WHERE f.id = ${offerId}::uuid AND u.disabled_at IS NULL
        ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`;
  return rows.map((r) => r.id);
}
