import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { applyImport, checkImport } from "~/modules/personnel/import.server";
import { at } from "../../../test/clock";
import { createPerson, createUnit, createUser, createWorld, uid } from "../../../test/factories";
import { loadContent } from "~/modules/content/load.server";
import { oversightReturn } from "~/modules/reporting/oversight.server";
import { obligationFileSchema } from "~/modules/content/schema";
import { CycleActionError, cycleWindow, extendCycle, openCycle, planCycle } from "./cycles.server";

/**
 * A duty owed once, within 60 days of joining (ADR 026): the story of one
 * year, 2027, told at pinned moments of the product's clock, so it reads the
 * same at every moment the suite runs at.
 */
const HEADER = "employee_no,name,email,unit_code,staff_category,hired_on";
/** The end of a Seoul day, as the instant the database keeps. */
const endOfSeoulDay = (day: string) => new Date(`${day}T23:59:59.999+09:00`).toISOString();

describe("a duty owed within 60 days of joining", () => {
  let world: Awaited<ReturnType<typeof createWorld>>;
  let hr: Actor;
  let code: string;
  let cycleId: string;

  async function joiningObligation(unitCodes: string[], withinDays = 60) {
    const tag = uid();
    return prisma.obligation.create({
      data: {
        code: `test-joining-${tag}`,
        titleKo: `신규 임용자 인권교육 ${tag}`,
        titleEn: `Human rights education for new hires ${tag}`,
        legalBasisKo: "조례",
        legalBasisEn: "Ordinance",
        cycleKind: "ANNUAL",
        joiningWithinDays: withinDays,
        unitKinds: ["CITY", "BUREAU", "DIVISION", "TEAM"],
        audienceUnitCodes: unitCodes,
        routes: { create: [{ staffCategory: "CIVIL_SERVANT", courseId: world.course.id }] },
      },
    });
  }

  /** Apply a file of changes at the moment given (Seoul wall clock). */
  async function importAt(moment: string, rows: string[]) {
    at(moment);
    const { id, summary } = await checkImport(hr, `joiners-${uid()}.csv`, `${HEADER}\n${rows.join("\n")}`, "CHANGES_ONLY");
    expect(summary.problems).toEqual([]);
    await applyImport(hr, id);
  }

  const row = (no: string, unitCode: string, hiredOn = "") => `${no},입사자 ${no},${no.toLowerCase()}@test.example,${unitCode},CIVIL_SERVANT,${hiredOn}`;

  async function dueOf(employeeNo: string, cycle = cycleId) {
    const a = await prisma.assignment.findFirst({ where: { cycleId: cycle, person: { employeeNo } }, select: { dueAt: true } });
    return a?.dueAt?.toISOString() ?? null;
  }

  beforeAll(async () => {
    world = await createWorld();
    const user = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.city.id }] });
    const row = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    hr = await loadActor({ userId: user.id, sessionId: "test", refreshCookie: null, user: row });
    // The duty covers the bureau's subtree; the other bureau is outside it.
    code = (await joiningObligation([world.bureau.code])).code;
    at("2027-01-04T09:00:00");
    const cycle = await planCycle(code, 2027, "");
    cycleId = cycle.id;
    // One standing cycle for the year; its deadline is the latest a joiner of the year can have.
    expect(cycle).toMatchObject({ label: "2027", period: "" });
    expect(cycle.dueAt.toISOString()).toBe(endOfSeoulDay("2028-02-29"));
    expect(cycleWindow(2027, "", {}, 60).dueAt.toISOString()).toBe(endOfSeoulDay("2028-02-29"));
    // People on the roll since long before the year, with no hire date: they do not owe it.
    await createPerson(world.division.id, "CIVIL_SERVANT", "오래된 직원");
    expect(await openCycle(cycleId, null)).toBe(0);
  });

  it("gives a hire dated 10 March a deadline at the end of 9 May in Seoul, whatever time of day the file is applied", async () => {
    const late = `J${uid()}`;
    const early = `J${uid()}`;
    // 23:45 in Seoul is still the same UTC day; 00:10 in Seoul is the UTC day before.
    await importAt("2027-03-12T23:45:00", [row(late, world.division.code, "2027-03-10")]);
    await importAt("2027-03-13T00:10:00", [row(early, world.division.code, "2027.3.10")]);
    expect(await dueOf(late)).toBe("2027-05-09T14:59:59.999Z");
    expect(await dueOf(early)).toBe("2027-05-09T14:59:59.999Z");
    const person = await prisma.person.findUniqueOrThrow({ where: { employeeNo: late } });
    expect(person.hiredOn?.toISOString().slice(0, 10)).toBe("2027-03-10");
  });

  it("counts from the day someone moved into the duty's units", async () => {
    const mover = await createPerson(world.otherBureau.id, "CIVIL_SERVANT", "전입자");
    await prisma.person.update({ where: { id: mover.id }, data: { hiredOn: new Date("2015-04-01T00:00:00Z") } });
    await importAt("2027-06-15T18:30:00", [row(mover.employeeNo!, world.division.code)]);
    expect(await dueOf(mover.employeeNo!)).toBe(endOfSeoulDay("2027-08-14"));
    // Moving again inside the units changes nothing: the duty is owed once.
    const team = await createUnit("TEAM", world.division.id, "팀");
    await importAt("2027-07-01T10:00:00", [row(mover.employeeNo!, team.code)]);
    expect(await dueOf(mover.employeeNo!)).toBe(endOfSeoulDay("2027-08-14"));
  });

  it("is not owed by someone hired before the year, nor by someone who joined outside its units", async () => {
    const before = `J${uid()}`;
    const outside = `J${uid()}`;
    await importAt("2027-03-20T11:00:00", [row(before, world.division.code, "2026-12-20"), row(outside, world.otherBureau.code, "2027-03-15")]);
    expect(await dueOf(before)).toBeNull();
    expect(await dueOf(outside)).toBeNull();
  });

  it("gives a hire reported late at least 30 days from the day they are told, never a deadline already past", async () => {
    const reportedLate = `J${uid()}`;
    await importAt("2027-05-05T16:00:00", [row(reportedLate, world.division.code, "2027-03-10")]);
    expect(await dueOf(reportedLate)).toBe(endOfSeoulDay("2027-06-04"));
  });

  it("reaches, when its cycle opens, those who joined within the window, and not those whose 60 days had run out", async () => {
    const unit = await createUnit("DIVISION", world.city.id, "신설과");
    const opensLater = await joiningObligation([unit.code]);
    const inWindow = `J${uid()}`;
    const runOut = `J${uid()}`;
    await importAt("2027-05-20T09:00:00", [row(inWindow, unit.code, "2027-05-15"), row(runOut, unit.code, "2027-03-10")]);
    at("2027-06-01T09:00:00");
    const cycle = await planCycle(opensLater.code, 2027, "");
    expect(await openCycle(cycle.id, null)).toBe(1);
    expect(await dueOf(inWindow, cycle.id)).toBe(endOfSeoulDay("2027-07-14"));
    expect(await dueOf(runOut, cycle.id)).toBeNull();
  });

  it("reaches, when its file is loaded again with more units, those who joined them within the window", async () => {
    const first = await createUnit("DIVISION", world.city.id, "첫째과");
    const second = await createUnit("DIVISION", world.city.id, "둘째과");
    const file = (units: string[]) =>
      obligationFileSchema.parse({
        code: `test-joining-file-${uid()}`,
        title: { ko: "신규 임용자 교육", en: "New hires' education" },
        legalBasis: { ko: "조례", en: "Ordinance" },
        cycle: "on_joining",
        withinDays: 60,
        audience: { unitKinds: ["DIVISION"], units },
        routes: [{ staffCategories: ["CIVIL_SERVANT"], course: "annual-civil-servants" }],
      });
    const before = file([first.code]);
    at("2027-02-01T09:00:00");
    await loadContent({ courses: [], obligations: [before] });
    const loaded = await prisma.obligation.findUniqueOrThrow({ where: { code: before.code } });
    expect(loaded).toMatchObject({ cycleKind: "ANNUAL", joiningWithinDays: 60, deadlines: {} });
    const cycle = await planCycle(before.code, 2027, "");
    await openCycle(cycle.id, null);
    const joiner = `J${uid()}`;
    await importAt("2027-03-11T15:00:00", [row(joiner, second.code, "2027-03-10")]);
    expect(await dueOf(joiner, cycle.id)).toBeNull();
    at("2027-03-20T10:00:00");
    const report = await loadContent({ courses: [], obligations: [{ ...before, audience: { ...before.audience, units: [first.code, second.code] } }] });
    expect(report.joinersAssigned).toBe(1);
    expect(await dueOf(joiner, cycle.id)).toBe(endOfSeoulDay("2027-05-09"));
  });

  it("extends the joiners' earlier deadlines, up to the latest a joiner of the year can have, and leaves the cycle's own", async () => {
    const joiner = `J${uid()}`;
    await importAt("2027-08-01T10:00:00", [row(joiner, world.division.code, "2027-08-01")]);
    expect(await dueOf(joiner)).toBe(endOfSeoulDay("2027-09-30"));
    expect(await extendCycle(cycleId, { dueOn: "2027-09-15", unitId: world.division.id, reason: "시스템 장애" }, null)).toBeGreaterThan(0);
    expect(await dueOf(joiner)).toBe(endOfSeoulDay("2027-09-30"));
    await extendCycle(cycleId, { dueOn: "2027-10-31", unitId: null, reason: "시스템 장애" }, null);
    expect(await dueOf(joiner)).toBe(endOfSeoulDay("2027-10-31"));
    const cycle = await prisma.cycle.findUniqueOrThrow({ where: { id: cycleId } });
    expect(cycle.dueAt.toISOString()).toBe(endOfSeoulDay("2028-02-29"));
    await expect(extendCycle(cycleId, { dueOn: "2028-03-01", unitId: null, reason: "너무 늦게" }, null)).rejects.toBeInstanceOf(CycleActionError);
  });

  it("counts in the oversight return as the year's row of its duty", async () => {
    at("2027-08-02T10:00:00");
    const owed = await prisma.assignment.count({ where: { cycleId } });
    expect(owed).toBeGreaterThanOrEqual(4);
    const ret = await oversightReturn(hr, 2027, [world.city.id]);
    const rows = ret.institutions.flatMap((i) => i.cycles).filter((c) => c.cycleId === cycleId);
    expect(rows.map((c) => [c.label, c.period])).toEqual([["2027", ""]]);
    expect(rows[0]!.total.assigned).toBe(owed);
  });
});
