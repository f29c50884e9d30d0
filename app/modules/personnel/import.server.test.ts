import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { translator } from "~/utils/i18n";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { countCsvRecords, parseCsv } from "~/utils/csv-parse";
import { createPerson, createUnit, createUser, createWorld, openTestCycle, uid } from "../../../test/factories";
import { getRequest, sessionCookieFor } from "../../../test/http";
import { applyImport, checkImport, ImportError, progressView, type ImportPhase, type RowProblem } from "./import.server";

const HEADER = "employee_no,name,email,unit_code,staff_category,grade,job_family";

describe("CSV parsing", () => {
  it("handles quotes, commas, line breaks, CRLF and a byte order mark, and knows each record's line", () => {
    const rows = parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",z\n');
    expect(rows).toEqual([
      { line: 1, cells: ["a", "b"] },
      { line: 2, cells: ["x, y", 'say "hi"'] },
      { line: 3, cells: ["two\nlines", "z"] },
    ]);
    expect(countCsvRecords('a,b\n\n"x\ny",z\r\n,\n')).toBe(2);
  });
});

describe("progress of a job in the worker", () => {
  it("moves one bar forward through the phases and stops short of 100 until the result is there", () => {
    const steps: Array<[ImportPhase, number, number]> = [
      ["reading", 50_000, 100_000], ["reading", 100_000, 100_000], ["staging", 10_000, 100_000], ["staging", 100_000, 100_000],
      ["comparing", 1, 2], ["comparing", 2, 2], ["applying", 0, 5], ["applying", 3, 5], ["applying", 5, 5],
    ];
    const percents = steps.map(([phase, done, total]) => progressView("apply", { phase, done, total }).percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents[0]).toBeGreaterThan(0);
    expect(percents.at(-1)).toBe(99);
    expect(progressView("apply", { phase: "applying", done: 3, total: 5 })).toMatchObject({ phase: "applying", step: 4, steps: 4 });
    expect(progressView("check", { phase: "comparing", done: 2, total: 2 })).toMatchObject({ step: 3, steps: 3, percent: 99 });
    // Before the worker reports anything (BullMQ starts progress at 0), or with anything unexpected.
    expect(progressView("check", 0)).toEqual({ phase: "queued", step: 0, steps: 3, percent: 0 });
    expect(progressView("check", { phase: "applying", done: 1, total: 5 }).phase).toBe("queued");
  });
});

