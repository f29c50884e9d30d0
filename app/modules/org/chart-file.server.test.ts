import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { translator } from "~/utils/i18n";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { unitCompliance, unitPeople } from "~/modules/compliance/compliance.server";
import { createPerson, createUnit, createUser, createWorld, openTestCycle, uid } from "../../../test/factories";
import { getRequest, postFile, postForm, respond, sessionCookieFor } from "../../../test/http";
import { action as uploadAction, loader as uploadLoader } from "~/routes/hr.org-chart.import";
import { action as resultAction } from "~/routes/hr.import.$importId";
import { loader as chartLoader } from "~/routes/hr.org-chart._index";
import { ImportError } from "~/modules/personnel/import.server";
import { readChart, submitChart, submitChartApply, type ChartSummary } from "./chart-file.server";
import { chartTree } from "./chart.server";

const HEADER = "code,name_ko,name_en,parent_code,kind,valid_from,action,merged_into";

/** A Seoul calendar day `days` from the product's today. */
function day(days: number): string {
  return new Date(now().getTime() + 9 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}
/** The first moment of a Seoul day. */
function startOf(d: string): Date {
  return new Date(`${d}T00:00:00+09:00`);
}

async function actorFor(roles: Array<{ role: "HR_OFFICER" | "SYSTEM_ADMIN"; orgUnitId?: string | null }>): Promise<Actor> {
  const user = await createUser({ roles });
  return loadActor((await getCurrentSession(getRequest("/", await sessionCookieFor(user.id))))!);
}

async function check(actor: Actor, csv: string) {
  const { id } = await submitChart(actor, "units.csv", csv);
  const saved = await prisma.personnelImport.findUniqueOrThrow({ where: { id } });
  return { id, summary: saved.summary as unknown as ChartSummary };
}

describe("unit file", () => {
  let admin: Actor;
  let world: Awaited<ReturnType<typeof createWorld>>;

  beforeAll(async () => {
    admin = await actorFor([{ role: "SYSTEM_ADMIN" }]);
    world = await createWorld();
  });

  it("reads Korean headers with a byte order mark, and names the line of each row it cannot read", async () => {
    const csv = `\uFEFF부서코드,부서명,영문부서명,상위부서코드,조직유형,시행일\nA1,가,A,,과,${day(0)}\nA2,나,B,,MAYORALTY,\nA3,,C,,TEAM,2026-02-30\nA4,라,D,,TEAM,${day(3)}\n`;
    const { rows, problems } = await readChart(csv);
    expect(rows.map((r) => [r.line, r.code, r.kind])).toEqual([[2, "A1", "DIVISION"]]);
    expect(problems.map((p) => [p.line, p.code])).toEqual([
      [3, "kind-unknown"],
      [4, "empty"],
      [4, "date-invalid"],
      [5, "date-future"],
    ]);
  });

  it("refuses a cycle, a code used twice, an unknown parent, orphaned people and an unknown kind, each naming its lines, and changes nothing", async () => {
    const a = `C-${uid()}`;
    const b = `C-${uid()}`;
    const full = await createUnit("DIVISION", world.bureau.id, "사람있는과");
    await createPerson(full.id);
    const before = await prisma.orgUnit.count();
    const versions = await prisma.orgUnitVersion.count();
    const csv = [
      HEADER,
      `${a},가,A,${b},DIVISION,,,`,
      `${b},나,B,${a},DIVISION,,,`,
      `${a},다,C,${world.bureau.code},DIVISION,,,`,
      `C-${uid()},라,D,NO-SUCH-PARENT,TEAM,,,`,
      `${full.code},,,,,,END,`,
      `C-${uid()},마,E,${world.bureau.code},COMMITTEE,,,`,
    ].join("\n");
    const { id, summary } = await check(admin, csv);
    expect(summary.problems.map((p) => [p.line, p.code])).toEqual([
      [2, "cycle"],
      [3, "cycle"],
      [4, "duplicate-code"],
      [5, "parent-unknown"],
      [6, "orphans-people"],
      [7, "kind-unknown"],
    ]);
    expect(summary.problems[2]!.params).toEqual({ value: a, other: 2 });
    expect(summary.problems[4]!.params).toEqual({ value: full.code, other: "1" });
    const t = translator("en");
    expect(t("chart.problem.cycle", summary.problems[0]!.params)).toContain(a);
    expect(t("chart.problem.orphans-people", summary.problems[4]!.params)).toContain("1");
    expect(translator("ko")("chart.problem.parent-unknown", summary.problems[3]!.params)).toContain("NO-SUCH-PARENT");
    await expect(submitChartApply(admin, id)).rejects.toThrow(new ImportError("has-problems"));
    expect(await prisma.orgUnit.count()).toBe(before);
    expect(await prisma.orgUnitVersion.count()).toBe(versions);
  });

  it("applies all or nothing: a failure at the last step leaves nothing of the file behind", async () => {
    const fresh = `N-${uid()}`;
    const renamed = await createUnit("DIVISION", world.bureau.id, "옛이름");
    const ending = await createUnit("DIVISION", world.bureau.id, "없어질과");
    const person = await createPerson(ending.id);
    const csv = [
      HEADER,
      `${fresh},새과,New,${world.bureau.code},DIVISION,,,`,
      `${renamed.code},새이름,New name,${world.bureau.code},DIVISION,,,`,
      `${ending.code},,,,,,MERGE,${fresh}`,
    ].join("\n");
    const { id, summary } = await check(admin, csv);
    expect(summary.problems).toEqual([]);
    expect(summary).toMatchObject({ created: 1, renamed: 1, merged: 1, peopleMoved: 1 });
    // The database refuses the very last statement (ending the merged unit), for this unit only.
    const fn = `fail_${uid()}`;
    await prisma.$executeRawUnsafe(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$`);
    await prisma.$executeRawUnsafe(`CREATE TRIGGER ${fn} BEFORE UPDATE OF ended_at ON org_unit FOR EACH ROW WHEN (NEW.code = '${ending.code}') EXECUTE FUNCTION ${fn}()`);
    try {
      await expect(submitChartApply(admin, id)).rejects.toThrow(/refused for the test/);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER ${fn} ON org_unit`);
      await prisma.$executeRawUnsafe(`DROP FUNCTION ${fn}()`);
    }
    expect(await prisma.orgUnit.findUnique({ where: { code: fresh } })).toBeNull();
    expect((await prisma.orgUnit.findUniqueOrThrow({ where: { id: renamed.id } })).nameKo).toBe(renamed.nameKo);
    expect((await prisma.person.findUniqueOrThrow({ where: { id: person.id } })).orgUnitId).toBe(ending.id);
    expect(await prisma.personPlacement.count({ where: { personId: person.id } })).toBe(1);
    expect(await prisma.orgUnitVersion.count({ where: { importId: id } })).toBe(0);
    expect((await prisma.personnelImport.findUniqueOrThrow({ where: { id } })).status).toBe("CHECKED");
    // Once the database takes it, the same file applies as checked.
    await submitChartApply(admin, id);
    expect((await prisma.person.findUniqueOrThrow({ where: { id: person.id } })).orgUnitId).toBe((await prisma.orgUnit.findUniqueOrThrow({ where: { code: fresh } })).id);
  });

  it("moves a division under another bureau: today's roll-up follows, the roll-up as of before the move keeps the old parent", async () => {
    const w = await createWorld();
    const moving = await createUnit("DIVISION", w.bureau.id, "이동과");
    await createPerson(moving.id);
    await createPerson(moving.id);
    const cycle = (await openTestCycle(w.obligation.id)).cycle;
    // Assigned long before the move, so that the day before it counts them.
    await prisma.assignment.updateMany({ where: { cycleId: cycle.id }, data: { assignedAt: new Date("2000-01-02T00:00:00Z") } });
    const officer = await actorFor([{ role: "HR_OFFICER", orgUnitId: w.city.id }]);
    const moveDay = day(0);
    const { id, summary } = await check(officer, [HEADER, `${moving.code},이동과(신),Moved division,${w.otherBureau.code},DIVISION,${moveDay},,`].join("\n"));
    expect(summary.problems).toEqual([]);
    expect(summary.changes).toMatchObject([{ code: moving.code, changes: ["rename", "move"], oldParent: w.bureau.code, parent: w.otherBureau.code, people: 2 }]);
    await submitChartApply(officer, id);

    const assigned = (rows: Awaited<ReturnType<typeof unitCompliance>>, unitId: string) => rows.find((r) => r.unitId === unitId)?.assigned;
    const today = await unitCompliance(officer, cycle.id, null);
    expect(assigned(today, w.otherBureau.id)).toBe(2);
    expect(assigned(today, w.bureau.id)).toBe(0);
    expect(today.find((r) => r.unitId === moving.id)?.nameKo).toBe("이동과(신)");
    // The day before the move: the old parent, and the old name.
    const before = new Date(startOf(moveDay).getTime() - 3600_000);
    const then = await unitCompliance(officer, cycle.id, before);
    expect(assigned(then, w.bureau.id)).toBe(2);
    expect(assigned(then, w.otherBureau.id)).toBe(0);
    expect(then.find((r) => r.unitId === moving.id)?.nameKo).toBe(moving.nameKo);
    // An officer of the old bureau drills into the division as of before the move, not today.
    const oldBureau = await actorFor([{ role: "HR_OFFICER", orgUnitId: w.bureau.id }]);
    expect(await unitPeople(oldBureau, moving.id, cycle.id, "all", null)).toBeNull();
    expect((await unitPeople(oldBureau, moving.id, cycle.id, "all", before))?.length).toBe(2);
    // History: the old version closed on the day, the new one open.
    const versions = await prisma.orgUnitVersion.findMany({ where: { unitId: moving.id }, orderBy: { validFrom: "asc" } });
    expect(versions.map((v) => [v.parentId, v.validTo?.getTime() ?? null])).toEqual([
      [w.bureau.id, startOf(moveDay).getTime()],
      [w.otherBureau.id, null],
    ]);
    // The tree page's numbers too.
    const tree = await chartTree(officer, null, "");
    expect(tree.units.find((u) => u.id === w.otherBureau.id)?.rolled).toBe(2);
    const oldTree = await chartTree(officer, before, "");
    expect(oldTree.units.find((u) => u.id === w.bureau.id)?.rolled).toBe(2);
    expect(await prisma.auditEvent.count({ where: { action: "org.chart.apply", entityId: id } })).toBe(1);
  });

  it("merges a unit into another: its people move on the day with new placements, and its history stays", async () => {
    const w = await createWorld();
    const ending = await createUnit("DIVISION", w.bureau.id, "통합되는과");
    const target = await createUnit("DIVISION", w.bureau.id, "남는과");
    const p1 = await createPerson(ending.id);
    const p2 = await createPerson(ending.id);
    const mergeDay = day(-2);
    const { id, summary } = await check(admin, [HEADER, `${ending.code},,,,,${mergeDay},MERGE,${target.code}`].join("\n"));
    expect(summary.problems).toEqual([]);
    expect(summary).toMatchObject({ merged: 1, peopleMoved: 2 });
    await submitChartApply(admin, id);
    const people = await prisma.person.findMany({ where: { id: { in: [p1.id, p2.id] } } });
    expect(people.every((p) => p.orgUnitId === target.id)).toBe(true);
    const placements = await prisma.personPlacement.findMany({ where: { personId: p1.id }, orderBy: { validFrom: "asc" } });
    expect(placements.map((pl) => [pl.orgUnitId, pl.validTo?.getTime() ?? null])).toEqual([
      [ending.id, startOf(mergeDay).getTime()],
      [target.id, null],
    ]);
    expect((await prisma.orgUnit.findUniqueOrThrow({ where: { id: ending.id } })).endedAt?.getTime()).toBe(startOf(mergeDay).getTime());
    // Today the ended unit is gone from the tree; the day before the merge it is there with its people.
    const officer = await actorFor([{ role: "HR_OFFICER", orgUnitId: w.city.id }]);
    expect((await chartTree(officer, null, "")).units.find((u) => u.id === ending.id)).toBeUndefined();
    const before = await chartTree(officer, new Date(startOf(mergeDay).getTime() - 1), "");
    expect(before.units.find((u) => u.id === ending.id)?.own).toBe(2);
    // Its code is not taken again.
    const again = await check(admin, [HEADER, `${ending.code},다시,Again,${w.bureau.code},DIVISION,,,`].join("\n"));
    expect(again.summary.problems.map((p) => p.code)).toEqual(["unit-ended"]);
  });

  it("lets an HR officer change their own subtrees only, and nobody else load a chart", async () => {
    const w = await createWorld();
    const officer = await actorFor([{ role: "HR_OFFICER", orgUnitId: w.bureau.id }]);
    const { summary } = await check(officer, [
      HEADER,
      `${w.division.code},과,Division,${w.otherBureau.code},DIVISION,,,`,
      `${w.otherBureau.code},다른국(새),Other,${w.city.code},BUREAU,,,`,
      `N-${uid()},최상위,Top,,CITY,,,`,
      `N-${uid()},우리팀,Our team,${w.division.code},TEAM,,,`,
    ].join("\n"));
    expect(summary.problems.map((p) => [p.line, p.code])).toEqual([
      [2, "out-of-scope"],
      [3, "out-of-scope"],
      [4, "out-of-scope"],
    ]);
    const learner = await actorFor([]);
    await expect(submitChart(learner, "units.csv", `${HEADER}\n`)).rejects.toThrow(new ImportError("forbidden"));
  });

  it("lets only an administrator or an HR officer upload, and only the uploader apply, through the pages", async () => {
    const w = await createWorld();
    const csv = `${HEADER}\nN-${uid()},새팀,New team,${w.division.code},TEAM,,,\n`;
    const cookieOf = async (roles: NonNullable<Parameters<typeof createUser>[0]>["roles"]) => sessionCookieFor((await createUser({ roles })).id);
    const learner = await cookieOf([]);
    const academy = await cookieOf([{ role: "ACADEMY_ADMIN" }]);
    for (const cookie of [learner, academy]) {
      expect((await respond(() => uploadLoader({ request: getRequest("/hr/org-chart/import", cookie), params: {}, context: {} }))).status).toBe(403);
      expect((await respond(async () => uploadAction({ request: await postFile("/hr/org-chart/import", "file", "u.csv", csv, cookie), params: {}, context: {} }))).status).toBe(403);
      expect((await respond(() => chartLoader({ request: getRequest("/hr/org-chart", cookie), params: {}, context: {} }))).status).toBe(403);
    }
    // An HR officer of the bureau uploads for their own units; the check goes to the shared import page.
    const officer = await cookieOf([{ role: "HR_OFFICER", orgUnitId: w.bureau.id }]);
    const uploaded = await respond(async () => uploadAction({ request: await postFile("/hr/org-chart/import", "file", "u.csv", csv, officer), params: {}, context: {} }));
    expect(uploaded.status).toBe(302);
    const importId = uploaded.headers.get("Location")!.split("/").pop()!;
    // Another officer, of another bureau, can neither see nor apply it.
    const outsider = await cookieOf([{ role: "HR_OFFICER", orgUnitId: w.otherBureau.id }]);
    expect((await respond(() => resultAction({ request: postForm(`/hr/import/${importId}`, { intent: "apply" }, outsider), params: { importId }, context: {} }))).status).toBe(404);
    expect(await prisma.orgUnitVersion.count({ where: { importId } })).toBe(0);
    // And a file of theirs that reaches into the first bureau is refused line by line.
    const theirs = await respond(async () => uploadAction({ request: await postFile("/hr/org-chart/import", "file", "u.csv", csv, outsider), params: {}, context: {} }));
    const refused = await prisma.personnelImport.findUniqueOrThrow({ where: { id: theirs.headers.get("Location")!.split("/").pop()! } });
    expect((refused.summary as unknown as ChartSummary).problems.map((p) => [p.line, p.code])).toEqual([[2, "out-of-scope"]]);
    // The uploader applies it.
    expect((await respond(() => resultAction({ request: postForm(`/hr/import/${importId}`, { intent: "apply" }, officer), params: { importId }, context: {} }))).status).toBe(302);
    expect((await prisma.personnelImport.findUniqueOrThrow({ where: { id: importId } })).status).toBe("APPLIED");
  });
});
