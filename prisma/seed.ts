/**
 * Demo data: a Seoul-like city with bureaus, divisions, an affiliated
 * organization and a disability welfare facility, about two hundred people,
 * and one account per role. The year is placed around the day the seed runs
 * (on the product's clock): the half-year before the current one is over and
 * closed, this year's annual cycle and the current half are open, and as much
 * of them is done as the time elapsed makes plausible.
 * Safe to run twice: it does nothing when the demo city already exists.
 */
import { join } from "node:path";
import type { JobFamily, OrgUnitKind, Role } from "~/generated/prisma/enums";
import type { StaffCategoryCode } from "~/modules/org/staff-categories.server";
import { prisma } from "~/utils/db.server";
import { hashPassword } from "~/modules/auth/password.server";
import { readContentTree } from "~/modules/content/source.server";
import { loadContent } from "~/modules/content/load.server";
import { closeCycle, openCycle, planCycle } from "~/modules/obligations/cycles.server";
import { recordPlacements } from "~/modules/org/org.server";
import { seedYearEvents, spreadOverTheYear } from "./seed-year";
import { DEMO_APPLICANT, seedLecturerRecruitment } from "./seed-lecturers";
import { completeLesson, getCourseForLearner, startQuiz, submitQuiz } from "~/modules/learning/learning.server";
import { closeQueues, enqueueCycleOpened } from "~/utils/queues.server";
import { now } from "~/utils/clock.server";
import { seoulDateKey, seoulYear } from "~/utils/i18n";

export const DEMO_ACCOUNTS: Array<{ email: string; password: string; role: Role; label: string; displayName: string }> = [
  { email: "learner@demo.seoul.kr", password: "Learner-2026!", role: "LEARNER", label: "civil servant (learner)", displayName: "김하늘" },
  { email: "hr@demo.seoul.kr", password: "HrOfficer-2026!", role: "HR_OFFICER", label: "HR officer, Welfare Policy Office", displayName: "박지현 (복지정책실 인사)" },
  { email: "academy@demo.seoul.kr", password: "Academy-2026!", role: "ACADEMY_ADMIN", label: "academy administrator", displayName: "이도윤 (인권교육원)" },
  { email: "lecturer@demo.seoul.kr", password: "Lecturer-2026!", role: "LECTURER", label: "human rights lecturer", displayName: "정수아 (인권강사)" },
  { email: "sysadmin@demo.seoul.kr", password: "SysAdmin-2026!", role: "SYSTEM_ADMIN", label: "system administrator", displayName: "시스템 관리자" },
];

type UnitSpec = {
  code: string;
  kind: OrgUnitKind;
  ko: string;
  en: string;
  parent?: string;
  staff: number;
  category: StaffCategoryCode;
  jobFamily?: JobFamily;
};

