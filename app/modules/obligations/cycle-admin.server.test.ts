import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { seoulDateKey } from "~/utils/i18n";
import { now } from "~/utils/clock.server";
import { createPerson, createUnit, createUser, createWorld } from "../../../test/factories";
import { clockYear } from "../../../test/clock";
import { recordAudit } from "~/modules/audit/audit.server";
import { cancelScheduled, cycleHistory, listYear, openForAcademy, planYear, previewCycle, runDueCycleActions, scheduleAction, takeAction } from "./cycle-admin.server";
import { CycleActionError, openCycle } from "./cycles.server";

/** A world whose annual duty is due on 30 November, so its deadline can still move within the year. */
async function novemberWorld() {
  const world = await createWorld();
  await prisma.obligation.update({ where: { id: world.obligation.id }, data: { deadlines: { "": "11-30" } } });
  const actor = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
  return { ...world, actor };
}

const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CycleActionError);
  return (e as CycleActionError).code;
};

describe("the academy's year", () => {
  it("plans a year's cycles from the obligation's deadlines, previews them by unit, category and course, and opens once", async () => {
    const w = await novemberWorld();
    const year = clockYear() + 1;
    await createPerson(w.division.id);
    await createPerson(w.division.id);
    const team = await createUnit("DIVISION", w.otherBureau.id);
    await createPerson(team.id);
    expect(await planYear(w.obligation.code, year, w.actor.id)).toEqual([String(year)]);
    expect(await planYear(w.obligation.code, year, w.actor.id)).toEqual([String(year)]);
    const listed = (await listYear(year)).find((o) => o.id === w.obligation.id)!;
    expect(listed.cycles).toHaveLength(1);
    expect(listed.missingPeriods).toEqual([]);
    const cycle = listed.cycles[0]!;
    expect(seoulDateKey(cycle.dueAt)).toBe(`${year}-11-30`);

    // The previous year's cycle assigned two of the three.
    const prev = await prisma.cycle.create({
      data: { obligationId: w.obligation.id, label: String(year - 1), startsOn: new Date(`${year - 1}-01-01`), endsOn: new Date(`${year - 1}-12-31`), dueAt: new Date(`${year - 1}-11-30T14:59:59Z`) },
    });
    await openCycle(prev.id, null);
    await prisma.assignment.deleteMany({ where: { cycleId: prev.id, person: { orgUnitId: team.id } } });

    const preview = await previewCycle(cycle.id);
    expect(preview.total).toMatchObject({ people: 3, newSincePrevious: 1, alreadyAssigned: 0 });
    expect(preview.previousLabel).toBe(String(year - 1));
    expect(preview.byUnit.map((u) => [u.id, u.people, u.newSincePrevious])).toEqual([
      [w.bureau.id, 2, 0],
      [w.otherBureau.id, 1, 1],
    ]);
    expect(preview.byCategory.map((c) => [c.id, c.people])).toEqual([["CIVIL_SERVANT", 3]]);
    expect(preview.byCourse.map((c) => [c.id, c.people])).toEqual([[w.course.id, 3]]);

    expect(await openForAcademy(cycle.id, w.actor.id)).toBe(3);
    expect(await refusal(openForAcademy(cycle.id, w.actor.id))).toBe("alreadyOpen");
    expect((await previewCycle(cycle.id)).total.alreadyAssigned).toBe(3);

    // Its history is the cycle's own life: reading its report is an access, not an event of the cycle.
    await recordAudit({ actorUserId: w.actor.id, action: "report.view", entityType: "cycle", entityId: cycle.id });
    expect((await cycleHistory([cycle.id])).map((e) => e.action)).toEqual(["cycle.open"]);
  });

  it("refuses to open a duty whose file names units the chart lacks, says which on the year's page, and opens once the chart has them", async () => {
    const w = await novemberWorld();
    const year = clockYear() + 1;
    await createPerson(w.division.id);
    const code = `NEWCITY-${w.city.code}`;
    // Loaded before its city's chart: the file names the city and leaves out a bureau, neither there yet.
    await prisma.obligation.update({ where: { id: w.obligation.id }, data: { audienceUnitCodes: [w.city.code, code], audienceExceptCodes: [`${code}-X`] } });
    const [label] = await planYear(w.obligation.code, year, w.actor.id);
    const cycle = await prisma.cycle.findFirstOrThrow({ where: { obligationId: w.obligation.id, label } });
    expect((await listYear(year)).find((o) => o.id === w.obligation.id)!.unitsNotInChart).toEqual([code, `${code}-X`]);
    const e = (await openForAcademy(cycle.id, w.actor.id).catch((err: unknown) => err)) as CycleActionError;
    expect([e.code, e.params]).toEqual(["unitsNotInChart", { obligation: w.obligation.code, codes: `${code}, ${code}-X` }]);
    expect(await prisma.assignment.count({ where: { cycleId: cycle.id } })).toBe(0);
    expect((await prisma.cycle.findUniqueOrThrow({ where: { id: cycle.id } })).status).toBe("PLANNED");

    // A closed unit is no better than a missing one; once both are in today's chart, it opens.
    const city = await prisma.orgUnit.create({ data: { code, nameKo: "새 시", nameEn: "New city", kind: "CITY", endedAt: now() } });
    expect((await listYear(year)).find((o) => o.id === w.obligation.id)!.unitsNotInChart).toEqual([code, `${code}-X`]);
    await prisma.orgUnit.update({ where: { id: city.id }, data: { endedAt: null } });
    await prisma.orgUnit.create({ data: { code: `${code}-X`, nameKo: "제외 국", nameEn: "Left-out bureau", kind: "BUREAU", parentId: city.id } });
    expect((await listYear(year)).find((o) => o.id === w.obligation.id)!.unitsNotInChart).toEqual([]);
    expect(await openForAcademy(cycle.id, w.actor.id)).toBe(1);
  });

  it("extends for one unit's subtree with a reason, never past the period, and refuses a close with work in flight until confirmed", async () => {
    const w = await novemberWorld();
    const year = clockYear() + 1;
    const inDivision = await createPerson(w.division.id);
    const elsewhere = await createPerson((await createUnit("DIVISION", w.otherBureau.id)).id);
    const [label] = await planYear(w.obligation.code, year, w.actor.id);
    const cycle = await prisma.cycle.findFirstOrThrow({ where: { obligationId: w.obligation.id, label } });
    await openForAcademy(cycle.id, w.actor.id);

    const ext = { dueOn: `${year}-12-15`, unitId: w.bureau.id, reason: "" };
    expect(await refusal(takeAction(cycle.id, { action: "extend", extension: ext }, w.actor.id))).toBe("reasonRequired");
    expect(await refusal(takeAction(cycle.id, { action: "extend", extension: { ...ext, reason: "공사", dueOn: `${year + 1}-01-10` } }, w.actor.id))).toBe("pastPeriod");
    expect(await refusal(takeAction(cycle.id, { action: "extend", extension: { ...ext, reason: "공사", dueOn: `${year}-11-01` } }, w.actor.id))).toBe("notLater");
    expect(await takeAction(cycle.id, { action: "extend", extension: { ...ext, reason: "청사 이전 공사" } }, w.actor.id)).toBe(1);
    const due = async (personId: string) => seoulDateKey((await prisma.assignment.findFirstOrThrow({ where: { cycleId: cycle.id, personId } })).dueAt!);
    expect(await due(inDivision.id)).toBe(`${year}-12-15`);
    expect(await due(elsewhere.id)).toBe(`${year}-11-30`);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { entityId: cycle.id, action: "cycle.extend" } });
    expect(audit.reason).toBe("청사 이전 공사");
    expect(audit.data).toMatchObject({ to: `${year}-12-15`, unitId: w.bureau.id, changed: 1 });

    await prisma.assignment.updateMany({ where: { cycleId: cycle.id, personId: inDivision.id }, data: { status: "IN_PROGRESS" } });
    const code = await takeAction(cycle.id, { action: "close" }, w.actor.id).catch((e: CycleActionError) => e);
    expect(code).toBeInstanceOf(CycleActionError);
    expect((code as CycleActionError).params).toEqual({ count: 1 });
    expect(await takeAction(cycle.id, { action: "close", closeInFlight: true }, w.actor.id)).toBe(1);
    expect(await refusal(takeAction(cycle.id, { action: "open" }, w.actor.id))).toBe("closedNoOpen");
    expect(await refusal(takeAction(cycle.id, { action: "reopen", reason: " " }, w.actor.id))).toBe("reasonRequired");
    await takeAction(cycle.id, { action: "reopen", reason: "출석부 늦게 도착" }, w.actor.id);
    expect((await prisma.cycle.findUniqueOrThrow({ where: { id: cycle.id } })).status).toBe("OPEN");
  });

  it("carries out a scheduled action once, however often the tick runs, and a cancelled one never", async () => {
    const w = await novemberWorld();
    const year = clockYear() + 1;
    await createPerson(w.division.id);
    const [label] = await planYear(w.obligation.code, year, w.actor.id);
    const cycle = await prisma.cycle.findFirstOrThrow({ where: { obligationId: w.obligation.id, label } });
    const today = seoulDateKey(now());
    expect(await refusal(scheduleAction(cycle.id, { action: "open" }, "2000-01-01", w.actor.id))).toBe("runOnPast");
    expect(await refusal(scheduleAction(cycle.id, { action: "extend", extension: { dueOn: `${year + 1}-02-01`, unitId: null, reason: "x" } }, today, w.actor.id))).toBe(
      "pastPeriod",
    );
    const openId = await scheduleAction(cycle.id, { action: "open" }, today, w.actor.id);
    const cancelled = await scheduleAction(cycle.id, { action: "close", closeInFlight: true }, today, w.actor.id);
    const later = await scheduleAction(cycle.id, { action: "close", closeInFlight: true }, `${year}-12-31`, w.actor.id);
    expect(await cancelScheduled(cancelled, w.actor.id)).toBe(true);
    expect(await cancelScheduled(cancelled, w.actor.id)).toBe(false);

    await runDueCycleActions();
    await runDueCycleActions();
    expect(await prisma.assignment.count({ where: { cycleId: cycle.id } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { entityId: cycle.id, action: "cycle.open" } })).toBe(1);
    const rows = await prisma.scheduledCycleAction.findMany({ where: { cycleId: cycle.id } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(openId)).toMatchObject({ attempts: 1, failed: false, outcome: { count: 1 } });
    expect(byId.get(openId)!.doneAt).not.toBeNull();
    expect(byId.get(cancelled)!.doneAt).toBeNull();
    expect(byId.get(later)!.doneAt).toBeNull();
    expect((await prisma.cycle.findUniqueOrThrow({ where: { id: cycle.id } })).status).toBe("OPEN");
  });

  it("marks a scheduled action that became impossible as failed, once, with its reason", async () => {
    const w = await novemberWorld();
    const year = clockYear() + 1;
    const [label] = await planYear(w.obligation.code, year, w.actor.id);
    const cycle = await prisma.cycle.findFirstOrThrow({ where: { obligationId: w.obligation.id, label } });
    const id = await scheduleAction(cycle.id, { action: "reopen", reason: "실수로 닫음" }, seoulDateKey(now()), w.actor.id);
    await runDueCycleActions();
    await runDueCycleActions();
    const row = await prisma.scheduledCycleAction.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ failed: true, attempts: 1, outcome: { error: "notClosed" } });
  });
});
