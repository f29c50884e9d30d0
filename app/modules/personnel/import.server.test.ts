import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { translator } from "~/utils/i18n";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { countCsvRecords, parseCsv } from "~/utils/csv-parse";
import { createPerson, createUnit, createUser, createWorld, openTestCycle, uid } from "../../../test/factories";
import { getRequest, postFile, respond, sessionCookieFor } from "../../../test/http";
import { action as uploadAction } from "~/routes/hr.import._index";
import {
  applyImport,
  checkImport,
  importTemplateCsv,
  ImportError,
  LEAVERS_PAGE,
  leaversPage,
  progressView,
  recheckImport,
  submitApply,
  type ImportPhase,
  type RowProblem,
} from "./import.server";

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
    const { summary } = await checkImport(actor, "bad.csv", csv, "FULL_ROLL");
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
    const { summary } = await checkImport(actor, "rrn.csv", `${HEADER},resident_no\n`, "FULL_ROLL");
    expect(summary.problems[0]).toEqual({ line: 1, code: "resident-number-column", params: { columns: "resident_no" } });
  });

  it("names the limit of a value that is too long", async () => {
    const csv = `${HEADER}\n${"N".repeat(41)},가,l-${uid()}@test.example,${world.division.code},CIVIL_SERVANT,7,\n`;
    const { summary } = await checkImport(actor, "long.csv", csv, "FULL_ROLL");
    expect(summary.problems).toEqual([{ line: 2, code: "too-long", params: { column: "employee_no", value: "N".repeat(41), max: 40 } }]);
    expect(translator("en")("import.problem.too-long", summary.problems[0]!.params)).toBe("employee_no is too long (at most 40 characters).");
  });

  it("refuses a NUL character by line and column instead of failing in the database", async () => {
    const csv = `${HEADER}\nN${uid()},가\u0000나,n-${uid()}@test.example,${world.division.code},CIVIL_SERVANT,7,\n`;
    const { summary } = await checkImport(actor, "nul.csv", csv, "FULL_ROLL");
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
    // Someone who left earlier, elsewhere, and whose account an administrator kept open: not this file's.
    const earlier = await createPerson(world.otherBureau.id, "CIVIL_SERVANT", "예전퇴직");
    await prisma.person.update({ where: { id: earlier.id }, data: { status: "LEFT" } });
    const earlierUser = await createUser({ personId: earlier.id });
    const { id, summary } = await checkImport(actor, "roll.csv", csv, "FULL_ROLL");
    expect(summary).toMatchObject({ rows: 3, created: 1, moved: 1, unchanged: 1, left: 1, problems: [], kind: "FULL_ROLL", active: 3, confirmLeavers: true });
    expect(await prisma.person.count({ where: { employeeNo: newcomer } })).toBe(0);

    // One of the three active people is a third of the scope: the officer types the number first.
    await expect(applyImport(actor, id)).rejects.toThrow("confirm-missing");
    expect(await prisma.person.count({ where: { employeeNo: newcomer } })).toBe(0);
    await applyImport(actor, id, "1");
    const moved = await prisma.person.findUniqueOrThrow({ where: { id: mover.id } });
    expect(moved).toMatchObject({ orgUnitId: team.id, grade: 6, jobFamily: "WELFARE" });
    expect((await prisma.person.findUniqueOrThrow({ where: { id: leaver.id } })).status).toBe("LEFT");
    // The leaver's record stays; the newcomer owes the open cycle; the mover keeps their assignment.
    expect(await prisma.assignment.count({ where: { personId: leaver.id, cycleId } })).toBe(1);
    expect(await prisma.assignment.count({ where: { person: { employeeNo: newcomer }, cycleId } })).toBe(1);
    expect(await prisma.assignment.count({ where: { personId: mover.id, cycleId } })).toBe(1);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "personnel.import", entityId: id } });
    expect(audit.data).toMatchObject({ kind: "FULL_ROLL", confirmedLeavers: 1, created: [newcomer], moved: [mover.employeeNo] });
    await expect(applyImport(actor, id)).rejects.toBeInstanceOf(ImportError);
    // The leaver's open session stops working and their account is disabled; the mover keeps theirs.
    expect(await getCurrentSession(getRequest("/", leaverCookie))).toBeNull();
    expect((await prisma.user.findUniqueOrThrow({ where: { personId: leaver.id } })).disabledAt).not.toBeNull();
    expect(await getCurrentSession(getRequest("/", moverCookie))).not.toBeNull();
    expect((await prisma.user.findUniqueOrThrow({ where: { id: earlierUser.id } })).disabledAt).toBeNull();
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
    const { id, summary } = await checkImport(actor, "return.csv", csv, "FULL_ROLL");
    expect(summary.problems).toEqual([]);
    await applyImport(actor, id);
    const after = await prisma.user.findMany({ where: { personId: leaver.id } });
    expect(after.map((u) => u.id)).toEqual([before.id]);
    expect(after[0]!.disabledAt).toBeNull();
    expect((await prisma.person.findUniqueOrThrow({ where: { id: leaver.id } })).status).toBe("ACTIVE");
  });

  it("reads Korean headers and codes in any case, records heads of units, and starts from its own template", async () => {
    const head = `H${uid()}`;
    const csv = [
      "직원번호,성명,이메일,부서 코드,직원구분,직급,직무,부서장",
      `${head},부서장님,head-${uid()}@test.example,${world.division.code},civil_servant,5,front-desk,Y`,
    ].join("\n");
    const checked = await checkImport(actor, "korean.csv", csv, "CHANGES_ONLY");
    expect(checked.summary.problems).toEqual([]);
    await applyImport(actor, checked.id);
    const person = await prisma.person.findUniqueOrThrow({ where: { employeeNo: head } });
    expect(person).toMatchObject({ staffCategory: "CIVIL_SERVANT", jobFamily: "FRONT_DESK", isUnitHead: true });
    // A later file without the column keeps the flag; one that says N takes it away.
    const again = await checkImport(actor, "again.csv", `${HEADER}\n${head},부서장님,${person.email},${world.division.code},CIVIL_SERVANT,5,FRONT_DESK`, "CHANGES_ONLY");
    expect(again.summary.unchanged).toBe(1);
    const off = await checkImport(actor, "off.csv", `${HEADER},is_head\n${head},부서장님,${person.email},${world.division.code},CIVIL_SERVANT,5,FRONT_DESK,n`, "CHANGES_ONLY");
    expect(off.summary.updated).toBe(1);
    await applyImport(actor, off.id);
    expect((await prisma.person.findUniqueOrThrow({ where: { employeeNo: head } })).isUnitHead).toBe(false);

    const template = importTemplateCsv(world.division.code);
    expect(template.split("\r\n")[0]).toBe('\uFEFF"직원번호","이름","이메일","부서코드","직원구분","직급","직무","부서장","임용일"');
    const fromTemplate = await checkImport(actor, "template.csv", template.replace("E2026001", `T${uid()}`).replace("hong.gildong", `hong-${uid()}`), "CHANGES_ONLY");
    expect(fromTemplate.summary).toMatchObject({ created: 1, problems: [] });
  });

  it("takes the hire date the file gives, in the ways HR systems write it, and names one that does not exist", async () => {
    const no = `H${uid()}`;
    const bad = await checkImport(actor, "hired.csv", `${HEADER},임용일\n${no},입사자,h-${uid()}@test.example,${world.division.code},CIVIL_SERVANT,7,,2027-02-30`, "CHANGES_ONLY");
    expect(bad.summary.problems).toEqual([{ line: 2, code: "hired-on-invalid", params: { column: "hired_on", value: "2027-02-30", allowed: "YYYY-MM-DD" } }]);
    expect(translator("ko")(`import.problem.hired-on-invalid`, bad.summary.problems[0]!.params)).toContain("2027-02-30");
    const email = `h-${uid()}@test.example`;
    const good = await checkImport(actor, "hired.csv", `${HEADER},hired_on\n${no},입사자,${email},${world.division.code},CIVIL_SERVANT,7,,20270310`, "CHANGES_ONLY");
    expect(good.summary).toMatchObject({ created: 1, problems: [] });
    await applyImport(actor, good.id);
    const hired = async () => (await prisma.person.findUniqueOrThrow({ where: { employeeNo: no } })).hiredOn?.toISOString().slice(0, 10);
    expect(await hired()).toBe("2027-03-10");
    // A later file without the column keeps it; one with another date corrects it.
    const same = await checkImport(actor, "same.csv", `${HEADER}\n${no},입사자,${email},${world.division.code},CIVIL_SERVANT,7,`, "CHANGES_ONLY");
    expect(same.summary.unchanged).toBe(1);
    const fixed = await checkImport(actor, "fixed.csv", `${HEADER},hired_on\n${no},입사자,${email},${world.division.code},CIVIL_SERVANT,7,,2027/3/9`, "CHANGES_ONLY");
    expect(fixed.summary.updated).toBe(1);
    await applyImport(actor, fixed.id);
    expect(await hired()).toBe("2027-03-09");
  });

  it("names a misspelt Korean header and the columns it misses, and lists the values a coded column takes", async () => {
    const { summary } = await checkImport(actor, "typo.csv", `직원번호,성명,이메일,부서코트,직원구분\nX1,가,x-${uid()}@test.example,${world.division.code},CIVIL_SERVANT`, "CHANGES_ONLY");
    expect(summary.problems).toEqual([{ line: 1, code: "missing-columns", params: { columns: "unit_code / 부서코드", unknown: "부서코트" } }]);
    const t = translator("ko");
    expect(t(`import.problem.${summary.problems[0]!.code}`, summary.problems[0]!.params)).toContain("부서코트");
    const bad = await checkImport(actor, "codes.csv", `${HEADER},is_head\nX2,나,y-${uid()}@test.example,${world.division.code},CIVIL_SERVANT,7,COOK,maybe`, "CHANGES_ONLY");
    expect(bad.summary.problems.map((p) => [p.code, p.params.allowed])).toEqual([
      ["job-family-invalid", expect.stringContaining("FRONT_DESK")],
      ["is-head-invalid", "Y, N"],
    ]);
  });
});

