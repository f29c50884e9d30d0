import { z } from "zod";
import { Prisma, prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { now } from "~/utils/clock.server";
import { isUuid } from "~/utils/ids";
import { isDateKey, seoulDayEnd, seoulDayStart } from "~/utils/i18n";
import { plainText, stripInvisible } from "~/utils/text";
import { LECTURER_CONSENT_VERSION, LECTURER_FIELDS, MAX_RETENTION_MONTHS, SCREENING_DIVERGENCE_POINTS, type LecturerField } from "./codes";

/**
 * Recruitment rounds and applications to the citizen lecturer programme (ADR 033). An academy
 * administrator opens a round; a signed-in person with a personnel record applies once per round,
 * between its dates, for fields the round recruits, having consented to a privacy notice that says
 * how long the application is kept.
 */

const title = z.string().transform(plainText).pipe(z.string().min(2, "length").max(200, "length"));
const longText = (min: number, max: number) =>
  z.string().default("").transform((v) => stripInvisible(v).replace(/\r\n?/g, "\n").trim()).pipe(z.string().min(min, "length").max(max, "length"));
const formNumber = z.union([z.string(), z.number()]).transform((v) => (typeof v === "number" ? v : v.trim() === "" ? NaN : Number(v)));
const dateKey = z.string().refine(isDateKey, "invalid");

const roundSchema = z.object({
  titleKo: title,
  titleEn: title,
  descriptionKo: longText(0, 2000),
  descriptionEn: longText(0, 2000),
  opensOn: dateKey,
  closesOn: dateKey,
  places: formNumber.pipe(z.number({ message: "invalid" }).int("invalid").min(1, "invalid").max(500, "invalid")),
  fields: z.array(z.enum(LECTURER_FIELDS)).min(1, "required"),
  retentionMonths: formNumber.pipe(z.number({ message: "invalid" }).int("invalid").min(1, "invalid").max(MAX_RETENTION_MONTHS, "invalid")),
});

export type RoundInput = Record<keyof z.input<typeof roundSchema>, unknown>;
export type RoundResult = { ok: true; id: string } | { ok: false; errors: Record<string, string> };

/** The round form's values as the schema reads them. */
export function roundInputFromForm(form: FormData): RoundInput {
  const text = (k: string) => String(form.get(k) ?? "");
  return {
    titleKo: text("titleKo"),
    titleEn: text("titleEn"),
    descriptionKo: text("descriptionKo"),
    descriptionEn: text("descriptionEn"),
    opensOn: text("opensOn"),
    closesOn: text("closesOn"),
    places: text("places"),
    fields: form.getAll("fields").map(String),
    retentionMonths: text("retentionMonths"),
  };
}

function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message === "Required" || issue.code === "invalid_type" ? "required" : issue.message;
  }
  return errors;
}

/** Open a round: it takes applications from the start of opensOn to the end of closesOn, in Seoul. Audited. */
export async function createRound(actorUserId: string, input: RoundInput): Promise<RoundResult> {
  const parsed = roundSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const r = parsed.data;
  if (r.closesOn < r.opensOn) return { ok: false, errors: { closesOn: "beforeOpens" } };
  const fields = LECTURER_FIELDS.filter((f) => r.fields.includes(f));
  const id = await prisma.$transaction(async (tx) => {
    const round = await tx.lecturerRound.create({
      data: {
        titleKo: r.titleKo,
        titleEn: r.titleEn,
        descriptionKo: r.descriptionKo,
        descriptionEn: r.descriptionEn,
        opensAt: seoulDayStart(r.opensOn),
        closesAt: seoulDayEnd(r.closesOn),
        places: r.places,
        fields,
        retentionMonths: r.retentionMonths,
        createdById: actorUserId,
        createdAt: now(),
      },
      select: { id: true },
    });
    await recordAudit(
      { actorUserId, action: "lecturer.round.create", entityType: "lecturer_round", entityId: round.id, data: { opensOn: r.opensOn, closesOn: r.closesOn, places: r.places, fields, retentionMonths: r.retentionMonths } },
      tx,
    );
    return round.id;
  });
  return { ok: true, id };
}

export interface RoundSummary {
  id: string;
  titleKo: string;
  titleEn: string;
  descriptionKo: string;
  descriptionEn: string;
  opensAt: Date;
  closesAt: Date;
  places: number;
  fields: string[];
  retentionMonths: number;
  applications: number;
  submitted: number;
  accepted: number;
  rejected: number;
  /** Applications whose reviewers' totals are more than SCREENING_DIVERGENCE_POINTS apart. */
  divergent: number;
}

