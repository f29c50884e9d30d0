import { z } from "zod";
import { prisma, Prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { isUuid } from "~/utils/ids";
import { now } from "~/utils/clock.server";
import { stripInvisible } from "~/utils/text";

/**
 * The survey after a class (ADR 027): once its roll is closed, each participant (an attendance
 * of its training session) is sent one invitation through the outbox, keyed by their seat, and
 * answers once: satisfaction, usefulness and accessibility from 1 to 5, and a comment. Lecturers
 * and the academy see the results per class, without names.
 */

type Tx = Prisma.TransactionClient;

/** One invitation per participant of a closed class, in one statement; writing it again does nothing. */
export async function writeFeedbackRequests(tx: Tx, offeringId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
    SELECT 'offering-feedback:' || r.id, p.email, 'offering-registration', COALESCE(u.locale, 'ko'::"Locale"),
           jsonb_build_object('registrationId', r.id, 'kind', 'feedback')
    FROM offering o
    JOIN session_attendance sa ON sa.session_id = o.training_session_id
    JOIN offering_registration r ON r.offering_id = o.id AND r.person_id = sa.person_id AND r.status = 'CONFIRMED'
    JOIN person p ON p.id = r.person_id
    LEFT JOIN app_user u ON u.person_id = p.id
    WHERE o.id = ${offeringId}::uuid
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id`;
  return rows.map((r) => r.id);
}

/** The seat through which this person may answer the class's survey: they attended its closed roll. */
async function participantSeat(db: Tx | typeof prisma, personId: string, offeringId: string) {
  if (!isUuid(offeringId)) return null;
  const [row] = await db.$queryRaw<Array<{ registrationId: string; titleKo: string; titleEn: string; startsAt: Date; answered: boolean }>>`
    SELECT r.id AS "registrationId", o.title_ko AS "titleKo", o.title_en AS "titleEn", o.starts_at AS "startsAt",
      EXISTS (SELECT 1 FROM offering_feedback f WHERE f.registration_id = r.id) AS answered
    FROM offering o
    JOIN session_attendance sa ON sa.session_id = o.training_session_id AND sa.person_id = ${personId}::uuid
    JOIN offering_registration r ON r.offering_id = o.id AND r.person_id = sa.person_id AND r.status = 'CONFIRMED'
    WHERE o.id = ${offeringId}::uuid`;
  return row ?? null;
}

/** Whether the invitation still holds (the person attended, and has not answered). */
export async function feedbackStillWanted(registrationId: string): Promise<boolean> {
  const [row] = await prisma.$queryRaw<Array<{ ok: boolean }>>`
    SELECT NOT EXISTS (SELECT 1 FROM offering_feedback f WHERE f.registration_id = r.id) AS ok
    FROM offering_registration r JOIN offering o ON o.id = r.offering_id
    JOIN session_attendance sa ON sa.session_id = o.training_session_id AND sa.person_id = r.person_id
    WHERE r.id = ${registrationId}::uuid AND r.status = 'CONFIRMED'`;
  return row?.ok ?? false;
}

export async function getFeedbackForm(personId: string, offeringId: string) {
  return participantSeat(prisma, personId, offeringId);
}

const score = z.union([z.string(), z.number()]).transform(Number).pipe(z.number().int().min(1).max(5));
export const FeedbackSchema = z.object({
  satisfaction: score,
  usefulness: score,
  accessibility: score,
  comment: z.string().default("").transform((v) => stripInvisible(v).replace(/\r\n?/g, "\n").trim()).pipe(z.string().max(2000)),
});
export type FeedbackInput = z.input<typeof FeedbackSchema>;
export type FeedbackOutcome = "saved" | "already" | "notParticipant" | { invalid: string[] };

/** A participant answers the survey, once. Audited (without the answers: they are the person's own). */
export async function submitFeedback(actorUserId: string, personId: string, offeringId: string, input: FeedbackInput): Promise<FeedbackOutcome> {
  const parsed = FeedbackSchema.safeParse(input);
  if (!parsed.success) return { invalid: [...new Set(parsed.error.issues.map((i) => String(i.path[0])))] };
  const v = parsed.data;
  return prisma.$transaction(async (tx) => {
    const seat = await participantSeat(tx, personId, offeringId);
    if (!seat) return "notParticipant" as const;
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      INSERT INTO offering_feedback (offering_id, registration_id, satisfaction, usefulness, accessibility, comment, submitted_at)
      VALUES (${offeringId}::uuid, ${seat.registrationId}::uuid, ${v.satisfaction}, ${v.usefulness}, ${v.accessibility}, ${v.comment}, ${now()}::timestamptz)
      ON CONFLICT (registration_id) DO NOTHING
      RETURNING id`;
    if (rows.length === 0) return "already" as const;
    await recordAudit({ actorUserId, action: "offering.feedback", entityType: "offering", entityId: offeringId, data: { registrationId: seat.registrationId } }, tx);
    return "saved" as const;
  });
}

/** A class's results: how many answered of how many attended, the mean of each score, the comments (no names). */
export async function feedbackResults(offeringId: string) {
  if (!isUuid(offeringId)) return null;
  const [row] = await prisma.$queryRaw<Array<{ answers: number; participants: number; satisfaction: number | null; usefulness: number | null; accessibility: number | null }>>`
    SELECT count(f.id)::int AS answers,
      (SELECT count(*)::int FROM session_attendance sa JOIN offering o ON o.training_session_id = sa.session_id WHERE o.id = ${offeringId}::uuid) AS participants,
      round(avg(f.satisfaction), 1)::float8 AS satisfaction, round(avg(f.usefulness), 1)::float8 AS usefulness, round(avg(f.accessibility), 1)::float8 AS accessibility
    FROM offering_feedback f WHERE f.offering_id = ${offeringId}::uuid`;
  const comments = await prisma.$queryRaw<Array<{ comment: string }>>`
    SELECT comment FROM offering_feedback WHERE offering_id = ${offeringId}::uuid AND comment <> '' ORDER BY submitted_at, id LIMIT 200`;
  return { ...(row ?? { answers: 0, participants: 0, satisfaction: null, usefulness: null, accessibility: null }), comments: comments.map((c) => c.comment) };
}
