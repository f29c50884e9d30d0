import { afterEach, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { resetEnvCache } from "~/utils/env.server";
import { createPerson, createWorld, openTestCycle } from "../../../test/factories";
import { finishCourse } from "../../../prisma/seed";
import { categoryCompliance, unitCompliance } from "./compliance.server";
import { countsAsOf, ensureCounts, refreshCounts } from "./counts.server";

const cityOfficer = (cityId: string) => ({ hrScopeUnitIds: [cityId], roles: new Set(["HR_OFFICER"]) }) as never;

/** Counts kept up to a minute, as in production, for one test. */
function countsKeptAMinute() {
  process.env.COMPLIANCE_COUNTS_MAX_AGE_SECONDS = "60";
  resetEnvCache();
}

afterEach(() => {
  process.env.COMPLIANCE_COUNTS_MAX_AGE_SECONDS = "0";
  resetEnvCache();
});

async function cityOfThree() {
  const w = await createWorld();
  const people = [await createPerson(w.division.id), await createPerson(w.division.id), await createPerson(w.otherBureau.id, "CIVIL_SERVANT", "홍길동", { grade: null })];
  const { cycle } = await openTestCycle(w.obligation.id);
  return { ...w, people, cycle };
}

const owed = (personId: string, cycleId: string) => prisma.assignment.findFirstOrThrow({ where: { personId, cycleId } });

describe("a cycle's counts (ADR 036)", () => {
  it("are counted on the first read, then shown as of their moment and refreshed behind the page", async () => {
    countsKeptAMinute();
    const w = await cityOfThree();
    const officer = cityOfficer(w.city.id);
    expect(await countsAsOf(w.cycle.id)).toBeNull();
    const first = await unitCompliance(officer, w.cycle.id);
    const countedAt = await countsAsOf(w.cycle.id);
    expect(countedAt).not.toBeNull();
    expect(first.find((u) => u.unitId === w.city.id)).toMatchObject({ assigned: 3, completed: 0 });

    await finishCourse(w.people[0]!.id, (await owed(w.people[0]!.id, w.cycle.id)).id);
    // Still fresh: the same counts, as of the same moment.
    expect((await unitCompliance(officer, w.cycle.id)).find((u) => u.unitId === w.city.id)).toMatchObject({ completed: 0 });
    expect(await ensureCounts(w.cycle.id)).toEqual(countedAt);

    // A minute later by the machine's clock they are old: shown as they are while another refresh
    // holds the cycle (the one behind this page then has nothing to do), and refreshed behind a later page.
    await prisma.complianceCountRun.update({ where: { cycleId: w.cycle.id }, data: { refreshedAt: new Date(Date.now() - 61_000) } });
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(36001, hashtext(${w.cycle.id}))`;
      expect((await unitCompliance(officer, w.cycle.id)).find((u) => u.unitId === w.city.id)).toMatchObject({ completed: 0 });
      expect(await ensureCounts(w.cycle.id)).toEqual(countedAt);
    });
    await expect.poll(async () => (await unitCompliance(officer, w.cycle.id)).find((u) => u.unitId === w.city.id)?.completed).toBe(1);
  });

  it("keep categories and grades apart, people without a grade too, and drop what is no longer there", async () => {
    const w = await cityOfThree();
    const officer = cityOfficer(w.city.id);
    const categories = await categoryCompliance(officer, w.cycle.id);
    expect(categories.map((c) => [c.staffCategory, c.grade, c.assigned])).toEqual([
      ["CIVIL_SERVANT", 7, 2],
      ["CIVIL_SERVANT", null, 1],
    ]);
    // The one without a grade leaves: their row of the counts goes.
    await prisma.person.update({ where: { id: w.people[2]!.id }, data: { status: "LEFT" } });
    await refreshCounts(w.cycle.id, { wait: true });
    expect(await prisma.complianceCount.count({ where: { cycleId: w.cycle.id } })).toBe(1);
    expect((await categoryCompliance(officer, w.cycle.id)).map((c) => [c.grade, c.assigned])).toEqual([[7, 2]]);
  });

  it("are refreshed by one reader at a time: others waiting take turns, others not waiting do nothing", async () => {
    const w = await cityOfThree();
    const [a, b, c] = await Promise.all([
      refreshCounts(w.cycle.id, { wait: true }),
      refreshCounts(w.cycle.id, { wait: true }),
      refreshCounts(w.cycle.id, { wait: true }),
    ]);
    expect([a, b, c].every((t) => t instanceof Date)).toBe(true);
    expect(await prisma.complianceCount.aggregate({ where: { cycleId: w.cycle.id }, _sum: { assigned: true } })).toEqual({ _sum: { assigned: 3 } });
    // Held by another transaction, a refresh that does not wait skips.
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(36001, hashtext(${w.cycle.id}))`;
      expect(await refreshCounts(w.cycle.id, { wait: false })).toBeNull();
    });
  });
});