/** Every round, newest first, with its applications counted by status and the divergent ones, in one query. */
export async function listRoundsForAcademy(): Promise<RoundSummary[]> {
  return prisma.$queryRaw<RoundSummary[]>`
    WITH spread AS (
      SELECT application_id FROM lecturer_application_review GROUP BY application_id
      HAVING count(*) >= 2 AND max(total) - min(total) > ${SCREENING_DIVERGENCE_POINTS}
    )
    SELECT r.id, r.title_ko AS "titleKo", r.title_en AS "titleEn", r.description_ko AS "descriptionKo", r.description_en AS "descriptionEn",
      r.opens_at AS "opensAt", r.closes_at AS "closesAt", r.places, r.fields, r.retention_months AS "retentionMonths",
      count(a.id)::int AS applications,
      count(a.id) FILTER (WHERE a.status = 'SUBMITTED')::int AS submitted,
      count(a.id) FILTER (WHERE a.status = 'ACCEPTED')::int AS accepted,
      count(a.id) FILTER (WHERE a.status = 'REJECTED')::int AS rejected,
      count(s.application_id)::int AS divergent
    FROM lecturer_round r
    LEFT JOIN lecturer_application a ON a.round_id = r.id
    LEFT JOIN spread s ON s.application_id = a.id
    GROUP BY r.id
    ORDER BY r.opens_at DESC, r.created_at DESC`;
}

export type PublicRound = Pick<RoundSummary, "id" | "titleKo" | "titleEn" | "descriptionKo" | "descriptionEn" | "opensAt" | "closesAt" | "places" | "fields" | "retentionMonths"> & {
  open: boolean;
  /** The reader's own application to the round, if any. */
  myApplicationId: string | null;
  myStatus: string | null;
};

/** Rounds taking applications now or opening later, soonest closing first, with the reader's own application. */
export async function listOpenRounds(personId: string | null): Promise<PublicRound[]> {
  const at = now();
  const rounds = await prisma.lecturerRound.findMany({
    where: { closesAt: { gte: at } },
    orderBy: [{ closesAt: "asc" }, { createdAt: "asc" }],
    select: { id: true, titleKo: true, titleEn: true, descriptionKo: true, descriptionEn: true, opensAt: true, closesAt: true, places: true, fields: true, retentionMonths: true },
  });
  const mine = personId
    ? await prisma.lecturerApplication.findMany({ where: { personId, roundId: { in: rounds.map((r) => r.id) } }, select: { id: true, roundId: true, status: true } })
    : [];
  return rounds.map((r) => {
    const own = mine.find((a) => a.roundId === r.id);
    return { ...r, open: r.opensAt <= at, myApplicationId: own?.id ?? null, myStatus: own?.status ?? null };
  });
}

/** One round, or null. */
export async function getRound(roundId: string | undefined) {
  if (!roundId || !isUuid(roundId)) return null;
  return prisma.lecturerRound.findUnique({ where: { id: roundId } });
}

// ---------------------------------------------------------------- applying

export const APPLY_PROBLEMS = ["unknownRound", "notOpenYet", "closed", "alreadyApplied", "noConsent", "noFields", "fieldsNotInRound", "background", "motivation"] as const;
export type ApplyProblem = (typeof APPLY_PROBLEMS)[number];
export type ApplyResult = { ok: true; id: string } | { ok: false; problem: ApplyProblem };

export interface ApplyInput {
  background: unknown;
  motivation: unknown;
  fields: unknown;
  consent: unknown;
}

const applySchema = z.object({
  background: longText(30, 4000),
  motivation: longText(30, 4000),
  fields: z.array(z.string()),
  consent: z.literal("yes").optional(),
});

export function applyInputFromForm(form: FormData): ApplyInput {
  return {
    background: String(form.get("background") ?? ""),
    motivation: String(form.get("motivation") ?? ""),
    fields: form.getAll("fields").map(String),
    consent: form.get("consent") === null ? undefined : String(form.get("consent")),
  };
}

/** What the applicant consented to: the notice's version and the months the round keeps applications. */
export function consentVersionFor(retentionMonths: number): string {
  return `${LECTURER_CONSENT_VERSION}+${retentionMonths}m`;
}

/**
 * Apply to a round. Refused, with nothing written: a round that is not open now, a second
 * application by the same person (the unique index decides, even for two submissions at once),
 * no consent, no field or a field the round does not recruit, a background or motivation too short.
 * The application and its audit event are one transaction.
 */
