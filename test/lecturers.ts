import { prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { seoulDateKey } from "~/utils/i18n";
import type { RequestInput } from "~/modules/lecturers/requests.server";
import { createPerson, createUnit, createUser, uid } from "./factories";
import { Prisma } from "~/generated/prisma/client";

/**
 * An appointed citizen human rights lecturer: a person whose account holds LECTURER, with an
 * appointment running today (or as told) and, when fields or districts are given, a directory profile.
 */
export async function createAppointedLecturer(opts: { name?: string; fields?: string[]; districts?: string[]; appointment?: "active" | "ended" | "expired" | "none"; role?: boolean } = {}) {
  const unit = await createUnit("DIVISION", null, "강사");
  const person = await createPerson(unit.id, "CIVIL_SERVANT", opts.name ?? `강사 ${uid()}`);
  const user = await createUser({ personId: person.id, roles: opts.role === false ? [] : [{ role: "LECTURER" }] });
  const today = seoulDateKey(now());
  const year = Number(today.slice(0, 4));
  const kind = opts.appointment ?? "active";
  if (kind !== "none") {
    await prisma.lecturerAppointment.create({
      data: {
        personId: person.id,
        number: `L-${uid()}`,
        verificationCode: uid() + uid(),
        startsOn: new Date(`${kind === "expired" ? year - 3 : year - 1}-01-01T00:00:00Z`),
        endsOn: new Date(`${kind === "expired" ? year - 1 : year + 1}-12-31T00:00:00Z`),
        appointedById: user.id,
        appointedAt: now(),
        endedAt: kind === "ended" ? now() : null,
        endReason: kind === "ended" ? "revoked" : null,
      },
    });
  }
  if (opts.fields || opts.districts) {
    await prisma.lecturerProfile.create({ data: { personId: person.id, publicName: person.name, fields: opts.fields ?? [], districts: opts.districts ?? [], languages: ["KO"] } });
  }
  return { person, user };
}

/** A facility's request for a two-hour disability rights lecture in the week of 14 December 2026. */
export function facilityRequest(overrides: Partial<RequestInput> = {}): RequestInput {
  return {
    organizationName: `행복복지관 ${uid()}`,
    organizationKind: "FACILITY",
    contactName: "김담당",
    contactEmail: `contact-${uid()}@facility.example`,
    contactPhone: "02-123-4567",
    topic: "DISABILITY",
    field: "DISABILITY",
    audienceDescription: "시설 이용자와 종사자",
    audienceSize: "40",
    from: "2026-12-14T09:00",
    to: "2026-12-18T18:00",
    durationMinutes: "120",
    place: "서울 마포구 월드컵로 1",
    district: "MAPO",
    accessibilityNeeds: ["SIGN_LANGUAGE"],
    note: "",
    ...overrides,
  };
}
/** The slug of the second stage tests add to the lecturer track (the shipped content has stage 1 only). */
export const TEST_STAGE_SLUG = "test-lecturer-stage-2";

/**
 * A second stage of the lecturer track: one short lesson and one quiz question, at the stage after
 * the highest shipped one. Shared by every test that needs it (made once, whoever comes first), so
 * the track never has two extra stages.
 */
export async function ensureTestStage(): Promise<{ courseId: string; slug: string; stage: number }> {
  const found = await prisma.course.findUnique({ where: { slug: TEST_STAGE_SLUG }, include: { versions: { select: { trackStage: true } } } });
  if (found) return { courseId: found.id, slug: found.slug, stage: found.versions[0]!.trackStage! };
  const [shipped] = await prisma.$queryRaw<Array<{ stage: number }>>`
    SELECT max(track_stage)::int AS stage FROM course_version v JOIN course c ON c.id = v.course_id WHERE c.slug <> ${TEST_STAGE_SLUG} AND v.track = 'LECTURER'`;
  const stage = (shipped?.stage ?? 1) + 1;
  try {
    const course = await prisma.course.create({
      data: {
        slug: TEST_STAGE_SLUG,
        versions: {
          create: {
            version: 1, contentHash: `test-${uid()}`, titleKo: "인권강사 양성 과정 (심화 시험용)", titleEn: "Human rights lecturer training (test stage)",
            summaryKo: "시험용 단계", summaryEn: "A stage for tests", objectivesKo: ["시험"], objectivesEn: ["Test"], estimatedMinutes: 10,
            passMark: 50, track: "LECTURER", trackStage: stage, publishedAt: now(),
            lessons: { create: { position: 1, slug: "only", kind: "TEXT", titleKo: "단 하나의 수업", titleEn: "The only lesson", bodyHtmlKo: "<p>본문</p>", bodyHtmlEn: "<p>Body</p>", sourcesKo: ["서울특별시 인권 기본 조례"], sourcesEn: ["Seoul Human Rights Ordinance"], estimatedMinutes: 10 } },
            questions: {
              create: {
                position: 1, key: "q1", promptKo: "맞는 것은?", promptEn: "Which is right?", correctKey: "a", explanationKo: "설명", explanationEn: "Because",
                options: [{ key: "a", ko: "가", en: "A" }, { key: "b", ko: "나", en: "B" }],
              },
            },
          },
        },
      },
    });
    return { courseId: course.id, slug: course.slug, stage };
  } catch (e) {
    // Another test file made it at the same moment.
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") return ensureTestStage();
    throw e;
  }
}

/** A round open now (from yesterday to a month ahead), for the fields given. */
export async function openRound(createdById: string, fields: string[] = ["GENERAL", "DISABILITY"], retentionMonths = 24) {
  const at = now().getTime();
  return prisma.lecturerRound.create({
    data: {
      titleKo: `시민 인권강사 모집 ${uid()}`, titleEn: `Citizen lecturers ${uid()}`,
      opensAt: new Date(at - 86_400_000), closesAt: new Date(at + 30 * 86_400_000),
      places: 10, fields, retentionMonths, createdById,
    },
  });
}
