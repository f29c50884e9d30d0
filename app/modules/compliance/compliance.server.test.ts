import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { loader as hrLoader } from "~/routes/hr._index";
import { loader as unitLoader } from "~/routes/hr.units.$unitId";
import { loader as exportLoader } from "~/routes/hr.export[.csv]";
import { createPerson, createUnit, createUser, createWorld, openTestCycle } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { finishCourse } from "../../../prisma/seed";
import ExcelJS from "exceljs";
import { countQueries } from "~/utils/db.server";
import { openCycle } from "~/modules/obligations/cycles.server";
import { recordPlacements } from "~/modules/org/org.server";
import { loader as xlsxLoader } from "~/routes/hr.export[.xlsx]";
import { action as downloadAction } from "~/routes/hr.download";
import { now } from "~/utils/clock.server";
import { seoulDateKey, seoulDayStart } from "~/utils/i18n";
import { storyClock } from "../../../test/clock";
import { defaultCycle } from "./guard.server";
import { listCycles, unitComplianceView } from "./compliance.server";
import { loadActor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";

describe("HR officer's compliance view", () => {
  let hrCookie: string;
  let learnerCookie: string;
  let cycleId: string;
  let world: Awaited<ReturnType<typeof createWorld>>;
  let team: { id: string };

  beforeAll(async () => {
    world = await createWorld();
    team = await createUnit("TEAM", world.division.id, "팀");
    const done = await createPerson(world.division.id, "CIVIL_SERVANT", "=HYPERLINK(\"x\")");
    await createPerson(world.division.id, "CIVIL_SERVANT", "이미진");
    await createPerson(team.id, "CIVIL_SERVANT", "박서준");
    await createPerson(world.otherBureau.id, "CIVIL_SERVANT", "다른국사람");
    const welfare = await createUnit("WELFARE_FACILITY", world.bureau.id, "복지관");
    await createPerson(welfare.id, "WELFARE_FACILITY_STAFF", "복지관직원");
    const { cycle, assigned } = await openTestCycle(world.obligation.id);
    expect(assigned).toBe(4); // the welfare facility is not in this obligation's audience
    cycleId = cycle.id;
    const a = await prisma.assignment.findFirstOrThrow({ where: { cycleId, personId: done.id } });
    await finishCourse(done.id, a.id);

    const hr = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    hrCookie = await sessionCookieFor(hr.id);
    const learner = await createUser({ personId: (await createPerson(world.division.id)).id });
    learnerCookie = await sessionCookieFor(learner.id);
  });

  it("counts per unit of my subtree only, in the query", async () => {
    const res = await respond(() => hrLoader({ request: getRequest(`/hr?cycle=${cycleId}`, hrCookie), params: {}, context: {} }));
    const data = await res.json();
    const byCode = Object.fromEntries(data.units.map((u: { code: string }) => [u.code, u]));
    expect(Object.keys(byCode)).not.toContain(world.otherBureau.code);
    // Each unit is rolled up over its subtree: the division includes its team, the bureau both.
    expect(byCode[world.division.code]).toMatchObject({ assigned: 3, completed: 1, notStarted: 2, ratePercent: 33 });
    expect(byCode[world.bureau.code]).toMatchObject({ assigned: 3, completed: 1, ratePercent: 33, depth: 0 });
    expect(data.units.find((u: { unitId: string }) => u.unitId === team.id)).toMatchObject({ assigned: 1, completed: 0, depth: 2 });
    expect(data.categories).toEqual([{ staffCategory: "CIVIL_SERVANT", grade: 7, assigned: 3, completed: 1, inPerson: 0, exempted: 0, ratePercent: 33 }]);
  });

  it("shows a large scope's top two levels, and the units under one of them on asking, never outside the scope", async () => {
    const actor = await loadActor((await getCurrentSession(getRequest("/hr", hrCookie)))!);
    const whole = await unitComplianceView(actor, cycleId, null, { under: null, maxRows: 500 });
    expect(whole.extent).toEqual({ units: whole.rows.length, topOnly: false });
    expect(whole.rows.find((u) => u.unitId === team.id)).toMatchObject({ depth: 2, subUnits: 0 });
    expect(whole.rows.find((u) => u.code === world.division.code)).toMatchObject({ subUnits: 1 });

    // Fewer rows allowed than the scope has units: the bureau and the units directly under it.
    const top = await unitComplianceView(actor, cycleId, null, { under: null, maxRows: 2 });
    expect(top.extent).toEqual({ units: whole.rows.length, topOnly: true });
    expect(top.rows).toHaveLength(2);
    expect(top.rows[0]).toMatchObject({ code: world.bureau.code, depth: 0, assigned: 3 });
    expect(top.rows.every((u) => u.depth <= 1)).toBe(true);

    // Under the division, through the page: the division at the top, its team under it, counted the same.
    const res = await respond(() => hrLoader({ request: getRequest(`/hr?cycle=${cycleId}&under=${world.division.id}`, hrCookie), params: {}, context: {} }));
    const data = await res.json();
    expect(data.under).toMatchObject({ unitId: world.division.id });
    expect(data.units.map((u: { unitId: string; depth: number }) => [u.unitId, u.depth])).toEqual([[world.division.id, 0], [team.id, 1]]);
    expect(data.units[0]).toMatchObject({ assigned: 3, completed: 1 });
    // A unit outside the officer's scope shows nothing.
    const outside = await (await respond(() => hrLoader({ request: getRequest(`/hr?cycle=${cycleId}&under=${world.otherBureau.id}`, hrCookie), params: {}, context: {} }))).json();
    expect(outside.units).toEqual([]);
    expect(outside.under).toBeNull();
  });

  it("reads the records as they stood on a past date", async () => {
    // Yesterday in Seoul, whatever the moment: everyone was assigned by then, nobody had finished.
    const yesterday = seoulDateKey(new Date(now().getTime() - 24 * 3600_000));
    await prisma.assignment.updateMany({ where: { cycleId }, data: { assignedAt: seoulDayStart(yesterday) } });
    const res = await respond(() => hrLoader({ request: getRequest(`/hr?cycle=${cycleId}&asOf=${yesterday}`, hrCookie), params: {}, context: {} }));
    const data = await res.json();
    const division = data.units.find((u: { code: string }) => u.code === world.division.code);
    expect(division).toMatchObject({ assigned: 3, completed: 0, ratePercent: 0 });
    const bad = await respond(() => hrLoader({ request: getRequest(`/hr?cycle=${cycleId}&asOf=31-12-2026`, hrCookie), params: {}, context: {} }));
    expect(bad.status).toBe(400);
  });

  it("makes the same number of queries whatever the number of people", async () => {
    const small = await countQueries(() => hrLoader({ request: getRequest(`/hr?cycle=${cycleId}`, hrCookie), params: {}, context: {} }));
    const extra = await createUnit("DIVISION", world.bureau.id, "큰과");
    for (let i = 0; i < 40; i++) await createPerson(extra.id, "CIVIL_SERVANT", `직원${i}`);
    await openCycle(cycleId, null);
    const large = await countQueries(() => hrLoader({ request: getRequest(`/hr?cycle=${cycleId}`, hrCookie), params: {}, context: {} }));
    expect(large).toBe(small);
  });

  it("drills down to the people not yet done, and refuses units outside my scope", async () => {
    const res = await respond(() =>
      unitLoader({ request: getRequest(`/hr/units/${world.division.id}?cycle=${cycleId}`, hrCookie), params: { unitId: world.division.id }, context: {} }),
    );
    const data = await res.json();
    const names = data.people.map((p: { name: string }) => p.name);
    expect(names).toContain("이미진");
    expect(names).not.toContain('=HYPERLINK("x")'); // completed
    expect(data.people.every((p: { status: string }) => p.status === "ASSIGNED" || p.status === "IN_PROGRESS")).toBe(true);
    const outside = await respond(() =>
      unitLoader({ request: getRequest(`/hr/units/${world.otherBureau.id}?cycle=${cycleId}`, hrCookie), params: { unitId: world.otherBureau.id }, context: {} }),
    );
    expect(outside.status).toBe(404);
  });

  it("is forbidden to learners", async () => {
    const res = await respond(() => hrLoader({ request: getRequest("/hr", learnerCookie), params: {}, context: {} }));
    expect(res.status).toBe(403);
  });

  /** The file link that recording a download's purpose leads to. */
  async function fileLink(format: "csv" | "xlsx"): Promise<string> {
    const res = await respond(() =>
      downloadAction({ request: postForm("/hr/download", { report: "compliance", format, cycle: cycleId, purpose: "ROUTINE_MONITORING" }, hrCookie), params: {}, context: {} }),
    );
    expect(res.status).toBe(303);
    return res.headers.get("Location")!;
  }

  it("exports XLSX that a spreadsheet opens, with the same people and formulas neutralised", async () => {
    const link = await fileLink("xlsx");
    const res = await respond(() => xlsxLoader({ request: getRequest(link, hrCookie), params: {}, context: {} }));
    expect(res.headers.get("Content-Type")).toContain("spreadsheetml");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe("직원번호");
    const names = sheet.getColumn(2).values.slice(2);
    expect(names).toContain("이미진");
    expect(names).toContain(`'=HYPERLINK("x")`);
    expect(names).not.toContain("다른국사람");
  });

  it("exports CSV with a BOM, Korean intact, formulas neutralised, and logs the download", async () => {
    const link = await fileLink("csv");
    const res = await respond(() => exportLoader({ request: getRequest(link, hrCookie), params: {}, context: {} }));
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.subarray(3));
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toContain("직원번호");
    expect(lines.length).toBeGreaterThanOrEqual(1 + 3);
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(text).toContain("이수 완료");
    expect(text).not.toContain("다른국사람");
    expect(await prisma.auditEvent.count({ where: { action: "report.export", entityId: cycleId } })).toBeGreaterThan(0);
  });
});

