import { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { uid } from "./factories";

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
