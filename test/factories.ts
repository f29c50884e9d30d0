import { randomUUID } from "node:crypto";
import type { JobFamily, OrgUnitKind, Role } from "~/generated/prisma/enums";
import type { StaffCategoryCode } from "~/modules/org/staff-categories.server";
import { prisma } from "~/utils/db.server";
import { hashPassword } from "~/modules/auth/password.server";
import { openCycle, planCycle } from "~/modules/obligations/cycles.server";
import { seoulDayEnd } from "~/utils/i18n";
import { clockYear } from "./clock";

/** A short unique tag so test files can share one database without colliding. */
export function uid(): string {
  return randomUUID().slice(0, 8);
}

export async function createUnit(kind: OrgUnitKind, parentId: string | null = null, name = "단위") {
  const tag = uid();
  return prisma.orgUnit.create({
    data: { code: `T-${tag}`, kind, nameKo: `${name} ${tag}`, nameEn: `Unit ${tag}`, parentId },
  });
}

export interface PersonOptions {
  /** Default: 7 for a category with grades (staff_category.graded), none for the others. */
  grade?: number | null;
  jobFamily?: JobFamily | null;
}

/** Someone on the roll of a unit, of the category and grade given. */
export async function createPerson(orgUnitId: string, staffCategory: StaffCategoryCode = "CIVIL_SERVANT", name = "홍길동", opts: PersonOptions = {}) {
  const tag = uid();
  const graded = opts.grade === undefined && (await prisma.staffCategory.findUnique({ where: { code: staffCategory }, select: { graded: true } }))?.graded;
  const grade = opts.grade !== undefined ? opts.grade : graded ? 7 : null;
  const person = await prisma.person.create({
    data: { employeeNo: `T${tag}`, name, email: `p-${tag}@test.example`, orgUnitId, staffCategory, grade, jobFamily: opts.jobFamily ?? null },
  });
  // On the roll since long before any cycle a test opens.
  await prisma.personPlacement.create({ data: { personId: person.id, orgUnitId, validFrom: new Date("2000-01-01T00:00:00Z") } });
  return person;
}

export const TEST_PASSWORD = "Correct-Horse-2026!";
let passwordHash: Promise<string> | undefined;

export async function createUser(opts: { personId?: string | null; roles?: Array<{ role: Role; orgUnitId?: string | null }>; email?: string } = {}) {
  const email = opts.email ?? `u-${uid()}@test.example`;
  const user = await prisma.user.create({
    data: {
      email,
      passwordHash: await (passwordHash ??= hashPassword(TEST_PASSWORD)),
      displayName: "테스트 사용자",
      personId: opts.personId ?? null,
    },
  });
  for (const r of opts.roles ?? []) {
    await prisma.roleGrant.create({ data: { userId: user.id, role: r.role, orgUnitId: r.orgUnitId ?? null } });
  }
  return user;
}

/**
 * A city-like tree with its own annual obligation routed to the real
 * civil-servant course for the given staff categories (civil servants unless
 * said), isolated from other test files.
 */
export async function createWorld(opts: { routed?: readonly StaffCategoryCode[] } = {}) {
  const routed = opts.routed ?? ["CIVIL_SERVANT"];
  const city = await createUnit("CITY", null, "시");
  const bureau = await createUnit("BUREAU", city.id, "국");
  const division = await createUnit("DIVISION", bureau.id, "과");
  const otherBureau = await createUnit("BUREAU", city.id, "다른국");
  const course = await prisma.course.findUniqueOrThrow({ where: { slug: "annual-civil-servants" } });
  const tag = uid();
  const obligation = await prisma.obligation.create({
    data: {
      code: `test-annual-${tag}`,
      titleKo: `연간 인권교육 ${tag}`,
      titleEn: `Annual human rights education ${tag}`,
      legalBasisKo: "서울특별시 인권 기본 조례",
      legalBasisEn: "Seoul Human Rights Ordinance",
      cycleKind: "ANNUAL",
      unitKinds: ["CITY", "BUREAU", "DIVISION", "TEAM", "AFFILIATED_ORG"],
      audienceRootId: city.id,
      routes: { create: routed.map((staffCategory) => ({ staffCategory, courseId: course.id })) },
    },
  });
  return { city, bureau, division, otherBureau, course, obligation };
}