const UNITS: UnitSpec[] = [
  { code: "SEOUL", kind: "CITY", ko: "서울특별시", en: "Seoul Metropolitan Government", staff: 0, category: "CIVIL_SERVANT" },
  { code: "ADM", kind: "BUREAU", ko: "행정국", en: "Administration Bureau", parent: "SEOUL", staff: 3, category: "CIVIL_SERVANT" },
  { code: "ADM-HR", kind: "DIVISION", ko: "인사과", en: "Personnel Division", parent: "ADM", staff: 18, category: "CIVIL_SERVANT", jobFamily: "WORKPLACE" },
  { code: "ADM-GA", kind: "DIVISION", ko: "총무과", en: "General Affairs Division", parent: "ADM", staff: 16, category: "CIVIL_SERVANT", jobFamily: "PROCUREMENT" },
  { code: "WEL", kind: "BUREAU", ko: "복지정책실", en: "Welfare Policy Office", parent: "SEOUL", staff: 3, category: "CIVIL_SERVANT" },
  { code: "WEL-DIS", kind: "DIVISION", ko: "장애인복지정책과", en: "Disability Welfare Policy Division", parent: "WEL", staff: 20, category: "CIVIL_SERVANT", jobFamily: "WELFARE" },
  { code: "WEL-ELD", kind: "DIVISION", ko: "어르신복지과", en: "Senior Welfare Division", parent: "WEL", staff: 17, category: "CIVIL_SERVANT", jobFamily: "WELFARE" },
  { code: "WEL-DIS-T1", kind: "TEAM", ko: "장애인자립지원팀", en: "Independent Living Support Team", parent: "WEL-DIS", staff: 8, category: "CIVIL_SERVANT", jobFamily: "WELFARE" },
  { code: "HOU", kind: "BUREAU", ko: "주택정책실", en: "Housing Policy Office", parent: "SEOUL", staff: 2, category: "CIVIL_SERVANT" },
  { code: "HOU-RED", kind: "DIVISION", ko: "재개발사업과", en: "Redevelopment Division", parent: "HOU", staff: 15, category: "CIVIL_SERVANT", jobFamily: "HOUSING" },
  { code: "CIT", kind: "BUREAU", ko: "시민소통기획관", en: "Citizen Communication Office", parent: "SEOUL", staff: 2, category: "CIVIL_SERVANT" },
  { code: "CIT-PET", kind: "DIVISION", ko: "민원총괄과", en: "Civil Petitions Division", parent: "CIT", staff: 16, category: "CIVIL_SERVANT", jobFamily: "FRONT_DESK" },
  { code: "AFF-120", kind: "AFFILIATED_ORG", ko: "120다산콜재단", en: "120 Dasan Call Foundation", parent: "SEOUL", staff: 30, category: "AFFILIATED_STAFF", jobFamily: "CALL_CENTRE" },
  { code: "FAC-HANBIT", kind: "WELFARE_FACILITY", ko: "한빛장애인복지관", en: "Hanbit Disability Welfare Centre", parent: "SEOUL", staff: 24, category: "WELFARE_FACILITY_STAFF", jobFamily: "CARE_FACILITY" },
];

const SURNAMES = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황"];
const GIVEN = ["민준", "서연", "지훈", "하은", "도윤", "수아", "예준", "지우", "현우", "서윤", "준서", "지민", "유진", "승현", "다은", "태희", "성민", "은지", "재원", "소영"];