describe("compliance as of a past date, while people move and leave", () => {
  storyClock("2026-11-25T10:00:00");
  it("counts each person in the unit they sat in on that date, and leavers until they left", async () => {
    const world = await createWorld();
    const newDivision = await createUnit("DIVISION", world.bureau.id, "새과");
    const mover = await createPerson(world.division.id, "CIVIL_SERVANT", "이동자");
    const leaver = await createPerson(world.division.id, "CIVIL_SERVANT", "퇴직자");
    await createPerson(world.division.id, "CIVIL_SERVANT", "재직자");
    const { cycle } = await openTestCycle(world.obligation.id, undefined, 2026);
    await prisma.assignment.updateMany({ where: { cycleId: cycle.id }, data: { assignedAt: new Date("2026-01-02T00:00:00Z") } });
    // The mover finished in the old unit in March, then moved on 1 June; the leaver left on 1 September.
    await prisma.assignment.updateMany({
      where: { cycleId: cycle.id, personId: mover.id },
      data: { status: "COMPLETED", completedAt: new Date("2026-03-10T02:00:00Z"), completionMode: "IN_PERSON" },
    });
    await prisma.person.update({ where: { id: mover.id }, data: { orgUnitId: newDivision.id } });
    await recordPlacements(prisma, new Date("2026-06-01T00:00:00+09:00"), [mover.id]);
    await prisma.person.update({ where: { id: leaver.id }, data: { status: "LEFT", leftOn: new Date("2026-09-01T00:00:00Z") } });

    const hr = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    const cookie = await sessionCookieFor(hr.id);
    const view = async (asOf?: string) => {
      const res = await respond(() =>
        hrLoader({ request: getRequest(`/hr?cycle=${cycle.id}${asOf ? `&asOf=${asOf}` : ""}`, cookie), params: {}, context: {} }),
      );
      const units: Array<{ code: string; assigned: number; completed: number; inPerson: number }> = (await res.json()).units;
      const of = (code: string) => units.find((u) => u.code === code)!;
      return [of(world.division.code), of(newDivision.code), of(world.bureau.code)].map((u) => [u.assigned, u.completed, u.inPerson]);
    };
    // [division, new division, bureau] × [assigned, completed, in person]
    expect(await view("2026-05-31")).toEqual([[3, 1, 1], [0, 0, 0], [3, 1, 1]]);
    expect(await view("2026-08-31")).toEqual([[2, 0, 0], [1, 1, 1], [3, 1, 1]]);
    expect(await view()).toEqual([[1, 0, 0], [1, 1, 1], [2, 1, 1]]);
    // The leaver's record stays.
    expect(await prisma.assignment.count({ where: { cycleId: cycle.id, personId: leaver.id } })).toBe(1);
  });
});