describe("personnel import", () => {
  let actor: Actor;
  let world: Awaited<ReturnType<typeof createWorld>>;
  let stay: { employeeNo: string | null; email: string };
  let mover: { id: string; employeeNo: string | null; email: string };
  let leaver: { id: string };
  let cycleId: string;
  let leaverCookie: string;
  let moverCookie: string;

  beforeAll(async () => {
    world = await createWorld();
    stay = await createPerson(world.division.id, "CIVIL_SERVANT", "그대로");
    mover = await createPerson(world.division.id, "CIVIL_SERVANT", "이동자");
    leaver = await createPerson(world.division.id, "CIVIL_SERVANT", "퇴직자");
    await createPerson(world.otherBureau.id, "CIVIL_SERVANT", "다른국");
    cycleId = (await openTestCycle(world.obligation.id)).cycle.id;
    leaverCookie = await sessionCookieFor((await createUser({ personId: leaver.id })).id);
    moverCookie = await sessionCookieFor((await createUser({ personId: mover.id })).id);
    const user = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    actor = await loadActor((await getCurrentSession(getRequest("/", await sessionCookieFor(user.id))))!);
  });

  it("names every bad row with its line and reason, and changes nothing", async () => {
    const dupNo = `N${uid()}`;
    const csv = [
      HEADER,
      `${dupNo},가,a-${uid()}@test.example,${world.division.code},CIVIL_SERVANT,7,`,
      `${dupNo},나,b-${uid()}@test.example,${world.division.code},CIVIL_SERVANT,7,`,
      `N${uid()},다,c-${uid()}@test.example,NO-SUCH-UNIT,CIVIL_SERVANT,7,`,
      `N${uid()},라,not-an-email,${world.division.code},CIVIL_SERVANT,7,`,
      `N${uid()},마,e-${uid()}@test.example,${world.otherBureau.code},CIVIL_SERVANT,7,`,
      `N${uid()},바,f-${uid()}@test.example,${world.division.code},MAYOR,12,`,
    ].join("\n");
    const before = await prisma.person.count();
    const { summary } = await checkImport(actor, "bad.csv", csv);
    // One problem per thing wrong, each with its code and the column or value it is about; line 7 has two.
    expect(summary.problems.map((p) => [p.line, p.code])).toEqual([
      [3, "duplicate-employee-no"],
      [4, "unit-unknown"],
      [5, "email-invalid"],
      [6, "unit-out-of-scope"],
      [7, "staff-category-invalid"],
      [7, "grade-invalid"],
    ]);
    expect(summary.problems[0]!.params).toEqual({ value: dupNo, other: 2 });
    expect(summary.problems[1]!.params).toEqual({ value: "NO-SUCH-UNIT" });
    expect(summary.problems[2]!.params).toMatchObject({ column: "email", value: "not-an-email" });
    // The officer reads each in their own language.
    const line = (p: RowProblem, locale: "ko" | "en") => translator(locale)(`import.problem.${p.code}`, p.params);
    expect(line(summary.problems[1]!, "ko")).toBe("부서 코드 NO-SUCH-UNIT은(는) 없는 부서입니다.");
    expect(line(summary.problems[1]!, "en")).toBe("Unit code NO-SUCH-UNIT does not exist.");
    expect(line(summary.problems[0]!, "en")).toBe(`Employee number ${dupNo} is also on line 2.`);
    expect(line(summary.problems[4]!, "ko")).toContain("staff_category \"MAYOR\"은(는) 알 수 없는 구분입니다");
    expect(line(summary.problems[5]!, "en")).toBe('grade "12": write a whole number from 1 to 9, or leave it empty.');
    expect(await prisma.person.count()).toBe(before);
  });

  it("refuses resident registration numbers", async () => {
    const { summary } = await checkImport(actor, "rrn.csv", `${HEADER},resident_no\n`);
    expect(summary.problems[0]).toEqual({ line: 1, code: "resident-number-column", params: { columns: "resident_no" } });
  });

  it("names the limit of a value that is too long", async () => {
    const csv = `${HEADER}\n${"N".repeat(41)},가,l-${uid()}@test.example,${world.division.code},CIVIL_SERVANT,7,\n`;
    const { summary } = await checkImport(actor, "long.csv", csv);
    expect(summary.problems).toEqual([{ line: 2, code: "too-long", params: { column: "employee_no", value: "N".repeat(41), max: 40 } }]);
    expect(translator("en")("import.problem.too-long", summary.problems[0]!.params)).toBe("employee_no is too long (at most 40 characters).");
  });

  it("refuses a NUL character by line and column instead of failing in the database", async () => {
    const csv = `${HEADER}\nN${uid()},가\u0000나,n-${uid()}@test.example,${world.division.code},CIVIL_SERVANT,7,\n`;
    const { summary } = await checkImport(actor, "nul.csv", csv);
    expect(summary.problems).toEqual([{ line: 2, code: "bad-character", params: { column: "name" } }]);
  });

  it("shows new, moved, left and unchanged in a dry run, then applies all of it at once, audited", async () => {
    const team = await createUnit("TEAM", world.division.id, "새팀");
    const newcomer = `N${uid()}`;
    const csv = [
      HEADER,
      `${stay.employeeNo},그대로,${stay.email},${world.division.code},CIVIL_SERVANT,7,`,
      `${mover.employeeNo},이동자,${mover.email},${team.code},CIVIL_SERVANT,6,welfare`,
      `${newcomer},신규자,new-${uid()}@test.example,${team.code},CIVIL_SERVANT,9,front-desk`,
    ].join("\r\n");
    const { id, summary } = await checkImport(actor, "roll.csv", csv);
    expect(summary).toMatchObject({ rows: 3, created: 1, moved: 1, unchanged: 1, left: 1, problems: [] });
    expect(await prisma.person.count({ where: { employeeNo: newcomer } })).toBe(0);

    await applyImport(actor, id);
    const moved = await prisma.person.findUniqueOrThrow({ where: { id: mover.id } });
    expect(moved).toMatchObject({ orgUnitId: team.id, grade: 6, jobFamily: "WELFARE" });
    expect((await prisma.person.findUniqueOrThrow({ where: { id: leaver.id } })).status).toBe("LEFT");
    // The leaver's record stays; the newcomer owes the open cycle; the mover keeps their assignment.
    expect(await prisma.assignment.count({ where: { personId: leaver.id, cycleId } })).toBe(1);
    expect(await prisma.assignment.count({ where: { person: { employeeNo: newcomer }, cycleId } })).toBe(1);
    expect(await prisma.assignment.count({ where: { personId: mover.id, cycleId } })).toBe(1);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "personnel.import", entityId: id } });
    expect(audit.data).toMatchObject({ created: [newcomer], moved: [mover.employeeNo] });
    await expect(applyImport(actor, id)).rejects.toBeInstanceOf(ImportError);
    // The leaver's open session stops working and their account is disabled; the mover keeps theirs.
    expect(await getCurrentSession(getRequest("/", leaverCookie))).toBeNull();
    expect((await prisma.user.findUniqueOrThrow({ where: { personId: leaver.id } })).disabledAt).not.toBeNull();
    expect(await getCurrentSession(getRequest("/", moverCookie))).not.toBeNull();
  });

  it("reactivates the account of someone who comes back, instead of making a second one", async () => {
    const before = await prisma.user.findUniqueOrThrow({ where: { personId: leaver.id } });
    const back = await prisma.person.findUniqueOrThrow({ where: { id: leaver.id } });
    const rows = await prisma.person.findMany({ where: { orgUnitId: { in: [world.division.id] }, status: "ACTIVE" } });
    const team = await prisma.person.findMany({ where: { id: mover.id } });
    const line = (p: { employeeNo: string | null; name: string; email: string; grade: number | null }, unit: string) =>
      `${p.employeeNo},${p.name},${p.email},${unit},CIVIL_SERVANT,${p.grade ?? 7},`;
    const moverUnit = await prisma.orgUnit.findUniqueOrThrow({ where: { id: team[0]!.orgUnitId! } });
    const newcomer = await prisma.person.findMany({ where: { orgUnitId: moverUnit.id, id: { not: mover.id } } });
    const csv = [
      HEADER,
      ...rows.map((p) => line(p, world.division.code)),
      line(team[0]!, moverUnit.code) + "welfare",
      ...newcomer.map((p) => line(p, moverUnit.code) + "front-desk"),
      line(back, world.division.code),
    ].join("\n");
    const { id, summary } = await checkImport(actor, "return.csv", csv);
    expect(summary.problems).toEqual([]);
    await applyImport(actor, id);
    const after = await prisma.user.findMany({ where: { personId: leaver.id } });
    expect(after.map((u) => u.id)).toEqual([before.id]);
    expect(after[0]!.disabledAt).toBeNull();
    expect((await prisma.person.findUniqueOrThrow({ where: { id: leaver.id } })).status).toBe("ACTIVE");
  });
});