/** A small deterministic generator so every demo has the same people. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

export async function seedDemo(options: { log?: (line: string) => void; completeShare?: number } = {}) {
  const log = options.log ?? console.log;
  if (await prisma.orgUnit.findUnique({ where: { code: "SEOUL" } })) {
    log("Demo data already present: nothing to do.");
    return;
  }
  const seededFrom = now();
  const story = demoCalendar(seededFrom);
  const contentRoot = join(process.cwd(), "content");
  const report = await loadContent(readContentTree(contentRoot));
  log(`Content published: ${report.created.join(", ") || "(already loaded)"}`);

  const unitIds = new Map<string, string>();
  for (const u of UNITS) {
    const row = await prisma.orgUnit.create({
      data: { code: u.code, kind: u.kind, nameKo: u.ko, nameEn: u.en, parentId: u.parent ? unitIds.get(u.parent)! : null },
    });
    unitIds.set(u.code, row.id);
  }

  const random = rng(20260101);
  const people: Array<{
    employeeNo: string;
    name: string;
    email: string;
    orgUnitId: string;
    staffCategory: StaffCategoryCode;
    grade: number | null;
    jobFamily: JobFamily | null;
  }> = [];
  let n = 0;
  for (const u of UNITS) {
    for (let i = 0; i < u.staff; i++) {
      n++;
      const name = SURNAMES[Math.floor(random() * SURNAMES.length)]! + GIVEN[Math.floor(random() * GIVEN.length)]!;
      const isHead = u.kind === "BUREAU" && i === 0;
      const category: StaffCategoryCode = isHead ? "SENIOR_OFFICIAL" : u.category;
      const grade = category === "SENIOR_OFFICIAL" ? 3 + (i % 2) : u.category === "CIVIL_SERVANT" ? 5 + Math.floor(random() * 5) : null;
      people.push({
        employeeNo: `E${String(100000 + n)}`,
        name,
        email: `staff${String(n).padStart(3, "0")}@demo.seoul.kr`,
        orgUnitId: unitIds.get(u.code)!,
        staffCategory: category,
        grade,
        jobFamily: category === "SENIOR_OFFICIAL" ? "POLICY" : (u.jobFamily ?? null),
      });
    }
  }
  await prisma.person.createMany({ data: people });
  log(`People: ${people.length} across ${UNITS.length} organization units`);

  // The demo learner: a grade-7 officer of the Disability Welfare Policy Division, who also leads
  // its working team, so that the demo shows a head of unit's read-only view (/team).
  const learnerPerson = await prisma.person.create({
    data: {
      isUnitHead: true,
      employeeNo: "E200001",
      name: "김하늘",
      email: "learner@demo.seoul.kr",
      orgUnitId: unitIds.get("WEL-DIS")!,
      staffCategory: "CIVIL_SERVANT",
      grade: 7,
      jobFamily: "WELFARE",
    },
  });

  const { year, half, closedHalf } = story;
  // Everyone has sat in their unit since before the closed half-year began.
  await recordPlacements(prisma, new Date(`${closedHalf.year}-01-01T00:00:00+09:00`));

  let hrUserId = "";
  for (const account of DEMO_ACCOUNTS) {
    const user = await prisma.user.create({
      data: {
        email: account.email,
        passwordHash: await hashPassword(account.password),
        displayName: account.displayName,
        personId: account.role === "LEARNER" ? learnerPerson.id : null,
      },
    });
    if (account.role === "HR_OFFICER") {
      hrUserId = user.id;
      await prisma.reportSubscription.create({ data: { userId: user.id, frequency: "WEEKLY", format: "XLSX" } });
    }
    if (account.role !== "LEARNER") {
      await prisma.roleGrant.create({
        data: { userId: user.id, role: account.role, orgUnitId: account.role === "HR_OFFICER" ? unitIds.get("WEL")! : null },
      });
    }
  }

  const random2 = rng(4242);

  // The previous half of the disability duty is over: most finished, then it was closed.
  const closed = await planCycle("disability-rights", closedHalf.year, closedHalf.period);
  await openCycle(closed.id, null);
  const closedAssignments = await prisma.assignment.findMany({ where: { cycleId: closed.id }, select: { id: true, personId: true } });
  let closedDone = 0;
  for (const a of closedAssignments) {
    if (random2() < 0.85) {
      await finishCourse(a.personId, a.id);
      closedDone++;
    }
  }
  await closeCycle(closed.id, null);
  log(`Cycle ${closed.label} of disability-rights: ${closedDone} of ${closedAssignments.length} completed, then closed`);

  const opened: string[] = [];
  for (const [code, period, fullShare] of [
    ["annual-human-rights", "", options.completeShare ?? 0.45],
    ["disability-rights", half, 0.3],
  ] as const) {
    const cycle = await planCycle(code, year, period);
    // Only as much is done as the part of the cycle already behind us allows.
    const elapsed = elapsedShare(cycle.startsOn, cycle.endsOn, seededFrom);
    const share = fullShare * elapsed;
    const assigned = await openCycle(cycle.id, null);
    opened.push(cycle.id);
    // A realistic late-year picture: some finished, some part-way; the demo learner untouched.
    const others = await prisma.assignment.findMany({
      where: { cycleId: cycle.id, personId: { not: learnerPerson.id } },
      select: { id: true, personId: true },
      orderBy: { person: { employeeNo: "asc" } },
    });
    let completed = 0;
    let started = 0;
    for (const a of others) {
      const roll = random();
      if (roll < share) {
        await finishCourse(a.personId, a.id);
        completed++;
      } else if (roll < share + 0.2 * elapsed) {
        const course = await getCourseForLearner(a.personId, a.id);
        await completeLesson(a.personId, a.id, course.path.todo[0]!.slug);
        started++;
      }
    }
    log(`Cycle ${cycle.label} of ${code} opened: ${assigned} assigned, ${completed} completed, ${started} in progress`);
  }

  await spreadOverTheYear(seededFrom);
  log("Learning dated across the year, so that the view as of a past date shows it filling up");

  await seedYearEvents({ today: seededFrom, hrUserId, welfareUnitId: unitIds.get("WEL")!, annualCycleId: opened[0]!, halfCycleId: opened[1]! });
  const academyUser = await prisma.user.findUniqueOrThrow({ where: { email: "academy@demo.seoul.kr" }, select: { id: true } });
  await seedLecturerRecruitment({ today: seededFrom, academyUserId: academyUser.id, log });

  try {
    for (const id of opened) await enqueueCycleOpened(id);
    log("Assignment notices queued for the worker");
  } catch (e) {
    log(`Could not queue assignment notices (is Redis up?): ${(e as Error).message}`);
  } finally {
    await closeQueues();
  }
}

/**
 * Where the demo's year stands on a given day: this year's annual cycle and
 * the half-year the day falls in are open; the half before it (this year's
 * first half from July, last year's second half until June) is closed.
 */
