import { join } from "node:path";
import { Prisma, prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { readScreening, SCREENING_FILE } from "~/modules/content/source.server";
import type { ScreeningFile } from "~/modules/content/schema";
import { queueDeliveries } from "~/modules/notifications/outbox.server";
import { now } from "~/utils/clock.server";
import { isUuid } from "~/utils/ids";
import { plainText } from "~/utils/text";
import { MIN_DECISION_REASON, SCREENING_DIVERGENCE_POINTS, type Decision } from "./codes";

/**
 * Screening (ADR 033): each academy administrator scores an application alone against the stated
 * criteria of content/lecturers/screening.yaml, and sees the other reviewers' scores only once their
 * own is in. Two totals further apart than SCREENING_DIVERGENCE_POINTS flag the application. A
 * decision needs a reason, and an acceptance two reviews; it is audited, tells the applicant by
 * mail through the outbox, and an acceptance makes the applicant a trainee, all in one transaction.
 */

let criteria: ScreeningFile | undefined;

/** The screening criteria, read from content/ once per process (a changed file ships with a restart). */
export function screeningCriteria(): ScreeningFile {
  const root = process.env.CONTENT_ROOT ?? join(process.cwd(), "content");
  return (criteria ??= readScreening(join(root, SCREENING_FILE), root));
}

export function isDivergent(totals: number[]): boolean {
  return totals.length >= 2 && Math.max(...totals) - Math.min(...totals) > SCREENING_DIVERGENCE_POINTS;
}

export type ScoreProblem = "missing" | "outOfScale" | "unknownCriterion";

/**
 * Scores as typed into the form ({ key: "12" }), checked against the criteria: every criterion
 * scored, each a whole number from 0 to its maxScore, no other key. Returns the scores and total,
 * or the problem and the criteria it concerns.
 */
export function checkScores(
  given: Record<string, unknown>,
  file: ScreeningFile = screeningCriteria(),
): { ok: true; scores: Record<string, number>; total: number } | { ok: false; problem: ScoreProblem; keys: string[] } {
  const known = new Set(file.criteria.map((c) => c.key));
  const unknown = Object.keys(given).filter((k) => !known.has(k));
  if (unknown.length) return { ok: false, problem: "unknownCriterion", keys: unknown };
  const scores: Record<string, number> = {};
  const missing: string[] = [];
  const outside: string[] = [];
  for (const c of file.criteria) {
    const raw = given[c.key];
    const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : "";
    if (text === "") {
      missing.push(c.key);
      continue;
    }
    const n = /^-?\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > c.maxScore) outside.push(c.key);
    else scores[c.key] = n;
  }
  if (outside.length) return { ok: false, problem: "outOfScale", keys: outside };
  if (missing.length) return { ok: false, problem: "missing", keys: missing };
  return { ok: true, scores, total: Object.values(scores).reduce((a, b) => a + b, 0) };
}

export interface ReviewView {
  reviewerName: string;
  scores: Record<string, number>;
  total: number;
  comment: string;
  submittedAt: Date;
}

/**
 * One application as a reviewer sees it: the applicant's answers, the criteria, their own review;
 * the others' reviews only once their own is in (before that, only how many there are).
 */
export async function applicationForReviewer(applicationId: string | undefined, reviewerUserId: string) {
  if (!applicationId || !isUuid(applicationId)) return null;
  const a = await prisma.lecturerApplication.findUnique({
    where: { id: applicationId },
    include: {
      round: { select: { id: true, titleKo: true, titleEn: true, fields: true } },
      person: { select: { name: true } },
      reviews: { orderBy: { submittedAt: "asc" }, select: { reviewerUserId: true, scores: true, total: true, comment: true, submittedAt: true } },
      trainee: { select: { status: true } },
    },
  });
  if (!a) return null;
  const names = new Map(
    (await prisma.user.findMany({ where: { id: { in: [...a.reviews.map((r) => r.reviewerUserId), ...(a.decidedById ? [a.decidedById] : [])] } }, select: { id: true, displayName: true } })).map((u) => [u.id, u.displayName]),
  );
  const view = (r: (typeof a.reviews)[number]): ReviewView => ({
    reviewerName: names.get(r.reviewerUserId) ?? "",
    scores: r.scores as Record<string, number>,
    total: r.total,
    comment: r.comment,
    submittedAt: r.submittedAt,
  });
  const mine = a.reviews.find((r) => r.reviewerUserId === reviewerUserId);
  const { reviews, ...rest } = a;
  return {
    ...rest,
    decidedByName: a.decidedById ? names.get(a.decidedById) ?? "" : null,
    criteria: screeningCriteria().criteria,
    myReview: mine ? view(mine) : null,
    otherReviews: mine ? reviews.filter((r) => r !== mine).map(view) : [],
    reviewCount: reviews.length,
    divergent: isDivergent(reviews.map((r) => r.total)),
  };
}

