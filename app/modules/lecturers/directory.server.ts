import { z } from "zod";
import { Prisma, prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { now } from "~/utils/clock.server";
import { seoulDateKey } from "~/utils/i18n";
import { ACCESSIBILITY, DISTRICTS, LECTURER_FIELDS, LECTURER_LANGUAGES } from "./codes";

/**
 * The lecturer directory (ADR 034): a lecturer with an active appointment says what to publish;
 * the public page lists only published profiles of lecturers whose appointment is active today,
 * and only what they agreed to: never an e-mail, a unit or an employee number.
 */

const codes = <T extends readonly [string, ...string[]]>(all: T) => z.array(z.enum(all)).max(all.length);

export const profileSchema = z.object({
  publicName: z.string().trim().min(2, "required").max(60, "long"),
  fields: codes(LECTURER_FIELDS).min(1, "required"),
  districts: codes(DISTRICTS),
  languages: codes(LECTURER_LANGUAGES).min(1, "required"),
  accessibility: codes(ACCESSIBILITY),
  bioKo: z.string().trim().max(600, "long"),
  bioEn: z.string().trim().max(600, "long"),
  published: z.boolean(),
});
export type ProfileInput = z.infer<typeof profileSchema>;

export function profileFromForm(form: FormData) {
  return {
    publicName: String(form.get("publicName") ?? ""),
    fields: form.getAll("fields").map(String),
    districts: form.getAll("districts").map(String),
    languages: form.getAll("languages").map(String),
    accessibility: form.getAll("accessibility").map(String),
    bioKo: String(form.get("bioKo") ?? ""),
    bioEn: String(form.get("bioEn") ?? ""),
    published: form.get("published") === "on",
  };
}

/** An appointment of x's person active today, as SQL. */
function hasActiveAppointment(personColumn: Prisma.Sql, today: string) {
  return Prisma.sql`EXISTS (SELECT 1 FROM lecturer_appointment x WHERE x.person_id = ${personColumn}
    AND x.ended_at IS NULL AND x.starts_on <= ${today}::date AND x.ends_on >= ${today}::date)`;
}

/** The signed-in lecturer's profile and whether they may edit it (an active appointment); null without a person. */
export async function profileOfUser(userId: string) {
  const today = seoulDateKey(now());
  const [row] = await prisma.$queryRaw<Array<{ personId: string; name: string; active: boolean }>>`
    SELECT p.id AS "personId", p.name, ${hasActiveAppointment(Prisma.sql`p.id`, today)} AS active
    FROM app_user u JOIN person p ON p.id = u.person_id WHERE u.id = ${userId}::uuid`;
  if (!row) return null;
  const profile = await prisma.lecturerProfile.findUnique({ where: { personId: row.personId } });
  return {
    active: row.active,
    profile: profile ?? { publicName: row.name, fields: [], districts: [], languages: ["KO"], accessibility: [], bioKo: "", bioEn: "", published: false },
  };
}

export type SaveProfileResult = { ok: true } | { ok: false; problem: "notLecturer" } | { ok: false; problem: "invalid"; fields: Record<string, string> };

/** Save what the lecturer agrees to publish; only while an appointment of theirs is active. Audited. */
export async function saveProfile(userId: string, raw: unknown): Promise<SaveProfileResult> {
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message === "required" || issue.message === "long" ? issue.message : "invalid";
    return { ok: false, problem: "invalid", fields };
  }
  const today = seoulDateKey(now());
  return prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<Array<{ personId: string }>>`
      SELECT p.id AS "personId" FROM app_user u JOIN person p ON p.id = u.person_id
      WHERE u.id = ${userId}::uuid AND ${hasActiveAppointment(Prisma.sql`p.id`, today)}`;
    if (!row) return { ok: false as const, problem: "notLecturer" as const };
    const data = { ...parsed.data, updatedAt: now() };
    await tx.lecturerProfile.upsert({ where: { personId: row.personId }, create: { personId: row.personId, ...data }, update: data });
    await recordAudit({ actorUserId: userId, action: "lecturer.profile", entityType: "lecturer_profile", entityId: row.personId, data: { published: data.published, fields: data.fields, districts: data.districts, languages: data.languages } }, tx);
    return { ok: true as const };
  });
}

export interface DirectoryFilter {
  field?: string | null;
  district?: string | null;
  language?: string | null;
}

/** Published profiles of lecturers with an appointment active today, filtered; only the published fields. */
export async function directory(filter: DirectoryFilter) {
  const today = seoulDateKey(now());
  const field = filter.field && (LECTURER_FIELDS as readonly string[]).includes(filter.field) ? filter.field : null;
  const district = filter.district && (DISTRICTS as readonly string[]).includes(filter.district) ? filter.district : null;
  const language = filter.language && (LECTURER_LANGUAGES as readonly string[]).includes(filter.language) ? filter.language : null;
  return prisma.$queryRaw<Array<{ id: string; publicName: string; fields: string[]; districts: string[]; languages: string[]; accessibility: string[]; bioKo: string; bioEn: string }>>`
    SELECT md5(lp.person_id::text) AS id, lp.public_name AS "publicName", lp.fields, lp.districts, lp.languages, lp.accessibility, lp.bio_ko AS "bioKo", lp.bio_en AS "bioEn"
    FROM lecturer_profile lp
    WHERE lp.published AND ${hasActiveAppointment(Prisma.sql`lp.person_id`, today)}
      AND (${field}::text IS NULL OR ${field}::text = ANY(lp.fields))
      AND (${district}::text IS NULL OR ${district}::text = ANY(lp.districts))
      AND (${language}::text IS NULL OR ${language}::text = ANY(lp.languages))
    ORDER BY lp.public_name, lp.person_id
    LIMIT 500`;
}
