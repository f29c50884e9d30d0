import { prisma } from "~/utils/db.server";
import { hashPassword } from "~/modules/auth/password.server";
import { CITIZEN_CATEGORY } from "~/modules/org/staff-category-names";
import { applyToRound } from "~/modules/lecturers/recruitment.server";
import { screeningCriteria, submitReview } from "~/modules/lecturers/screening.server";

/** The demo's lecturer applicant, a citizen who signs in with a password. */
export const DEMO_APPLICANT = { email: "applicant@demo.seoul.kr", password: "Applicant-2026!", name: "윤서진" };

/**
 * A recruitment round open for three more weeks, with one citizen's application scored once by the
 * demo's academy administrator: the round's list, a review with the other score hidden, the
 * applicant's own page. Made through the same functions as the pages use.
 */
export async function seedLecturerRecruitment(opts: { today: Date; academyUserId: string; log: (line: string) => void }) {
  const day = 86_400_000;
  const round = await prisma.lecturerRound.create({
    data: {
      titleKo: "2027년 상반기 시민 인권강사 모집",
      titleEn: "Citizen human rights lecturers, first half of 2027",
      descriptionKo: "인권 활동 경험이 있는 서울 시민을 인권강사로 양성합니다. 아동·청소년, 장애인, 이주민 인권 분야를 중점 모집합니다.",
      descriptionEn: "Seoul citizens with a background in human rights work are trained as lecturers. This round recruits chiefly for children and young people, disability and migrants' rights.",
      opensAt: new Date(opts.today.getTime() - 7 * day),
      closesAt: new Date(opts.today.getTime() + 21 * day),
      places: 20,
      fields: ["GENERAL", "CHILDREN_YOUTH", "DISABILITY", "MIGRANTS"],
      retentionMonths: 36,
      createdById: opts.academyUserId,
    },
  });
  const person = await prisma.person.create({ data: { name: DEMO_APPLICANT.name, email: DEMO_APPLICANT.email, staffCategory: CITIZEN_CATEGORY } });
  const user = await prisma.user.create({
    data: { email: DEMO_APPLICANT.email, passwordHash: await hashPassword(DEMO_APPLICANT.password), displayName: DEMO_APPLICANT.name, personId: person.id },
  });
  const applied = await applyToRound(person.id, user.id, round.id, {
    background:
      "2013년부터 마포구 이주민지원센터에서 통역·상담 자원활동을 했고, 2019년부터 3년 동안 구청 주민 인권학교에서 보조 강사로 일했습니다. 이주노동자 상담과 다문화가족 인권 교육을 맡았습니다.",
    motivation: "현장에서 만난 차별 사례를 바탕으로, 공무원과 시설 종사자가 인권을 자기 일로 느끼도록 돕는 참여식 강의를 하고 싶습니다.",
    fields: ["MIGRANTS", "GENERAL"],
    consent: "yes",
  });
  if (!applied.ok) throw new Error(`demo application refused: ${applied.problem}`);
  const scores = Object.fromEntries(screeningCriteria().criteria.map((c) => [c.key, String(Math.round(c.maxScore * 0.8))]));
  const reviewed = await submitReview(applied.id, opts.academyUserId, scores, "이주민 인권 분야의 현장 경험이 풍부함");
  if (!reviewed.ok) throw new Error(`demo review refused: ${reviewed.problem}`);
  opts.log(`Lecturer recruitment: a round open until ${round.closesAt.toISOString().slice(0, 10)}, one application scored once (applicant ${DEMO_APPLICANT.email} / ${DEMO_APPLICANT.password})`);
}