export async function applyToRound(personId: string, userId: string, roundId: string | undefined, input: ApplyInput): Promise<ApplyResult> {
  const round = await getRound(roundId);
  if (!round) return { ok: false, problem: "unknownRound" };
  const at = now();
  if (at < round.opensAt) return { ok: false, problem: "notOpenYet" };
  if (at > round.closesAt) return { ok: false, problem: "closed" };
  const parsed = applySchema.safeParse({ ...input, fields: Array.isArray(input.fields) ? input.fields : [] });
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0]);
    return { ok: false, problem: field === "motivation" ? "motivation" : field === "consent" ? "noConsent" : "background" };
  }
  const a = parsed.data;
  if (a.consent !== "yes") return { ok: false, problem: "noConsent" };
  if (a.fields.length === 0) return { ok: false, problem: "noFields" };
  if (a.fields.some((f) => !round.fields.includes(f))) return { ok: false, problem: "fieldsNotInRound" };
  const fields = (LECTURER_FIELDS as readonly string[]).filter((f) => a.fields.includes(f)) as LecturerField[];
  try {
    const id = await prisma.$transaction(async (tx) => {
      const created = await tx.lecturerApplication.create({
        data: {
          roundId: round.id,
          personId,
          background: a.background,
          motivation: a.motivation,
          fields,
          consentAt: at,
          consentVersion: consentVersionFor(round.retentionMonths),
          submittedAt: at,
        },
        select: { id: true },
      });
      await recordAudit({ actorUserId: userId, action: "lecturer.application.submit", entityType: "lecturer_application", entityId: created.id, data: { roundId: round.id, fields } }, tx);
      return created.id;
    });
    return { ok: true, id };
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") return { ok: false, problem: "alreadyApplied" };
    throw e;
  }
}

export interface MyApplication {
  id: string;
  roundId: string;
  roundTitleKo: string;
  roundTitleEn: string;
  closesAt: Date;
  retentionMonths: number;
  fields: string[];
  status: string;
  submittedAt: Date;
  decidedAt: Date | null;
  decisionReason: string | null;
  traineeStatus: string | null;
}

/** The person's own applications, newest first: status and, once decided, the reason given. */
export async function myApplications(personId: string): Promise<MyApplication[]> {
  const rows = await prisma.lecturerApplication.findMany({
    where: { personId },
    orderBy: { submittedAt: "desc" },
    select: {
      id: true, roundId: true, fields: true, status: true, submittedAt: true, decidedAt: true, decisionReason: true,
      round: { select: { titleKo: true, titleEn: true, closesAt: true, retentionMonths: true } },
      trainee: { select: { status: true } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    roundId: r.roundId,
    roundTitleKo: r.round.titleKo,
    roundTitleEn: r.round.titleEn,
    closesAt: r.round.closesAt,
    retentionMonths: r.round.retentionMonths,
    fields: r.fields,
    status: r.status,
    submittedAt: r.submittedAt,
    decidedAt: r.decidedAt,
    decisionReason: r.decisionReason,
    traineeStatus: r.trainee?.status ?? null,
  }));
}

export interface RoundApplicationRow {
  id: string;
  name: string;
  fields: string[];
  status: string;
  submittedAt: Date;
  reviews: number;
  /** Whether the reader has scored it. */
  reviewedByMe: boolean;
  minTotal: number | null;
  maxTotal: number | null;
  divergent: boolean;
}

/**
 * A round's applications for the academy, oldest first. The reviewers' totals are shown only to
 * whoever has scored the application themselves (screening.server.ts keeps scores blind until then);
 * the divergence flag is shown to everyone, as it says nothing of who scored what.
 */
export async function roundApplications(roundId: string, readerUserId: string): Promise<RoundApplicationRow[]> {
  const rows = await prisma.$queryRaw<RoundApplicationRow[]>`
    SELECT a.id, p.name, a.fields, a.status::text AS status, a.submitted_at AS "submittedAt",
      count(v.id)::int AS reviews,
      bool_or(v.reviewer_user_id = ${readerUserId}::uuid) IS TRUE AS "reviewedByMe",
      min(v.total) AS "minTotal", max(v.total) AS "maxTotal",
      (count(v.id) >= 2 AND max(v.total) - min(v.total) > ${SCREENING_DIVERGENCE_POINTS}) AS divergent
    FROM lecturer_application a
    JOIN person p ON p.id = a.person_id
    LEFT JOIN lecturer_application_review v ON v.application_id = a.id
    WHERE a.round_id = ${roundId}::uuid
    GROUP BY a.id, p.name
    ORDER BY a.submitted_at, a.id`;
  return rows.map((r) => (r.reviewedByMe ? r : { ...r, minTotal: null, maxTotal: null }));
}

/**
 * The retention the privacy notice promised (ADR 033): once a round has been closed for its
 * retention months, its applications' background and motivation are erased (the status, fields,
 * decision and scores stay, as the record of the screening). One statement, run by the worker's
 * tick; an audit event with the count when anything was erased. Returns how many.
 */
export async function applyApplicationRetention(at: Date): Promise<number> {
  const erased = await prisma.$executeRaw`
    UPDATE lecturer_application a SET background = '', motivation = '', erased_at = ${at}::timestamptz
    FROM lecturer_round r
    WHERE r.id = a.round_id AND a.erased_at IS NULL
      AND r.closes_at + make_interval(months => r.retention_months) < ${at}::timestamptz`;
  if (erased > 0) await recordAudit({ actorUserId: null, action: "lecturer.application.retention", entityType: "lecturer_application", data: { erased } });
  return erased;
}
