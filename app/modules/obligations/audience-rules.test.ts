import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { readContentTree } from "~/modules/content/source.server";
import { loadContent, StaffCategoryConfigError } from "~/modules/content/load.server";
import { createPerson, createUnit, createUser, uid } from "../../../test/factories";
import { clockYear } from "../../../test/clock";
import { openForAcademy, previewCycle } from "./cycle-admin.server";
import { CycleActionError, openCycle, planCycle } from "./cycles.server";

/**
 * An obligation file's grades and units left out, resolved by the one audience statement: a small
 * city with a bureau the duty leaves out, civil servants routed by grade, and a city beside it.
 */
describe("an audience with grades and units left out", () => {
  const dir = mkdtempSync(join(tmpdir(), "audience-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tag = uid();
  const code = `graded-${tag}`;

  /** A content tree of the shipped courses and this one duty (the categories are the database's). */
  function tree(duty: string) {
    const root = join(dir, uid());
    cpSync(join(process.cwd(), "content", "courses"), join(root, "courses"), { recursive: true });
    mkdirSync(join(root, "obligations"));
    writeFileSync(join(root, "obligations", "duty.yaml"), duty);
    return readContentTree(root);
  }

  it("assigns exactly those the file names: each grade its course, nobody in the subtree left out, nobody of another city", async () => {
    const city = await createUnit("CITY", null, "가람시");
    const admin = await createUnit("BUREAU", city.id, "행정국");
    const personnel = await createUnit("DIVISION", admin.id, "인사과");
    const welfare = await createUnit("BUREAU", city.id, "복지국");
    const elderly = await createUnit("DIVISION", welfare.id, "노인복지과");
    const elsewhere = await createUnit("CITY", null, "다른 시");
    const people = {
      director: await createPerson(admin.id, "SENIOR_OFFICIAL", "국장", { grade: 3 }),
      grade4: await createPerson(personnel.id, "CIVIL_SERVANT", "사무관", { grade: 4 }),
      grade5: await createPerson(personnel.id, "CIVIL_SERVANT", "주무관 5급", { grade: 5 }),
      grade9: await createPerson(personnel.id, "CIVIL_SERVANT", "주무관 9급", { grade: 9 }),
      noGrade: await createPerson(personnel.id, "CIVIL_SERVANT", "급 없음", { grade: null }),
      contract: await createPerson(personnel.id, "CONTRACT_STAFF", "계약직"),
      welfareHead: await createPerson(welfare.id, "CIVIL_SERVANT", "복지국 4급", { grade: 4 }),
      welfareClerk: await createPerson(elderly.id, "CIVIL_SERVANT", "노인복지과 7급", { grade: 7 }),
      otherCity: await createPerson(elsewhere.id, "CIVIL_SERVANT", "다른 시 4급", { grade: 4 }),
    };
    const duty = `code: ${code}
title: { ko: "가람시 인권교육 ${tag}", en: "Garam human rights education ${tag}" }
legalBasis: { ko: "가람시 인권 조례", en: "Garam human rights ordinance" }
cycle: annual
audience:
  unitKinds: [CITY, BUREAU, DIVISION, TEAM]
  units: [${city.code}]
  except: [${welfare.code}]
routes:
  - staffCategories: [SENIOR_OFFICIAL]
    course: annual-senior-officials
  - staffCategories: [CIVIL_SERVANT]
    grades: { from: 1, to: 4 }
    course: annual-senior-officials
  - staffCategories: [CIVIL_SERVANT]
    grades: { from: 5, to: 8 }
    course: annual-civil-servants
  - staffCategories: [CONTRACT_STAFF]
    course: annual-civil-servants
deadline: "11-30"
`;
    await loadContent(tree(duty));
    const routes = await prisma.obligationRoute.findMany({ where: { obligation: { code } }, orderBy: [{ staffCategory: "asc" }, { gradeFrom: "asc" }] });
    expect(routes.map((r) => [r.staffCategory, r.gradeFrom, r.gradeTo])).toEqual([
      ["CIVIL_SERVANT", 1, 4],
      ["CIVIL_SERVANT", 5, 8],
      ["CONTRACT_STAFF", null, null],
      ["SENIOR_OFFICIAL", null, null],
    ]);
    expect(await prisma.obligation.findUniqueOrThrow({ where: { code }, select: { audienceExceptCodes: true } })).toEqual({ audienceExceptCodes: [welfare.code] });

    // Grade 9 lies outside both civil servants' routes, and a civil servant with no grade recorded in
    // neither; the welfare bureau's subtree is left out; the other city is not named.
    const cycle = await planCycle(code, clockYear() + 1, "");
    const preview = await previewCycle(cycle.id);
    expect(preview.total.people).toBe(4);
    expect(await openCycle(cycle.id, null)).toBe(4);
    const slugOf = new Map((await prisma.course.findMany({ select: { id: true, slug: true } })).map((c) => [c.id, c.slug]));
    const owed = await prisma.assignment.findMany({ where: { cycleId: cycle.id }, select: { personId: true, courseId: true } });
    const who = new Map(Object.entries(people).map(([k, p]) => [p.id, k]));
    expect(owed.map((a) => [who.get(a.personId), slugOf.get(a.courseId)]).sort()).toEqual([
      ["contract", "annual-civil-servants"],
      ["director", "annual-senior-officials"],
      ["grade4", "annual-senior-officials"],
      ["grade5", "annual-civil-servants"],
    ]);

    // A person who moves out of the subtree left out, or whose grade is corrected into a route, is
    // assigned by the next pass of the same statement; nobody is assigned twice.
    await prisma.person.update({ where: { id: people.welfareClerk.id }, data: { orgUnitId: personnel.id } });
    await prisma.person.update({ where: { id: people.noGrade.id }, data: { grade: 6 } });
    expect(await openCycle(cycle.id, null)).toBe(2);
    const added = await prisma.assignment.findMany({ where: { cycleId: cycle.id, personId: { in: [people.welfareClerk.id, people.noGrade.id] } }, select: { courseId: true } });
    expect(added.map((a) => slugOf.get(a.courseId))).toEqual(["annual-civil-servants", "annual-civil-servants"]);
  });

  it("refuses, at load, grades on a category the database does not grade, naming the file", async () => {
    const duty = `code: ungraded-${tag}
title: { ko: "계약직 급별 ${tag}", en: "Contract staff by grade ${tag}" }
legalBasis: { ko: "조례", en: "Ordinance" }
cycle: annual
audience: { unitKinds: [DIVISION], units: [NOWHERE-${tag}] }
routes:
  - staffCategories: [CONTRACT_STAFF]
    grades: { to: 4 }
    course: annual-civil-servants
deadline: "12-31"
`;
    const refused = await loadContent(tree(duty)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StaffCategoryConfigError);
    expect((refused as Error).message).toBe(
      `content/obligations/duty.yaml [routes.0.grades]: names grades, but CONTRACT_STAFF has no grades (not graded in the database's staff categories): a grade is recorded only for graded categories; route it without grades, or separately`,
    );
    expect(await prisma.obligation.findUnique({ where: { code: `ungraded-${tag}` } })).toBeNull();
  });

  it("says on the academy's page, in its own words, why a duty naming no units is not opened beside another city", async () => {
    await createUnit("CITY", null, "하나");
    await createUnit("CITY", null, "둘");
    const course = await prisma.course.findUniqueOrThrow({ where: { slug: "annual-civil-servants" } });
    const duty = await prisma.obligation.create({
      data: {
        code: `nameless-${tag}`, titleKo: `대상 없음 ${tag}`, titleEn: `No units ${tag}`, legalBasisKo: "조례", legalBasisEn: "Ordinance",
        cycleKind: "ANNUAL", unitKinds: ["CITY"], deadlines: { "": "12-31" },
        routes: { create: [{ staffCategory: "CIVIL_SERVANT", courseId: course.id }] },
      },
    });
    const cycle = await planCycle(duty.code, clockYear() + 1, "");
    const actor = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
    const refused = await openForAcademy(cycle.id, actor.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CycleActionError);
    expect((refused as CycleActionError).code).toBe("noAudience");
    expect((refused as CycleActionError).params.obligation).toBe(duty.code);
    expect((refused as CycleActionError).params.count).toBeGreaterThanOrEqual(2);
    expect((refused as Error).message).toMatch(new RegExp(`^obligation 'nameless-${tag}' \\(its file under content/obligations/\\): the audience names no units`));
    expect(await prisma.cycle.findUniqueOrThrow({ where: { id: cycle.id }, select: { status: true } })).toEqual({ status: "PLANNED" });
  });
});
