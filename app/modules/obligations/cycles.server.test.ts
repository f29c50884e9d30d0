import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createPerson, createUnit, uid } from "../../../test/factories";
import { at } from "../../../test/clock";
import { assignAudiences, closeCycle, cycleWindow, CycleStateError, openCycle } from "./cycles.server";

describe("cycle windows", () => {
  it("end at the end of the deadline day in Seoul", () => {
    const year = cycleWindow(2026, "", { "": "12-31" });
    expect(year.label).toBe("2026");
    expect(year.dueAt.toISOString()).toBe("2026-12-31T14:59:59.999Z");
    const h1 = cycleWindow(2026, "H1", { H1: "06-30", H2: "12-31" });
    expect(h1.label).toBe("2026-H1");
    expect(h1.endsOn.toISOString().slice(0, 10)).toBe("2026-06-30");
    expect(() => cycleWindow(2026, "H2", { "": "12-31" })).toThrow(CycleStateError);
  });
});

describe("half-year cycles", () => {
  it("assign each half's own edition, and closing keeps the records", async () => {
    const root = await createUnit("CITY");
    const facility = await createUnit("WELFARE_FACILITY", root.id);
    const worker = await createPerson(facility.id, "WELFARE_FACILITY_STAFF", "복지사");
    const [h1Course, h2Course] = await Promise.all(
      ["disability-rights-h1", "disability-rights-h2"].map((slug) => prisma.course.findUniqueOrThrow({ where: { slug } })),
    );
    const obligation = await prisma.obligation.create({
      data: {
        code: `test-disability-${uid()}`,
        titleKo: "장애인 인권교육",
        titleEn: "Disability rights education",
        legalBasisKo: "조례",
        legalBasisEn: "Ordinance",
        cycleKind: "HALF_YEAR",
        unitKinds: ["WELFARE_FACILITY"],
        audienceRootId: root.id,
        deadlines: { H1: "06-30", H2: "12-31" },
        routes: {
          create: [
            { staffCategory: "WELFARE_FACILITY_STAFF", period: "H1", courseId: h1Course!.id },
            { staffCategory: "WELFARE_FACILITY_STAFF", period: "H2", courseId: h2Course!.id },
          ],
        },
      },
    });
    const cycles = [];
    for (const period of ["H1", "H2"] as const) {
      const w = cycleWindow(2026, period, { H1: "06-30", H2: "12-31" });
      const cycle = await prisma.cycle.create({ data: { obligationId: obligation.id, ...w } });
      expect(await openCycle(cycle.id, null)).toBe(1);
      cycles.push(cycle);
    }
    const assignments = await prisma.assignment.findMany({ where: { personId: worker.id }, include: { cycle: true } });
    expect(Object.fromEntries(assignments.map((a) => [a.cycle!.period, a.courseId]))).toEqual({ H1: h1Course!.id, H2: h2Course!.id });

    await closeCycle(cycles[0]!.id, null);
    await expect(closeCycle(cycles[0]!.id, null)).rejects.toBeInstanceOf(CycleStateError);
    await expect(openCycle(cycles[0]!.id, null)).rejects.toBeInstanceOf(CycleStateError);
    expect(await prisma.assignment.count({ where: { cycleId: cycles[0]!.id } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { entityId: cycles[0]!.id, action: "cycle.close" } })).toBe(1);
  });

  it("add a late joiner only to the cycles whose period still lasts, though an earlier one is left open", async () => {
    at("2026-06-30T23:00:00");
    const root = await createUnit("CITY");
    const facility = await createUnit("WELFARE_FACILITY", root.id);
    const [h1Course, h2Course] = await Promise.all(
      ["disability-rights-h1", "disability-rights-h2"].map((slug) => prisma.course.findUniqueOrThrow({ where: { slug } })),
    );
    const obligation = await prisma.obligation.create({
      data: {
        code: `test-late-${uid()}`, titleKo: "장애인 인권교육", titleEn: "Disability rights education", legalBasisKo: "조례", legalBasisEn: "Ordinance",
        cycleKind: "HALF_YEAR", unitKinds: ["WELFARE_FACILITY"], audienceRootId: root.id, deadlines: { H1: "06-30", H2: "12-31" },
        routes: { create: [{ staffCategory: "WELFARE_FACILITY_STAFF", period: "H1", courseId: h1Course!.id }, { staffCategory: "WELFARE_FACILITY_STAFF", period: "H2", courseId: h2Course!.id }] },
      },
    });
    const [h1, h2] = await Promise.all((["H1", "H2"] as const).map((p) => prisma.cycle.create({ data: { obligationId: obligation.id, ...cycleWindow(2026, p, { H1: "06-30", H2: "12-31" }) } })));
    await openCycle(h1!.id, null);
    await openCycle(h2!.id, null);
    // The last evening of the first half: a hire still owes it.
    const june = await createPerson(facility.id, "WELFARE_FACILITY_STAFF", "6월 입사");
    expect(await assignAudiences([h1!.id, h2!.id], at("2026-06-30T23:30:00"))).toEqual({ [h1!.id]: 1, [h2!.id]: 1 });
    // In December the first half is over though nobody closed it: a hire owes the second half only.
    const december = await createPerson(facility.id, "WELFARE_FACILITY_STAFF", "12월 입사");
    expect(await assignAudiences([h1!.id, h2!.id], at("2026-12-05T10:00:00"))).toEqual({ [h2!.id]: 1 });
    // In January, with the second half in its grace, nobody new joins either.
    await createPerson(facility.id, "WELFARE_FACILITY_STAFF", "1월 입사");
    expect(await assignAudiences([h1!.id, h2!.id], at("2027-01-05T10:00:00"))).toEqual({});
    const owed = await prisma.assignment.findMany({ where: { personId: { in: [june.id, december.id] } }, include: { cycle: true } });
    expect(owed.map((a) => `${a.personId === june.id ? "june" : "december"} ${a.cycle!.period}`).sort()).toEqual(["december H2", "june H1", "june H2"]);
  });
});

describe("a closed cycle", () => {
  it("freezes the learner's record: no more progress, and unfinished work leaves the home page", async () => {
    const { createWorld, openTestCycle, createPerson: person } = await import("../../../test/factories");
    const { completeLesson, getCourseForLearner, listMyAssignments } = await import("~/modules/learning/learning.server");
    const world = await createWorld();
    const p = await person(world.division.id);
    const { cycle } = await openTestCycle(world.obligation.id);
    const a = await prisma.assignment.findFirstOrThrow({ where: { personId: p.id, cycleId: cycle.id } });
    const course = await getCourseForLearner(p.id, a.id);
    await completeLesson(p.id, a.id, course.lessons[0]!.slug);
    await closeCycle(cycle.id, null);
    await expect(completeLesson(p.id, a.id, course.lessons[1]!.slug)).rejects.toThrow("closed");
    expect(await listMyAssignments(p.id)).toEqual([]);
    expect(await prisma.lessonProgress.count({ where: { assignmentId: a.id } })).toBe(1);
  });
});