describe("the cycle a report opens on", () => {
  const cycle = (id: string, status: string, startsOn: string, endsOn: string) =>
    ({ id, label: id, status, obligationTitleKo: id, obligationTitleEn: id, dueAt: new Date(`${endsOn}T14:59:59Z`), graceDays: 0, startsOn, endsOn });
  // As listCycles orders them: newest start first.
  const cycles = [
    cycle("2027-H1", "OPEN", "2027-01-01", "2027-06-30"),
    cycle("2027", "OPEN", "2027-01-01", "2027-12-31"),
    cycle("2026-H2", "OPEN", "2026-07-01", "2026-12-31"),
    cycle("2026-H1", "CLOSED", "2026-01-01", "2026-06-30"),
    cycle("2026", "OPEN", "2026-01-01", "2026-12-31"),
  ];

  it("is the year's annual duty rather than the half-year running beside it", () => {
    expect(defaultCycle(cycles.slice(2), "2026-12-05")?.id).toBe("2026");
    expect(defaultCycle(cycles, "2027-01-10")?.id).toBe("2027");
  });

  it("falls back to any open cycle, then to the newest", () => {
    expect(defaultCycle(cycles.slice(2), "2028-03-01")?.id).toBe("2026-H2");
    expect(defaultCycle([cycles[3]!], "2026-12-05")?.id).toBe("2026-H1");
    expect(defaultCycle([], "2026-12-05")).toBeNull();
  });
});

describe("the cycles an HR officer is offered", () => {
  it("are their own organization's, never another city's, and none without a scope", async () => {
    const mine = await createWorld();
    const theirs = await createWorld();
    const { cycle: own } = await openTestCycle(mine.obligation.id);
    const { cycle: other } = await openTestCycle(theirs.obligation.id);
    const ids = (cycles: { id: string }[]) => cycles.map((c) => c.id);
    const listed = ids(await listCycles([mine.division.id]));
    expect(listed).toContain(own.id);
    expect(listed).not.toContain(other.id);
    expect(ids(await listCycles([]))).not.toContain(own.id);
    expect(ids(await listCycles())).toEqual(expect.arrayContaining([own.id, other.id]));
  });
});
