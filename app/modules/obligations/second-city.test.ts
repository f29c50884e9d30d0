import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { readContentTree } from "~/modules/content/source.server";
import { loadContent } from "~/modules/content/load.server";
import { createPerson, createUnit, uid } from "../../../test/factories";
import { clockYear } from "../../../test/clock";
import { now } from "~/utils/clock.server";
import { assignAudiences, openCycle, planCycle } from "./cycles.server";
import { ObligationAudienceError } from "./audience.server";

/**
 * Another city runs the product by declaring its own duties in content/,
 * without code: here a Busan-style plan with different deadlines, audiences
 * and routes.
 */
describe("a second city's obligations", () => {
  const dir = mkdtempSync(join(tmpdir(), "busan-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tag = uid();
  /** A content tree under `dir` with the courses and one obligation file. */
  const treeWith = (name: string, file: string, body: string) => {
    const root = join(dir, name);
    cpSync(join(dir, "courses"), join(root, "courses"), { recursive: true });
    mkdirSync(join(root, "obligations"));
    writeFileSync(join(root, "obligations", file), body);
    return root;
  };

  it("load from files and assign their own audience with their own deadlines", async () => {
    const busan = await createUnit("CITY", null, "부산광역시");
    const corp = await createUnit("AFFILIATED_ORG", busan.id, "부산교통공사");
    const centre = await createUnit("WELFARE_FACILITY", busan.id, "복지관");
    cpSync(join(process.cwd(), "content", "courses"), join(dir, "courses"), { recursive: true });
    mkdirSync(join(dir, "obligations"));
    writeFileSync(
      join(dir, "obligations", "busan-annual.yaml"),
      `code: busan-annual-${tag}
title: { ko: "부산광역시 공직자 인권교육", en: "Busan public officials' human rights education" }
legalBasis: { ko: "부산광역시 인권 기본 조례", en: "Busan Metropolitan City Human Rights Ordinance" }
cycle: annual
audience: { unitKinds: [AFFILIATED_ORG], units: [${busan.code}] }
routes:
  - staffCategories: [AFFILIATED_STAFF, CIVIL_SERVANT]
    course: elective-impact-assessment
    minMinutes: 30
deadline: "11-30"
gracePeriodDays: 14
sharedSessions: true
`,
    );
    writeFileSync(
      join(dir, "obligations", "busan-disability.yaml"),
      `code: busan-disability-${tag}
title: { ko: "부산 장애인 인권교육", en: "Busan disability rights education" }
legalBasis: { ko: "부산광역시 장애인 인권 증진 조례", en: "Busan ordinance on the rights of persons with disabilities" }
cycle: half_year
audience: { unitKinds: [WELFARE_FACILITY], units: [${busan.code}] }
routes:
  - staffCategories: [WELFARE_FACILITY_STAFF]
    course: disability-rights-h1
    period: H1
    modes: [in_person]
    minMinutes: 120
  - staffCategories: [WELFARE_FACILITY_STAFF]
    course: disability-rights-h2
    period: H2
deadline: { H1: "05-31", H2: "11-30" }
inPersonShare: 30
`,
    );
    const report = await loadContent(readContentTree(dir));
    expect(report.obligations).toEqual([`busan-annual-${tag}`, `busan-disability-${tag}`]);
    expect(report.unitsNotInChart).toEqual([]);

    const driver = await createPerson(corp.id, "AFFILIATED_STAFF", "기관사");
    const carer = await createPerson(centre.id, "WELFARE_FACILITY_STAFF", "사회복지사");
    const annual = await planCycle(`busan-annual-${tag}`, 2026, "");
    expect(annual.dueAt.toISOString()).toBe("2026-11-30T14:59:59.999Z");
    expect(annual.graceDays).toBe(14);
    expect(await openCycle(annual.id, null)).toBe(1);
    const h1 = await planCycle(`busan-disability-${tag}`, 2026, "H1");
    expect(h1.dueAt.toISOString()).toBe("2026-05-31T14:59:59.999Z");
    // The institution's in-person target is kept on the cycle as planned (ADR 038); the annual duty sets none.
    expect([h1.inPersonSharePercent, annual.inPersonSharePercent]).toEqual([30, null]);
    expect(await openCycle(h1.id, null)).toBe(1);
    await expect(planCycle(`busan-disability-${tag}`, 2026, "")).rejects.toThrow("does not have period");

    const owed = await prisma.assignment.findMany({ where: { personId: { in: [driver.id, carer.id] } }, include: { cycle: true } });
    const courses = await prisma.course.findMany({ where: { id: { in: owed.map((a) => a.courseId) } } });
    const slugOf = new Map(courses.map((c) => [c.id, c.slug]));
    expect(owed.map((a) => [a.personId === driver.id ? "driver" : "carer", a.cycle!.label, slugOf.get(a.courseId)]).sort()).toEqual([
      ["carer", "2026-H1", "disability-rights-h1"],
      ["driver", "2026", "elective-impact-assessment"],
    ]);
    const routes = await prisma.obligationRoute.findMany({ where: { obligation: { code: { endsWith: tag } } }, orderBy: { period: "asc" } });
    expect(routes.map((r) => [r.period, r.minMinutes, r.modes])).toEqual([
      ["", 30, ["ONLINE", "IN_PERSON"]],
      ["", 30, ["ONLINE", "IN_PERSON"]],
      ["H1", 120, ["IN_PERSON"]],
      ["H2", 0, ["ONLINE", "IN_PERSON"]],
    ]);
  });

  it("refuse a duty that asks more online learning time than its course gives", () => {
    const bad = join(dir, "bad");
    cpSync(join(dir, "courses"), join(bad, "courses"), { recursive: true });
    mkdirSync(join(bad, "obligations"));
    const body = `title: { ko: "가", en: "A" }
legalBasis: { ko: "나", en: "B" }
cycle: annual
audience: { unitKinds: [TEAM] }
routes:
  - staffCategories: [CIVIL_SERVANT]
    course: elective-impact-assessment
    minMinutes: 600
deadline: "12-31"
`;
    writeFileSync(join(bad, "obligations", "one.yaml"), `code: twice\n${body}`);
    writeFileSync(join(bad, "obligations", "two.yaml"), `code: twice\n${body}`);
    expect(() => readContentTree(bad)).toThrow(/minMinutes.*less than the 600[\s\S]*'twice' is also declared in obligations\/one.yaml/);
  });

  it("refuse a duty naming no units while the database holds more than one city, and assign it to no one", async () => {
    const first = await createUnit("CITY", null, "첫째 시");
    const second = await createUnit("CITY", null, "둘째 시");
    const open = treeWith(
      "open",
      "everyone.yaml",
      `code: everyone-${tag}
title: { ko: "모두의 의무", en: "Everyone's duty" }
legalBasis: { ko: "조례", en: "Ordinance" }
cycle: annual
audience: { unitKinds: [CITY, TEAM] }
routes:
  - staffCategories: [CIVIL_SERVANT]
    course: elective-impact-assessment
deadline: "12-31"
`,
    );
    const refused = await loadContent(readContentTree(open)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ObligationAudienceError);
    expect((refused as Error).message).toMatch(/^content\/obligations\/everyone\.yaml: the audience names no units, and the database holds \d+ top-level organizations/);
    expect(await prisma.obligation.findUnique({ where: { code: `everyone-${tag}` } })).toBeNull();

    // A duty already in the database with no audience (loaded while there was one city) is refused
    // when a cycle of it is opened, and no follow-up assigns it to anyone.
    const staff = [await createPerson(first.id, "CIVIL_SERVANT", "첫째"), await createPerson(second.id, "CIVIL_SERVANT", "둘째")];
    const course = await prisma.course.findUniqueOrThrow({ where: { slug: "elective-impact-assessment" } });
    const duty = await prisma.obligation.create({
      data: {
        code: `unnamed-${tag}`, titleKo: "이름 없는 대상", titleEn: "No audience", legalBasisKo: "조례", legalBasisEn: "Ordinance",
        cycleKind: "ANNUAL", unitKinds: ["CITY"], deadlines: { "": "12-31" },
        routes: { create: [{ staffCategory: "CIVIL_SERVANT", period: "", courseId: course.id, minMinutes: 0, modes: ["ONLINE"] }] },
      },
    });
    const cycle = await planCycle(duty.code, 2026, "");
    await expect(openCycle(cycle.id, null)).rejects.toThrow(new RegExp(`obligation 'unnamed-${tag}'.*names no units`));
    expect(await assignAudiences([cycle.id], now())).toEqual({});
    expect(await prisma.assignment.count({ where: { personId: { in: staff.map((p) => p.id) } } })).toBe(0);
  });

  it("load a duty naming units the chart does not hold yet, and say which, so the chart can follow", async () => {
    const early = treeWith(
      "early",
      "incheon.yaml",
      `code: incheon-${tag}
title: { ko: "인천 인권교육", en: "Incheon human rights education" }
legalBasis: { ko: "인천광역시 인권 기본 조례", en: "Incheon Human Rights Ordinance" }
cycle: annual
audience: { unitKinds: [CITY, BUREAU], units: [INCHEON-${tag}], except: [INCHEON-${tag}-WELFARE] }
routes:
  - staffCategories: [CIVIL_SERVANT]
    course: elective-impact-assessment
deadline: "11-30"
`,
    );
    const report = await loadContent(readContentTree(early));
    expect(report.unitsNotInChart).toEqual([
      { obligation: `incheon-${tag}`, file: "content/obligations/incheon.yaml", codes: [`INCHEON-${tag}`, `INCHEON-${tag}-WELFARE`] },
    ]);
  });

  it("give a person who joins an open cycle late a fair deadline", async () => {
    const busan = await createUnit("CITY", null, "부산");
    const corp = await createUnit("AFFILIATED_ORG", busan.id, "공사");
    await prisma.obligation.update({ where: { code: `busan-annual-${tag}` }, data: { audienceUnitCodes: [busan.code] } });
    const cycle = await planCycle(`busan-annual-${tag}`, clockYear(), "");
    await prisma.cycle.update({ where: { id: cycle.id }, data: { dueAt: new Date(now().getTime() + 5 * 86400_000) } });
    await createPerson(corp.id, "AFFILIATED_STAFF", "먼저");
    await openCycle(cycle.id, null);
    const late = await createPerson(corp.id, "AFFILIATED_STAFF", "나중");
    await openCycle(cycle.id, null);
    const a = await prisma.assignment.findFirstOrThrow({ where: { personId: late.id, cycleId: cycle.id } });
    expect(a.dueAt!.getTime()).toBeGreaterThan(now().getTime() + 29 * 86400_000);
  });
});
