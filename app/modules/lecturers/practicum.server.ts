import type { Prisma as PrismaTypes } from "~/generated/prisma/client";
import { Prisma, prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { practicumFileSchema } from "~/modules/content/schema";
import { now } from "~/utils/clock.server";
import { queueDeliveries } from "~/modules/notifications/outbox.server";
import { isUuid } from "~/utils/ids";
import { PRACTICUM_MAX_ATTEMPTS, PRACTICUM_RETAKE_WAIT_DAYS } from "./codes";
import { checkLevels, combine, decideAgreed, exactTotal, FEEDBACK_MAX, FEEDBACK_MIN, points, type Levels, type Rubric } from "./rubric";

type Tx = PrismaTypes.TransactionClient;
const DAY = 86_400_000;

/**
 * The practicum (ADR 034): a trainee in PRACTICUM books a demonstration class the academy
 * scheduled (an offering of topic LECTURER) and becomes its presenter; two assessors score it
 * alone; the two scores combine, or go to moderation; the trainee is told and sees the feedback.
 */

/**
 * The rubric in force: the practicum of the lecturer track's last stage (the demonstration comes
 * once every stage is done), in its newest version.
 */
export async function currentRubric(tx: Tx | typeof prisma = prisma): Promise<Rubric | null> {
  const row = await tx.courseVersion.findFirst({
    where: { track: "LECTURER", practicum: { not: Prisma.AnyNull } },
    orderBy: [{ trackStage: { sort: "desc", nulls: "last" } }, { version: "desc" }],
    select: { practicum: true },
  });
  if (!row?.practicum) return null;
  const parsed = practicumFileSchema.safeParse(row.practicum);
  return parsed.success ? parsed.data : null;
}

async function rubricOrThrow(tx: Tx | typeof prisma = prisma): Promise<Rubric> {
  const rubric = await currentRubric(tx);
  if (!rubric) throw new Error("no lecturer-track course carries a practicum rubric");
  return rubric;
}

// ---------------------------------------------------------------------------
// Booking
// ---------------------------------------------------------------------------

export const BOOKING_PROBLEMS = ["notTrainee", "alreadyBooked", "alreadyPassed", "maxAttempts", "tooSoon", "notAvailable", "taken"] as const;
export type BookingProblem = (typeof BOOKING_PROBLEMS)[number];

interface TraineeRow {
  id: string;
  personId: string;
  status: string;
}

/** The trainee record of a signed-in account: the one in PRACTICUM first, else the newest. */
async function traineeOfUser(tx: Tx | typeof prisma, userId: string, lock = false): Promise<TraineeRow | null> {
  const rows = await tx.$queryRaw<TraineeRow[]>`
    SELECT t.id, t.person_id AS "personId", t.status::text AS status
    FROM lecturer_trainee t JOIN app_user u ON u.person_id = t.person_id
    WHERE u.id = ${userId}::uuid
    ORDER BY (t.status = 'PRACTICUM') DESC, t.accepted_at DESC
    LIMIT 1
    ${lock ? Prisma.sql`FOR UPDATE OF t` : Prisma.empty}`;
  return rows[0] ?? null;
}

interface AttemptHistory {
  attempt: number;
  status: string;
  decidedAt: Date | null;
}

/** Why a trainee may not book now, or null; `retakeFrom` when the wait is what stops them. */
export function bookingProblem(traineeStatus: string | null, attempts: AttemptHistory[], at: Date): { problem: BookingProblem; retakeFrom?: Date } | null {
  const live = attempts.filter((a) => a.status !== "CANCELLED");
  if (live.some((a) => a.status === "PASSED")) return { problem: "alreadyPassed" };
  if (traineeStatus !== "PRACTICUM") return { problem: "notTrainee" };
  if (live.some((a) => a.status === "BOOKED" || a.status === "MODERATION")) return { problem: "alreadyBooked" };
  if (live.length >= PRACTICUM_MAX_ATTEMPTS) return { problem: "maxAttempts" };
  const lastFailed = live.filter((a) => a.status === "FAILED" && a.decidedAt).sort((a, b) => b.decidedAt!.getTime() - a.decidedAt!.getTime())[0];
  if (lastFailed) {
    const retakeFrom = new Date(lastFailed.decidedAt!.getTime() + PRACTICUM_RETAKE_WAIT_DAYS * DAY);
    if (at < retakeFrom) return { problem: "tooSoon", retakeFrom };
  }
  return null;
}

/**
 * Book a demonstration class. The trainee's row and the class's row are locked, so two clicks
 * (or two trainees on one class) cannot both book; the trainee's account joins the class's
 * lecturers (offering.lecturer_user_ids): they present it, and it shows as theirs.
 */
export async function bookPracticum(userId: string, offeringId: string): Promise<{ ok: true; attemptId: string } | { ok: false; problem: BookingProblem; retakeFrom?: Date }> {
  if (!isUuid(offeringId)) return { ok: false, problem: "notAvailable" };
  return prisma.$transaction(async (tx) => {
    const at = now();
    const trainee = await traineeOfUser(tx, userId, true);
    const attempts = trainee ? await tx.practicumAttempt.findMany({ where: { traineeId: trainee.id }, select: { attempt: true, status: true, decidedAt: true } }) : [];
    const refused = bookingProblem(trainee?.status ?? null, attempts, at);
    if (refused || !trainee) return { ok: false as const, ...(refused ?? { problem: "notTrainee" as const }) };
    const [offering] = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM offering
      WHERE id = ${offeringId}::uuid AND topic = 'LECTURER' AND status = 'SCHEDULED' AND starts_at > ${at}::timestamptz
      FOR UPDATE`;
    if (!offering) return { ok: false as const, problem: "notAvailable" as const };
    const taken = await tx.practicumAttempt.count({ where: { offeringId, status: { not: "CANCELLED" } } });
    if (taken > 0) return { ok: false as const, problem: "taken" as const };
    const number = attempts.reduce((m, a) => Math.max(m, a.attempt), 0) + 1;
    const attempt = await tx.practicumAttempt.create({ data: { traineeId: trainee.id, offeringId, attempt: number, bookedAt: at }, select: { id: true } });
    await tx.$executeRaw`
      UPDATE offering SET lecturer_user_ids = array_append(lecturer_user_ids, ${userId}::uuid), updated_at = ${at}::timestamptz
      WHERE id = ${offeringId}::uuid AND NOT (${userId}::uuid = ANY(lecturer_user_ids))`;
    await recordAudit({ actorUserId: userId, action: "practicum.book", entityType: "practicum_attempt", entityId: attempt.id, data: { traineeId: trainee.id, offeringId, attempt: number } }, tx);
    return { ok: true as const, attemptId: attempt.id };
  });
}

export type CancelProblem = "notFound" | "state" | "closed";

/**
 * Cancel a booked demonstration before the class's cancellation deadline (and before it starts). Nothing has been scored then (scores are taken once the class has started), so the booking
 * is removed rather than kept as an attempt: it does not count toward the attempts allowed, and
 * the next booking takes its number. The trainee leaves the class's lecturers; the audit keeps what
 * was booked and when.
 */
export async function cancelPracticum(userId: string, attemptId: string): Promise<{ ok: true } | { ok: false; problem: CancelProblem }> {
  if (!isUuid(attemptId)) return { ok: false, problem: "notFound" };
  return prisma.$transaction(async (tx) => {
    const at = now();
    const [row] = await tx.$queryRaw<Array<{ id: string; status: string; attempt: number; bookedAt: Date; offeringId: string; closesAt: Date; traineeId: string }>>`
      SELECT a.id, a.status::text AS status, a.attempt, a.booked_at AS "bookedAt", a.offering_id AS "offeringId", a.trainee_id AS "traineeId",
        LEAST(o.cancellation_closes_at, o.starts_at) AS "closesAt"
      FROM practicum_attempt a
      JOIN lecturer_trainee t ON t.id = a.trainee_id
      JOIN app_user u ON u.person_id = t.person_id AND u.id = ${userId}::uuid
      JOIN offering o ON o.id = a.offering_id
      WHERE a.id = ${attemptId}::uuid
      FOR UPDATE OF a, o`;
    if (!row) return { ok: false as const, problem: "notFound" as const };
    if (row.status !== "BOOKED") return { ok: false as const, problem: "state" as const };
    if (at >= row.closesAt) return { ok: false as const, problem: "closed" as const };
    await tx.practicumAttempt.delete({ where: { id: row.id } });
    await tx.$executeRaw`
      UPDATE offering SET lecturer_user_ids = array_remove(lecturer_user_ids, ${userId}::uuid), updated_at = ${at}::timestamptz
      WHERE id = ${row.offeringId}::uuid`;
    await recordAudit(
      { actorUserId: userId, action: "practicum.cancel", entityType: "practicum_attempt", entityId: row.id, data: { traineeId: row.traineeId, offeringId: row.offeringId, attempt: row.attempt, bookedAt: row.bookedAt.toISOString() } },
      tx,
    );
    return { ok: true as const };
  });
}

// ---------------------------------------------------------------------------
// Who may score: an assessor, never of their own trainee
// ---------------------------------------------------------------------------

/**
 * An assessor is conflicted on an attempt (may neither score nor moderate it) when they are the
 * trainee, teach the demonstration class with them (listed among its lecturers), screened the
 * trainee's application (a review of it), or decided it. Used inside queries where t is the
 * trainee, o the class and ap the application.
 */
function conflicted(userId: string) {
  return Prisma.sql`(
    EXISTS (SELECT 1 FROM app_user me WHERE me.id = ${userId}::uuid AND me.person_id = t.person_id)
    OR ${userId}::uuid = ANY(o.lecturer_user_ids)
    OR EXISTS (SELECT 1 FROM lecturer_application_review r WHERE r.application_id = t.application_id AND r.reviewer_user_id = ${userId}::uuid)
    OR ap.decided_by_id IS NOT DISTINCT FROM ${userId}::uuid
  )`;
}

function holds(userId: string, roles: string[]) {
  return Prisma.sql`EXISTS (SELECT 1 FROM role_grant g JOIN app_user gu ON gu.id = g.user_id
    WHERE g.user_id = ${userId}::uuid AND gu.disabled_at IS NULL AND g.role::text = ANY(${roles}::text[]))`;
}

const ACADEMY = ["ACADEMY_ADMIN", "SYSTEM_ADMIN"];

interface AttemptRow {
  id: string;
  traineeId: string;
  personId: string;
  attempt: number;
  status: string;
  startsAt: Date;
  titleKo: string;
  titleEn: string;
  traineeName: string;
  scoreCount: number;
  mine: boolean;
  assessor: boolean;
  conflicted: boolean;
  academy: boolean;
}

function attemptQuery(userId: string, where: PrismaTypes.Sql, lock = false) {
  return Prisma.sql`
    SELECT a.id, a.trainee_id AS "traineeId", t.person_id AS "personId", a.attempt, a.status::text AS status,
      o.starts_at AS "startsAt", o.title_ko AS "titleKo", o.title_en AS "titleEn", p.name AS "traineeName",
      (SELECT count(*)::int FROM practicum_score s WHERE s.attempt_id = a.id) AS "scoreCount",
      EXISTS (SELECT 1 FROM practicum_score s WHERE s.attempt_id = a.id AND s.assessor_user_id = ${userId}::uuid) AS mine,
      ${holds(userId, ["ASSESSOR"])} AS assessor,
      ${conflicted(userId)} AS conflicted,
      ${holds(userId, ACADEMY)} AS academy
    FROM practicum_attempt a
    JOIN lecturer_trainee t ON t.id = a.trainee_id
    JOIN lecturer_application ap ON ap.id = t.application_id
    JOIN person p ON p.id = t.person_id
    JOIN offering o ON o.id = a.offering_id
    WHERE ${where}
    ORDER BY o.starts_at, a.id
    ${lock ? Prisma.sql`FOR UPDATE OF a` : Prisma.empty}`;
}

/**
 * An assessor's demonstrations: those they may score (started, fewer than two scores, not
 * theirs), those they scored, and those in moderation they may settle; the ones not yet given
 * are listed too. Never an attempt they are conflicted on.
 */
export async function assessorDemonstrations(userId: string) {
  const rows = await prisma.$queryRaw<AttemptRow[]>(
    attemptQuery(userId, Prisma.sql`${holds(userId, ["ASSESSOR"])} AND a.status IN ('BOOKED', 'MODERATION') AND NOT ${conflicted(userId)}`),
  );
  const at = now();
  return rows.map((r) => ({
    id: r.id,
    titleKo: r.titleKo,
    titleEn: r.titleEn,
    traineeName: r.traineeName,
    attempt: r.attempt,
    startsAt: r.startsAt,
    state:
      r.status === "MODERATION" ? (r.mine ? ("inModeration" as const) : ("toModerate" as const))
      : r.mine ? ("scored" as const)
      : r.startsAt > at ? ("notYet" as const)
      : r.scoreCount >= 2 ? ("full" as const)
      : ("toScore" as const),
  }));
}

/**
 * One attempt as an assessor or moderator sees it. Scores: one's own once given; the other's only
 * after one's own is in (a moderator, who scores none, sees both). Null when they may not see it.
 */
export async function attemptForAssessor(userId: string, attemptId: string) {
  if (!isUuid(attemptId)) return null;
  const [row] = await prisma.$queryRaw<AttemptRow[]>(
    attemptQuery(userId, Prisma.sql`a.id = ${attemptId}::uuid AND (${holds(userId, ["ASSESSOR"])} OR ${holds(userId, ACADEMY)}) AND NOT ${conflicted(userId)}`),
  );
  if (!row) return null;
  const rubric = await rubricOrThrow();
  // Whoever settles a moderation scored neither side: they see both scores to do it.
  const moderator = row.status === "MODERATION" && !row.mine;
  const scores = await prisma.practicumScore.findMany({ where: { attemptId: row.id }, orderBy: { submittedAt: "asc" }, select: { assessorUserId: true, levels: true, feedback: true, total: true } });
  const visible = scores.filter((s) => s.assessorUserId === userId || row.mine || moderator);
  return {
    id: row.id,
    titleKo: row.titleKo,
    titleEn: row.titleEn,
    traineeName: row.traineeName,
    attempt: row.attempt,
    startsAt: row.startsAt,
    status: row.status,
    started: row.startsAt <= now(),
    mayScore: row.assessor && row.status === "BOOKED" && !row.mine && row.scoreCount < 2 && row.startsAt <= now(),
    mayModerate: moderator,
    rubric,
    scores: visible.map((s) => ({ mine: s.assessorUserId === userId, levels: s.levels as Levels, feedback: s.feedback as Record<string, string>, total: s.total })),
  };
}

export const SCORE_PROBLEMS = ["notFound", "notStarted", "already", "complete", "levels", "feedback", "state", "note"] as const;
export type ScoreProblem = (typeof SCORE_PROBLEMS)[number];
export type ScoreResult =
  | { ok: true; status: "BOOKED" | "MODERATION" | "PASSED" | "FAILED"; outbox: string[] }
  | { ok: false; problem: ScoreProblem; fields?: Record<string, string> };

/** Levels and feedback from a form: level.<key> and feedback.<key>. */
export function scoreFromForm(form: FormData): { levels: Record<string, unknown>; feedback: Record<string, string> } {
  const levels: Record<string, unknown> = {};
  const feedback: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value !== "string") continue;
    if (name.startsWith("level.")) levels[name.slice(6)] = /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value.trim() === "" ? undefined : value;
    if (name.startsWith("feedback.")) feedback[name.slice(9)] = value;
  }
  for (const k of Object.keys(levels)) if (levels[k] === undefined) delete levels[k];
  return { levels, feedback };
}

function levelErrors(rubric: Rubric, levels: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const p of checkLevels(rubric, levels)) fields[`level.${p.key}`] = p.problem;
  return fields;
}

/**
 * An assessor's score of a demonstration that has started: a level on the rubric's scale and
 * written feedback for every criterion. The attempt's row is locked: the second score combines
 * both in the same transaction (ADR 034), deciding the attempt or sending it to moderation.
 */
export async function scorePracticum(userId: string, attemptId: string, input: { levels: Record<string, unknown>; feedback: Record<string, string> }): Promise<ScoreResult> {
  if (!isUuid(attemptId)) return { ok: false, problem: "notFound" };
  return prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<AttemptRow[]>(
      attemptQuery(userId, Prisma.sql`a.id = ${attemptId}::uuid AND ${holds(userId, ["ASSESSOR"])} AND NOT ${conflicted(userId)}`, true),
    );
    if (!row) return { ok: false as const, problem: "notFound" as const };
    if (row.status !== "BOOKED") return { ok: false as const, problem: "state" as const };
    if (row.startsAt > now()) return { ok: false as const, problem: "notStarted" as const };
    if (row.mine) return { ok: false as const, problem: "already" as const };
    if (row.scoreCount >= 2) return { ok: false as const, problem: "complete" as const };
    const rubric = await rubricOrThrow(tx);
    const fields = levelErrors(rubric, input.levels);
    if (Object.keys(fields).length) return { ok: false as const, problem: "levels" as const, fields };
    const feedback: Record<string, string> = {};
    for (const c of rubric.criteria) {
      const text = (input.feedback[c.key] ?? "").trim();
      if (text.length < FEEDBACK_MIN || text.length > FEEDBACK_MAX) fields[`feedback.${c.key}`] = text.length < FEEDBACK_MIN ? "short" : "long";
      feedback[c.key] = text;
    }
    if (Object.keys(fields).length) return { ok: false as const, problem: "feedback" as const, fields };
    const levels = Object.fromEntries(rubric.criteria.map((c) => [c.key, input.levels[c.key] as number]));
    const at = now();
    const score = await tx.practicumScore.create({
      data: { attemptId: row.id, assessorUserId: userId, levels, feedback, total: points(exactTotal(rubric, levels)), submittedAt: at },
      select: { id: true, total: true },
    });
    await recordAudit({ actorUserId: userId, action: "practicum.score", entityType: "practicum_attempt", entityId: row.id, data: { scoreId: score.id, total: score.total, levels } }, tx);
    const scores = await tx.practicumScore.findMany({ where: { attemptId: row.id }, select: { levels: true } });
    if (scores.length < 2) return { ok: true as const, status: "BOOKED" as const, outbox: [] };
    const combined = combine(rubric, scores[0]!.levels as Levels, scores[1]!.levels as Levels);
    if (combined.outcome === "MODERATION") {
      await tx.practicumAttempt.update({ where: { id: row.id }, data: { status: "MODERATION" } });
      await recordAudit({ actorUserId: null, action: "practicum.moderation", entityType: "practicum_attempt", entityId: row.id, data: { divergent: combined.divergent } }, tx);
      return { ok: true as const, status: "MODERATION" as const, outbox: [] };
    }
    const outbox = await decide(tx, row, combined.outcome, combined.score, null);
    return { ok: true as const, status: combined.outcome, outbox };
  });
}

/**
 * Settle an attempt in moderation: an academy administrator, or an assessor who scored neither
 * side and is not conflicted, records the agreed level of every criterion and a note. The agreed
 * levels alone decide the result.
 */
export async function moderatePracticum(userId: string, attemptId: string, input: { levels: Record<string, unknown>; note: string }): Promise<ScoreResult> {
  if (!isUuid(attemptId)) return { ok: false, problem: "notFound" };
  return prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<AttemptRow[]>(
      attemptQuery(userId, Prisma.sql`a.id = ${attemptId}::uuid AND (${holds(userId, ACADEMY)} OR ${holds(userId, ["ASSESSOR"])}) AND NOT ${conflicted(userId)}`, true),
    );
    if (!row || row.mine) return { ok: false as const, problem: "notFound" as const };
    if (row.status !== "MODERATION") return { ok: false as const, problem: "state" as const };
    const rubric = await rubricOrThrow(tx);
    const fields = levelErrors(rubric, input.levels);
    const note = input.note.trim();
    if (note.length < FEEDBACK_MIN || note.length > FEEDBACK_MAX) fields.note = note.length < FEEDBACK_MIN ? "short" : "long";
    if (Object.keys(fields).length) return { ok: false as const, problem: fields.note && Object.keys(fields).length === 1 ? ("note" as const) : ("levels" as const), fields };
    const agreed = Object.fromEntries(rubric.criteria.map((c) => [c.key, input.levels[c.key] as number]));
    const result = decideAgreed(rubric, agreed);
    await tx.practicumAttempt.update({ where: { id: row.id }, data: { agreedLevels: agreed, moderatedById: userId, moderationNote: note } });
    const outbox = await decide(tx, row, result.outcome, result.score, { userId, agreed, note });
    return { ok: true as const, status: result.outcome, outbox };
  });
}

/** Record the result, end the trainee's path after a second failure, tell them, audit. */
async function decide(tx: Tx, row: AttemptRow, outcome: "PASSED" | "FAILED", score: number, moderation: { userId: string; agreed: Levels; note: string } | null): Promise<string[]> {
  const at = now();
  await tx.practicumAttempt.update({ where: { id: row.id }, data: { status: outcome, combinedScore: score, decidedAt: at } });
  const lastChance = outcome === "FAILED" && row.attempt >= PRACTICUM_MAX_ATTEMPTS;
  if (lastChance) await tx.lecturerTrainee.update({ where: { id: row.traineeId }, data: { status: "FAILED", endedAt: at } });
  await recordAudit(
    {
      actorUserId: moderation?.userId ?? null,
      action: moderation ? "practicum.moderate" : "practicum.decide",
      entityType: "practicum_attempt",
      entityId: row.id,
      reason: moderation?.note ?? null,
      data: { outcome, combinedScore: score, attempt: row.attempt, traineeFailed: lastChance, ...(moderation ? { agreedLevels: moderation.agreed } : {}) },
    },
    tx,
  );
  return writeLecturerMail(tx, row.personId, `practicum-decided:${row.id}`, { kind: "practicum-decided", attemptId: row.id });
}

/** One message to a person of the programme, in the caller's transaction; the key makes it once. */
export async function writeLecturerMail(tx: Tx | typeof prisma, personId: string, dedupeKey: string, payload: Record<string, string>): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
    SELECT ${dedupeKey}, COALESCE(u.email, p.email), 'lecturer-programme', COALESCE(u.locale, 'ko'::"Locale"), ${JSON.stringify(payload)}::jsonb
    FROM person p LEFT JOIN app_user u ON u.person_id = p.id
    WHERE p.id = ${personId}::uuid
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id`;
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------
// What the trainee sees
// ---------------------------------------------------------------------------

/**
 * The trainee's own practicum: whether they may book now (and when a retake opens), the
 * demonstration classes open to booking, and every attempt; a decided attempt shows both
 * assessors' written feedback per criterion and the combined result, never who wrote which.
 */
export async function practicumForTrainee(userId: string) {
  const trainee = await traineeOfUser(prisma, userId);
  if (!trainee) return null;
  const at = now();
  const attempts = await prisma.practicumAttempt.findMany({
    where: { traineeId: trainee.id },
    orderBy: { attempt: "asc" },
    select: {
      id: true,
      attempt: true,
      status: true,
      combinedScore: true,
      decidedAt: true,
      bookedAt: true,
      moderationNote: true,
      offering: { select: { titleKo: true, titleEn: true, startsAt: true, endsAt: true, place: true, onlineUrl: true, format: true, cancellationClosesAt: true } },
      scores: { orderBy: { submittedAt: "asc" }, select: { feedback: true } },
    },
  });
  const refused = bookingProblem(trainee.status, attempts, at);
  const rubric = await currentRubric();
  const open =
    refused === null
      ? await prisma.$queryRaw<Array<{ id: string; titleKo: string; titleEn: string; startsAt: Date; endsAt: Date; place: string; district: string; format: string }>>`
          SELECT o.id, o.title_ko AS "titleKo", o.title_en AS "titleEn", o.starts_at AS "startsAt", o.ends_at AS "endsAt", o.place, o.district, o.format::text AS format
          FROM offering o
          WHERE o.topic = 'LECTURER' AND o.status = 'SCHEDULED' AND o.starts_at > ${at}::timestamptz
            AND NOT EXISTS (SELECT 1 FROM practicum_attempt x WHERE x.offering_id = o.id AND x.status <> 'CANCELLED')
          ORDER BY o.starts_at LIMIT 50`
      : [];
  return {
    status: trainee.status,
    refused: refused?.problem ?? null,
    retakeFrom: refused?.retakeFrom ?? null,
    open,
    passScore: rubric?.passScore ?? null,
    criteria: rubric?.criteria.map((c) => ({ key: c.key, title: c.title })) ?? [],
    attempts: attempts.map((a) => {
      const decided = a.status === "PASSED" || a.status === "FAILED";
      const cancelUntil = new Date(Math.min(a.offering.cancellationClosesAt.getTime(), a.offering.startsAt.getTime()));
      return {
        id: a.id,
        cancelUntil: a.status === "BOOKED" && at < cancelUntil ? cancelUntil : null,
        attempt: a.attempt,
        status: a.status,
        offering: a.offering,
        combinedScore: decided ? a.combinedScore : null,
        decidedAt: a.decidedAt,
        moderated: decided && a.moderationNote !== null,
        feedback: decided ? a.scores.map((s) => s.feedback as Record<string, string>) : [],
      };
    }),
  };
}

// ---------------------------------------------------------------------------
// The academy's page
// ---------------------------------------------------------------------------

/** What the academy acts on: attempts in moderation, attempts waiting for scores, passed trainees awaiting appointment. */
export async function academyPracticums() {
  const at = now();
  const attempts = await prisma.practicumAttempt.findMany({
    where: { status: { in: ["BOOKED", "MODERATION"] } },
    orderBy: [{ offering: { startsAt: "asc" } }],
    take: 200,
    select: {
      id: true,
      attempt: true,
      status: true,
      trainee: { select: { person: { select: { name: true } } } },
      offering: { select: { titleKo: true, titleEn: true, startsAt: true } },
      _count: { select: { scores: true } },
    },
  });
  const passed = await prisma.$queryRaw<Array<{ traineeId: string; name: string; attemptId: string; combinedScore: number; decidedAt: Date }>>`
    SELECT t.id AS "traineeId", p.name, a.id AS "attemptId", a.combined_score AS "combinedScore", a.decided_at AS "decidedAt"
    FROM lecturer_trainee t
    JOIN person p ON p.id = t.person_id
    JOIN practicum_attempt a ON a.trainee_id = t.id AND a.status = 'PASSED'
    WHERE t.status = 'PRACTICUM' AND NOT EXISTS (SELECT 1 FROM lecturer_appointment x WHERE x.trainee_id = t.id)
    ORDER BY a.decided_at, t.id
    LIMIT 200`;
  const row = (a: (typeof attempts)[number]) => ({
    id: a.id,
    attempt: a.attempt,
    name: a.trainee.person.name,
    titleKo: a.offering.titleKo,
    titleEn: a.offering.titleEn,
    startsAt: a.offering.startsAt,
    scores: a._count.scores,
    started: a.offering.startsAt <= at,
  });
  return {
    moderation: attempts.filter((a) => a.status === "MODERATION").map(row),
    awaiting: attempts.filter((a) => a.status === "BOOKED").map(row),
    passed,
  };
}

/** Hand mail written by a committed transaction to the queue; if Redis is away, the worker's tick does it later. */
export async function deliverSoon(outboxIds: string[]) {
  if (outboxIds.length === 0) return;
  await queueDeliveries(outboxIds).catch((e: Error) => console.warn(`[lecturers] delivery queued later: ${e.message}`));
}