export function demoCalendar(today: Date) {
  const year = seoulYear(today);
  const half: "H1" | "H2" = seoulDateKey(today).slice(5) <= "06-30" ? "H1" : "H2";
  const closedHalf = half === "H2" ? { year, period: "H1" as const } : { year: year - 1, period: "H2" as const };
  return { year, half, closedHalf };
}

/** The share of a cycle's days (starts_on to the end of ends_on) that lie before `at`, between 0 and 1. */
function elapsedShare(startsOn: Date, endsOn: Date, at: Date): number {
  const start = new Date(`${startsOn.toISOString().slice(0, 10)}T00:00:00+09:00`).getTime();
  const end = new Date(`${endsOn.toISOString().slice(0, 10)}T23:59:59.999+09:00`).getTime();
  return Math.min(1, Math.max(0, (at.getTime() - start) / (end - start)));
}

/** Walk a person through every lesson and pass the quiz, as the player would. */
export async function finishCourse(personId: string, assignmentId: string) {
  const course = await getCourseForLearner(personId, assignmentId);
  if (course.pretestCount > 0 && !course.pretestTaken) {
    // Before the course people know some of it: answer the first option everywhere.
    const pre = await startQuiz(personId, assignmentId, "PRETEST");
    const firstOptions = pre.questions.map((q) => [q.key, q.options[0]!.key]);
    await submitQuiz(personId, assignmentId, Object.fromEntries(firstOptions), "PRETEST", pre.paperId);
  }
  for (const l of course.path.todo) await completeLesson(personId, assignmentId, l.slug);
  // The paper drawn for this attempt, answered correctly.
  const quiz = await startQuiz(personId, assignmentId);
  return submitQuiz(personId, assignmentId, Object.fromEntries(quiz.questions.map((q) => [q.key, q.correctKey])), "QUIZ", quiz.paperId);
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain && process.argv.includes("--accounts")) {
  for (const a of DEMO_ACCOUNTS) console.log(`    ${a.email.padEnd(26)} ${a.password.padEnd(18)} ${a.label}`);
  console.log(`    ${DEMO_APPLICANT.email.padEnd(26)} ${DEMO_APPLICANT.password.padEnd(18)} citizen who applied to be a lecturer`);
} else if (isMain) {
  await seedDemo();
  await prisma.$disconnect();
  process.exit(0);
}