describe("the kind of file, and a roll that would empty the units", () => {
  const page = LEAVERS_PAGE.size;
  afterEach(() => {
    LEAVERS_PAGE.size = page;
  });

  /** A bureau of `count` active people in one division, and its HR officer. */
  async function scope(count: number) {
    const world = await createWorld();
    const people = [];
    for (let i = 0; i < count; i++) people.push(await createPerson(world.division.id, "CIVIL_SERVANT", `직원${i}`));
    const user = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    const cookie = await sessionCookieFor(user.id);
    const actor = await loadActor((await getCurrentSession(getRequest("/", cookie)))!);
    const line = (p: { employeeNo: string | null; name: string; email: string }, unit = world.division.code) => `${p.employeeNo},${p.name},${p.email},${unit},CIVIL_SERVANT,7,`;
    const active = () => prisma.person.findMany({ where: { orgUnitId: world.division.id, status: "ACTIVE" }, select: { employeeNo: true }, orderBy: { employeeNo: "asc" } });
    return { world, people, actor, cookie, line, active };
  }

  it("refuses a full roll with no one in it at the check, and applying it changes nothing", async () => {
    const { actor, active } = await scope(5);
    const { id, summary } = await checkImport(actor, "header-only.csv", `${HEADER}\r\n`, "FULL_ROLL");
    expect(summary.problems).toEqual([{ line: 1, code: "no-rows", params: {} }]);
    expect(summary.left).toBe(0);
    expect(translator("ko")("import.problem.no-rows")).toContain("‘바뀐 사람만’");
    expect(translator("en")("import.problem.no-rows")).toContain("Changes only");
    await expect(applyImport(actor, id)).rejects.toThrow("has-problems");
    expect(await active()).toHaveLength(5);
    // As changes, it has nothing to change, and says so.
    const changes = await checkImport(actor, "header-only.csv", HEADER, "CHANGES_ONLY");
    expect(changes.summary.problems).toEqual([{ line: 1, code: "no-changes", params: {} }]);
  });

  it("asks for the number of leavers of a three-line full roll, refuses a wrong one, and leaves exactly those listed", async () => {
    const { world, people, actor, active, line } = await scope(64);
    const kept = people.slice(0, 3);
    const csv = [HEADER, ...kept.map((p) => line(p))].join("\n");
    const { id, summary } = await checkImport(actor, "three.csv", csv, "FULL_ROLL");
    const expected = people.slice(3).map((p) => p.employeeNo!).sort();
    expect(summary).toMatchObject({ rows: 3, unchanged: 3, left: 61, active: 64, confirmLeavers: true, problems: [] });
    expect(summary.leavers).toEqual(expected);

    // Every leaver can be seen before applying, page by page, with their name and unit.
    LEAVERS_PAGE.size = 25;
    const pages = await Promise.all([1, 2, 3].map((n) => leaversPage(summary, n)));
    expect(pages.map((p) => [p.page, p.pages, p.rows.length])).toEqual([[1, 3, 25], [2, 3, 25], [3, 3, 11]]);
    expect(pages.flatMap((p) => p.rows.map((r) => r.employeeNo))).toEqual(expected);
    expect(pages[0]!.rows[0]).toMatchObject({ name: expect.stringMatching(/^직원/), unitCode: world.division.code });
    expect((await leaversPage(summary, 99)).page).toBe(3);

    await expect(submitApply(actor, id)).rejects.toMatchObject({ message: "confirm-missing", params: { number: 61 } });
    await expect(submitApply(actor, id, "60")).rejects.toThrow("confirm-wrong");
    await expect(submitApply(actor, id, "sixty-one")).rejects.toThrow("confirm-wrong");
    expect(await active()).toHaveLength(64);
    expect(await prisma.personnelImport.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "CHECKED", confirmedLeavers: null });
    expect(translator("ko")("import.confirm.label", { number: 61 })).toBe("퇴직 처리할 인원 수를 입력하세요: 61");

    await submitApply(actor, id, " 61 ");
    expect((await active()).map((p) => p.employeeNo)).toEqual(kept.map((p) => p.employeeNo).sort());
    const left = await prisma.person.findMany({ where: { orgUnitId: world.division.id, status: "LEFT" }, select: { employeeNo: true } });
    expect(left.map((p) => p.employeeNo).sort()).toEqual(expected);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "personnel.import", entityId: id } });
    expect(audit.data).toMatchObject({ kind: "FULL_ROLL", confirmedLeavers: 61, left: expected });
    expect(await prisma.personnelImport.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "APPLIED", kind: "FULL_ROLL", confirmedLeavers: 61 });
  });

  it("applies a full roll that leaves few people without asking", async () => {
    const { people, actor, active, line } = await scope(20);
    const { id, summary } = await checkImport(actor, "roll.csv", [HEADER, ...people.slice(1).map((p) => line(p))].join("\n"), "FULL_ROLL");
    expect(summary).toMatchObject({ left: 1, active: 20, confirmLeavers: false, leavers: [people[0]!.employeeNo] });
    await submitApply(actor, id);
    expect(await active()).toHaveLength(19);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "personnel.import", entityId: id } });
    expect(audit.data).not.toHaveProperty("confirmedLeavers");
  });

  it("adds, updates and moves with a file of changes only, and nobody leaves", async () => {
    const { world, people, actor, active, line } = await scope(10);
    const team = await createUnit("TEAM", world.division.id, "새팀");
    const newcomer = `N${uid()}`;
    const csv = [
      HEADER,
      line({ ...people[0]!, name: "개명자" }),
      line(people[1]!, team.code),
      `${newcomer},신규자,new-${uid()}@test.example,${world.division.code},CIVIL_SERVANT,9,`,
    ].join("\n");
    const { id, summary } = await checkImport(actor, "changes.csv", csv, "CHANGES_ONLY");
    expect(summary).toMatchObject({ kind: "CHANGES_ONLY", created: 1, moved: 1, updated: 1, left: 0, leavers: [], confirmLeavers: false, problems: [] });
    await submitApply(actor, id);
    expect(await active()).toHaveLength(10); // nine stayed in the division, the newcomer joined it; the mover is in the team
    expect(await prisma.person.count({ where: { id: { in: people.map((p) => p.id) }, status: "LEFT" } })).toBe(0);
    expect(await prisma.person.findUniqueOrThrow({ where: { id: people[0]!.id } })).toMatchObject({ name: "개명자" });
    expect(await prisma.person.findUniqueOrThrow({ where: { id: people[1]!.id } })).toMatchObject({ orgUnitId: team.id });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "personnel.import", entityId: id } });
    expect(audit.data).toMatchObject({ kind: "CHANGES_ONLY", left: [] });
  });

  it("refuses to apply when the people in scope changed after the check, and checks the file again on request", async () => {
    const { world, people, actor, active, line } = await scope(10);
    const csv = [HEADER, ...people.slice(0, 3).map((p) => line(p))].join("\n");
    const { id, summary } = await checkImport(actor, "three.csv", csv, "FULL_ROLL");
    expect(summary).toMatchObject({ left: 7, confirmLeavers: true });

    // Someone joins the division after the check: they are not in the list the officer confirmed.
    await createPerson(world.division.id);
    await expect(submitApply(actor, id, "7")).rejects.toThrow("leavers-changed");
    expect(await active()).toHaveLength(11);
    expect(await prisma.personnelImport.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "CHECKED", error: "leavers-changed" });
    expect(await prisma.auditEvent.count({ where: { action: "personnel.import", entityId: id } })).toBe(0);

    // One of the listed leavers goes elsewhere: the set is smaller than what was confirmed.
    const again = await recheckImport(actor, id);
    const rechecked = await prisma.personnelImport.findUniqueOrThrow({ where: { id: again.id } });
    expect(rechecked).toMatchObject({ kind: "FULL_ROLL", fileName: "three.csv", summary: { left: 8 } });
    await prisma.person.update({ where: { id: people[9]!.id }, data: { orgUnitId: world.otherBureau.id } });
    await expect(submitApply(actor, again.id, "8")).rejects.toThrow("leavers-changed");
    expect(await active()).toHaveLength(10);
  });

  it("asks which kind of file it is, naming the file, and keeps nothing until the officer says", async () => {
    const { actor, cookie } = await scope(1);
    const before = await prisma.personnelImport.count({ where: { actorUserId: actor.userId } });
    const upload = async (fields: Record<string, string>) => {
      const request = await postFile("/hr/import", "file", "명부-12월.csv", `${HEADER}\n`, cookie, fields);
      return respond(() => uploadAction({ request, params: {}, context: {} }));
    };
    const res = await upload({});
    expect(res.status).toBe(400);
    const body = (await res.json()) as { formError: string; fieldErrors: { kind?: string; file?: string } };
    expect(body.fieldErrors.kind).toBe("명부-12월.csv 파일의 종류를 고르세요: 담당 조직의 전체 명부인지, 바뀐 사람만 담은 파일인지.");
    expect(body.fieldErrors.file).toBeUndefined();
    expect(body.formError).toContain("명부-12월.csv");
    expect((await upload({ kind: "EVERYTHING" })).status).toBe(400);
    expect(await prisma.personnelImport.count({ where: { actorUserId: actor.userId } })).toBe(before);
    const ok = await upload({ kind: "CHANGES_ONLY" });
    expect(ok.status).toBe(302);
    const id = ok.headers.get("Location")!.split("/").pop()!;
    expect(await prisma.personnelImport.findUniqueOrThrow({ where: { id } })).toMatchObject({ kind: "CHANGES_ONLY" });
  });
});