/**
 * An annual cycle of the given year (the year on the product's clock unless
 * said), due at the end of 31 December in Seoul, opened now.
 */
export async function openTestCycle(obligationId: string, label?: string, year = clockYear()) {
  const cycle = await prisma.cycle.create({
    data: {
      obligationId,
      label: label ?? String(year),
      startsOn: new Date(`${year}-01-01T00:00:00Z`),
      endsOn: new Date(`${year}-12-31T00:00:00Z`),
      dueAt: seoulDayEnd(`${year}-12-31`),
    },
  });
  const assigned = await openCycle(cycle.id, null);
  return { cycle, assigned };
}

/** Another annual duty over the same world's divisions, so people owe two cycles at once. */
export async function createAnnualObligation(
  world: { city: { id: string }; course: { id: string } },
  titleKo: string,
  titleEn: string,
  routed: readonly StaffCategoryCode[] = ["CIVIL_SERVANT"],
) {
  return prisma.obligation.create({
    data: {
      code: `test-annual-${uid()}`,
      titleKo,
      titleEn,
      legalBasisKo: "조례",
      legalBasisEn: "Ordinance",
      cycleKind: "ANNUAL",
      unitKinds: ["DIVISION"],
      audienceRootId: world.city.id,
      routes: { create: routed.map((staffCategory) => ({ staffCategory, courseId: world.course.id })) },
    },
  });
}

/**
 * The city's half-yearly disability rights duty as content/obligations/disability-rights.yaml
 * loaded it (its courses for each half, deadlines, grace), over this world's tree only, so that
 * its cycles assign nobody else's people.
 */
export async function createDisabilityObligation(world: { city: { id: string } }) {
  const d = await prisma.obligation.findUniqueOrThrow({ where: { code: "disability-rights" }, include: { routes: true } });
  return prisma.obligation.create({
    data: {
      code: `test-disability-${uid()}`,
      titleKo: d.titleKo,
      titleEn: d.titleEn,
      legalBasisKo: d.legalBasisKo,
      legalBasisEn: d.legalBasisEn,
      cycleKind: d.cycleKind,
      unitKinds: d.unitKinds,
      deadlines: d.deadlines ?? {},
      graceDays: d.graceDays,
      sharedSessions: d.sharedSessions,
      audienceRootId: world.city.id,
      routes: { create: d.routes.map((r) => ({ staffCategory: r.staffCategory, period: r.period, courseId: r.courseId, minMinutes: r.minMinutes, modes: r.modes })) },
    },
  });
}

/** One half of a half-yearly duty, planned as the product plans it (of the year on the product's clock unless said), opened now. */
export async function openHalfYearCycle(obligationCode: string, period: "H1" | "H2", year = clockYear()) {
  const cycle = await planCycle(obligationCode, year, period);
  const assigned = await openCycle(cycle.id, null);
  return { cycle, assigned };
}

/**
 * A person owed one open assignment, and the assignment notice for it sitting
 * in the outbox, not yet queued: what the worker's delivery tests start from.
 */
export async function createNoticeRow(name: string) {
  const world = await createWorld();
  const person = await createPerson(world.division.id, "CIVIL_SERVANT", name);
  const { cycle } = await openTestCycle(world.obligation.id);
  const assignment = await prisma.assignment.findFirstOrThrow({ where: { cycleId: cycle.id, personId: person.id } });
  const row = await prisma.outboxEmail.create({
    data: {
      dedupeKey: `test:${randomUUID()}`,
      toAddress: person.email,
      template: "assignment-notice",
      locale: "ko",
      payload: { personId: person.id, assignmentIds: [assignment.id] },
    },
  });
  return { row, to: person.email };
}