export type ReviewResult = { ok: true } | { ok: false; problem: ScoreProblem | "notFound" | "decided" | "alreadyReviewed" | "comment"; keys?: string[] };

/** Record one administrator's scores of one application, once. Audited with the scores. */
export async function submitReview(applicationId: string | undefined, reviewerUserId: string, given: Record<string, unknown>, comment: unknown): Promise<ReviewResult> {
  if (!applicationId || !isUuid(applicationId)) return { ok: false, problem: "notFound" };
  const checked = checkScores(given);
  if (!checked.ok) return { ok: false, problem: checked.problem, keys: checked.keys };
  const note = typeof comment === "string" ? plainText(comment) : "";
  if (note.length > 2000) return { ok: false, problem: "comment" };
  try {
    return await prisma.$transaction(async (tx) => {
      // The row lock orders a review against a decision taken at the same moment.
      const [app] = await tx.$queryRaw<Array<{ status: string }>>`SELECT status::text AS status FROM lecturer_application WHERE id = ${applicationId}::uuid FOR UPDATE`;
      if (!app) return { ok: false, problem: "notFound" } as const;
      if (app.status !== "SUBMITTED") return { ok: false, problem: "decided" } as const;
      await tx.lecturerApplicationReview.create({
        data: { applicationId, reviewerUserId, scores: checked.scores, total: checked.total, comment: note, submittedAt: now() },
      });
      await recordAudit(
        { actorUserId: reviewerUserId, action: "lecturer.application.review", entityType: "lecturer_application", entityId: applicationId, data: { scores: checked.scores, total: checked.total, criteriaVersion: screeningCriteria().version } },
        tx,
      );
      return { ok: true } as const;
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") return { ok: false, problem: "alreadyReviewed" };
    throw e;
  }
}

export type DecisionResult = { ok: true; traineeId: string | null } | { ok: false; problem: "notFound" | "decided" | "reason" | "twoReviews" | "decision" };

/**
 * Accept or reject an application, with a reason. Accepting needs two reviews or more. In one
 * transaction: the status, the trainee (on acceptance, TRAINING), the audit event and the mail to
 * the applicant in the outbox; the mail is handed to the queue after the commit (and by the
 * worker's reconciler if Redis was away).
 */
export async function decideApplication(applicationId: string | undefined, actorUserId: string, decision: unknown, reason: unknown): Promise<DecisionResult> {
  if (!applicationId || !isUuid(applicationId)) return { ok: false, problem: "notFound" };
  if (decision !== "accept" && decision !== "reject") return { ok: false, problem: "decision" };
  const why = typeof reason === "string" ? plainText(reason) : "";
  if (why.length < MIN_DECISION_REASON || why.length > 2000) return { ok: false, problem: "reason" };
  const d: Decision = decision;
  const result = await prisma.$transaction(async (tx) => {
    const [app] = await tx.$queryRaw<Array<{ status: string; person_id: string; reviews: number }>>`
      SELECT a.status::text AS status, a.person_id, (SELECT count(*)::int FROM lecturer_application_review v WHERE v.application_id = a.id) AS reviews
      FROM lecturer_application a WHERE a.id = ${applicationId}::uuid FOR UPDATE`;
    if (!app) return { ok: false, problem: "notFound" } as const;
    if (app.status !== "SUBMITTED") return { ok: false, problem: "decided" } as const;
    if (d === "accept" && app.reviews < 2) return { ok: false, problem: "twoReviews" } as const;
    const at = now();
    await tx.lecturerApplication.update({
      where: { id: applicationId },
      data: { status: d === "accept" ? "ACCEPTED" : "REJECTED", decidedAt: at, decidedById: actorUserId, decisionReason: why },
    });
    const trainee = d === "accept"
      ? await tx.lecturerTrainee.create({ data: { personId: app.person_id, applicationId, status: "TRAINING", acceptedAt: at }, select: { id: true } })
      : null;
    await recordAudit(
      { actorUserId, action: `lecturer.application.${d}`, entityType: "lecturer_application", entityId: applicationId, reason: why, data: { reviews: app.reviews, traineeId: trainee?.id ?? null } },
      tx,
    );
    const mail = await tx.$queryRaw<Array<{ id: string }>>`
      INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
      SELECT 'lecturer-decision:' || a.id, p.email, 'lecturer-decision', COALESCE(u.locale, 'ko'::"Locale"), jsonb_build_object('applicationId', a.id)
      FROM lecturer_application a JOIN person p ON p.id = a.person_id LEFT JOIN app_user u ON u.person_id = p.id
      WHERE a.id = ${applicationId}::uuid
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING id`;
    return { ok: true, traineeId: trainee?.id ?? null, outboxIds: mail.map((m) => m.id) } as const;
  });
  if (!result.ok) return result;
  await queueDeliveries(result.outboxIds).catch((e: Error) => console.warn(`[lecturers] decision mail queued later: ${e.message}`));
  return { ok: true, traineeId: result.traineeId };
}
