import { Readable } from "node:stream";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { parseCsv } from "~/utils/csv-parse";
import { translator } from "~/utils/i18n";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { recordSession } from "~/modules/attendance/sessions.server";
import { categoryCompliance, complianceCsvStream, complianceXlsxStream, unitCompliance, unitPeople } from "~/modules/compliance/compliance.server";
import { exempt } from "~/modules/obligations/exemptions.server";
import { openCycle } from "~/modules/obligations/cycles.server";
import { createAssignmentNotices, deliverOutbox } from "~/modules/notifications/outbox.server";
import { runReminderTick, tickOutboxPages } from "~/modules/notifications/reminders.server";
import { recordPlacements } from "~/modules/org/org.server";
import { queueScheduledReports, setSubscription } from "~/modules/reporting/scheduled.server";
import { finishCourse } from "../prisma/seed";
import { now } from "~/utils/clock.server";
import { at, seoul } from "./clock";
import { createPerson, createUnit, createUser, createWorld, openTestCycle, uid } from "./factories";
import { getRequest, sessionCookieFor } from "./http";
import { startSmtp } from "./smtp";

/**
 * The three-stage year of the issue, end to end through the modules: the
 * annual and first-half cycles open, everyone gets one notice, people finish
 * online and in person, one is exempted, one moves, one joins late, one
 * leaves; reminders go out as digests to unfinished people only; and the
 * dashboard, drill-down, as-of view, CSV, XLSX and scheduled e-mail agree.
 * The product's clock walks through 2026 with the story.
 */
describe("a compliance year", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let world: Awaited<ReturnType<typeof createWorld>>;
  let hr: Actor;
  let hrEmail: string;
  let team: { id: string; code: string };
  let annualId: string;
  let h1Id: string;
  const staff: Array<{ id: string; email: string; employeeNo: string | null; name: string }> = [];

  beforeAll(async () => {
    at("2026-01-02T09:00:00");
    smtp = await startSmtp();
    world = await createWorld();
    team = await createUnit("TEAM", world.division.id, "팀");
    for (let i = 0; i < 8; i++) staff.push(await createPerson(i < 6 ? world.division.id : team.id, "CIVIL_SERVANT", `직원${i}`));
    hrEmail = `hr-${uid()}@test.example`;
    const user = await createUser({ email: hrEmail, roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    hr = await loadActor((await getCurrentSession(getRequest("/", await sessionCookieFor(user.id))))!);
  });
  afterAll(() => smtp.stop());

  it("opens the annual and first-half cycles and gives each person one notice for both", async () => {
    at("2026-01-02T09:00:00");
    annualId = (await openTestCycle(world.obligation.id, `Y${uid()}`, 2026)).cycle.id;
    const half = await prisma.obligation.create({
      data: {
        code: `test-half-${uid()}`,
        titleKo: "장애인 인권교육 (반기)",
        titleEn: "Disability rights education (half-yearly)",
        legalBasisKo: "서울특별시 장애인 인권증진에 관한 조례",
        legalBasisEn: "Seoul ordinance on the rights of persons with disabilities",
        cycleKind: "HALF_YEAR",
        unitKinds: ["DIVISION", "TEAM"],
        audienceRootId: world.city.id,
        graceDays: 14,
        routes: { create: [{ staffCategory: "CIVIL_SERVANT", courseId: world.course.id, period: "H1" }] },
      },
    });
    const h1 = await prisma.cycle.create({
      data: {
        obligationId: half.id,
        label: `H1-${uid()}`,
        period: "H1",
        startsOn: new Date("2026-01-01T00:00:00Z"),
        endsOn: new Date("2026-06-30T00:00:00Z"),
        dueAt: seoul("2026-06-30T23:59:59.999"),
        graceDays: 14,
      },
    });
    h1Id = h1.id;
    expect(await openCycle(h1Id, null)).toBe(8);
    const notices = [...(await createAssignmentNotices(annualId)), ...(await createAssignmentNotices(h1Id))];
    expect(notices).toHaveLength(8);
    const rows = await prisma.outboxEmail.findMany({ where: { id: { in: notices } } });
    expect(new Set(rows.map((r) => r.toAddress)).size).toBe(8);
    expect(rows.map((r) => (r.payload as { assignmentIds: string[] }).assignmentIds.length)).toEqual(Array(8).fill(2));
    expect(await createAssignmentNotices(annualId)).toEqual([]);
  });

  it("records the year: online, in person, an exemption, a move, a leaver and a late joiner", async () => {
    const owed = (personId: string, cycleId: string) => prisma.assignment.findFirstOrThrow({ where: { personId, cycleId } });
    // 직원5 finished the annual course in the division on 1 April, then moved to the team on 1 June.
    at("2026-04-01T10:00:00");
    await finishCourse(staff[5]!.id, (await owed(staff[5]!.id, annualId)).id);
    at("2026-06-15T10:00:00");
    await prisma.person.update({ where: { id: staff[5]!.id }, data: { orgUnitId: team.id } });
    await recordPlacements(prisma, seoul("2026-06-01T00:00:00"), [staff[5]!.id]);
    // In mid-June, 직원0 and 직원1 finish both online.
    for (const p of staff.slice(0, 2)) {
      await finishCourse(p.id, (await owed(p.id, annualId)).id);
      await finishCourse(p.id, (await owed(p.id, h1Id)).id);
    }
    // 직원2 and 직원3 attended a classroom session on 20 May: it counts toward the first half only.
    const session = await recordSession(hr, {
      title: "장애인 인권 집합교육",
      heldOn: "2026-05-20",
      minutes: 90,
      place: "시청 본관 대회의실",
      orgUnitId: world.division.id,
      cycleIds: [h1Id],
      attendees: `${staff[2]!.employeeNo}, ${staff[3]!.employeeNo}`,
      evidence: { fileName: "sheet.pdf", bytes: new TextEncoder().encode("%PDF-1.7\n%%EOF") },
    });
    expect(session.completed).toBe(2);
    // 직원4 is on parental leave (exempted in June).
    await exempt(hr, (await owed(staff[4]!.id, annualId)).id, "육아휴직 (2026-03-01~2027-02-28)");
    // 직원7 left on 1 July.
    await prisma.person.update({ where: { id: staff[7]!.id }, data: { status: "LEFT", leftOn: new Date("2026-07-01T00:00:00Z") } });
    // A new hire joins the team on 1 December; opening again assigns only them, with a fair deadline.
    at("2026-12-01T09:30:00");
    const late = await createPerson(team.id, "CIVIL_SERVANT", "신규");
    staff.push(late);
    expect(await openCycle(annualId, null)).toBe(1);
    const lateAssignment = await owed(late.id, annualId);
    expect(lateAssignment.dueAt!.getTime()).toBeGreaterThanOrEqual(now().getTime() + 29 * 86400_000);
    expect(await createAssignmentNotices(annualId)).toHaveLength(1);
  });

  it("reminds unfinished people with one digest each, never twice and never the finished", async () => {
    const tick = await runReminderTick(at("2026-12-02T10:00:00"), [annualId]);
    const outboxIds: string[] = [];
    for await (const page of tickOutboxPages(tick)) outboxIds.push(...page);
    const rows = await prisma.outboxEmail.findMany({ where: { id: { in: outboxIds }, template: "reminder-digest" } });
    // Still open on the annual duty: 직원2, 직원3, 직원6 and the new hire (not the finished, the exempted or the leaver).
    const expected = [staff[2], staff[3], staff[6], staff[8]].map((p) => p!.email).sort();
    expect(rows.map((r) => r.toAddress).sort()).toEqual(expected);
    expect((await runReminderTick(seoul("2026-12-02T10:15:00"), [annualId])).reminders).toBe(0);
    // 직원6 finishes before the digest goes out: it is not sent.
    const digest6 = rows.find((r) => r.toAddress === staff[6]!.email)!;
    await finishCourse(staff[6]!.id, (await prisma.assignment.findFirstOrThrow({ where: { personId: staff[6]!.id, cycleId: annualId } })).id);
    expect(await deliverOutbox(digest6.id)).toBe("cancelled");
  });

  it("shows the same numbers on the dashboard, the drill-down, the CSV, the XLSX and the scheduled e-mail", async () => {
    at("2026-12-07T10:00:00");
    const [bureau] = await unitCompliance(hr, annualId);
    // 9 assigned over the year, 1 left: 8 counted; 직원0, 1, 5, 6 completed; 직원4 exempted.
    expect(bureau).toMatchObject({ assigned: 8, completed: 4, inPerson: 0, exempted: 1, ratePercent: 57 });

    const units = await unitCompliance(hr, annualId);
    const people = (await Promise.all(units.map((u) => unitPeople(hr, u.unitId, annualId, "all")))).flatMap((rows) => rows ?? []);
    expect(people).toHaveLength(bureau!.assigned);
    expect(people.filter((p) => p.status === "COMPLETED")).toHaveLength(bureau!.completed);
    expect(people.filter((p) => p.status === "EXEMPTED")).toHaveLength(bureau!.exempted);

    const t = translator("ko");
    const csvText = await new Response(complianceCsvStream(hr, annualId, "ko", t)).text();
    const csv = parseCsv(csvText.replace(/^\uFEFF/, "")).slice(1).map((r) => r.cells);
    const statusCol = 6;
    expect(csv).toHaveLength(bureau!.assigned);
    expect(csv.filter((r) => r[statusCol] === t("status.COMPLETED"))).toHaveLength(bureau!.completed);
    expect(csv.filter((r) => r[statusCol] === t("status.EXEMPTED"))).toHaveLength(bureau!.exempted);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.read(complianceXlsxStream(hr, annualId, "ko", t, "연간") as unknown as Readable);
    const xlsx = workbook.worksheets[0]!.getSheetValues().slice(2) as unknown[][];
    expect(xlsx).toHaveLength(bureau!.assigned);
    expect(xlsx.filter((r) => r[statusCol + 1] === t("status.COMPLETED"))).toHaveLength(bureau!.completed);

    // The first half: two of the completions were in person, and the share says so everywhere.
    const [h1] = await unitCompliance(hr, h1Id);
    expect(h1).toMatchObject({ completed: 4, inPerson: 2 });
    const h1Csv = parseCsv((await new Response(complianceCsvStream(hr, h1Id, "ko", t)).text()).replace(/^\uFEFF/, "")).slice(1);
    expect(h1Csv.filter((r) => r.cells[9] === t("completionMode.IN_PERSON"))).toHaveLength(2);

    const user = await prisma.user.findUniqueOrThrow({ where: { email: hrEmail } });
    await setSubscription(user.id, { frequency: "WEEKLY", format: "XLSX" });
    const ids = await queueScheduledReports(now());
    const mine = await prisma.outboxEmail.findFirstOrThrow({ where: { id: { in: ids }, toAddress: hrEmail } });
    expect(await deliverOutbox(mine.id)).toBe("sent");
    const mail = smtp.received.find((m) => m.to && JSON.stringify(m.to).includes(hrEmail))!;
    expect(mail.text).toContain(`${bureau!.assigned - bureau!.exempted}명 중 ${bureau!.completed}명 이수 (${bureau!.ratePercent}%, 집합교육 0명)`);
    expect(mail.text).toContain(`${h1!.assigned - h1!.exempted}명 중 ${h1!.completed}명 이수 (${h1!.ratePercent}%, 집합교육 2명)`);
  });

  it("reads the year as it stood on 31 May: the mover in the division, the leaver still counted", async () => {
    at("2026-12-07T10:00:00");
    const units = await unitCompliance(hr, annualId, seoul("2026-05-31T23:59:59.999"));
    const division = units.find((u) => u.unitId === world.division.id)!;
    const teamRow = units.find((u) => u.unitId === team.id)!;
    // Division on 31 May: 직원0–5 (직원5 had not moved yet); team: 직원6 and 직원7 (not yet left); the new hire not yet there.
    expect([division.assigned, teamRow.assigned]).toEqual([8, 2]);
    // By then only 직원5 had finished (in April); the others finished in June or later.
    expect(division).toMatchObject({ completed: 1, exempted: 0 }); // the exemption was granted later

    // The rest of the page and the drill-down read the same day.
    const asOf = seoul("2026-05-31T23:59:59.999");
    const categories = await categoryCompliance(hr, annualId, asOf);
    expect(categories.reduce((n, c) => n + c.assigned, 0)).toBe(units[0]!.assigned);
    expect(categories.reduce((n, c) => n + c.completed, 0)).toBe(1);
    expect(categories.reduce((n, c) => n + c.exempted, 0)).toBe(0);
    const divisionPeople = (await unitPeople(hr, world.division.id, annualId, "all", asOf))!;
    expect(divisionPeople.map((p) => p.name).sort()).toEqual(staff.slice(0, 6).map((p) => p.name).sort());
    expect(divisionPeople.filter((p) => p.status === "COMPLETED").map((p) => p.name)).toEqual([staff[5]!.name]);
    expect(divisionPeople.find((p) => p.personId === staff[4]!.id)!.status).toBe("ASSIGNED");
    expect((await unitPeople(hr, team.id, annualId, "all", asOf))!.map((p) => p.personId).sort()).toEqual([staff[6]!.id, staff[7]!.id].sort());
    // Pending as of then: everyone in the division but the one who had finished.
    expect((await unitPeople(hr, world.division.id, annualId, "pending", asOf))!).toHaveLength(5);

    // The CSV and XLSX of that day hold the same people and statuses, 직원5 still in the division.
    const t = translator("ko");
    const csvText = await new Response(complianceCsvStream(hr, annualId, "ko", t, asOf)).text();
    const csv = parseCsv(csvText.replace(/^\uFEFF/, "")).slice(1).map((r) => r.cells);
    expect(csv).toHaveLength(units[0]!.assigned);
    expect(csv.filter((r) => r[6] === t("status.COMPLETED")).map((r) => r[1])).toEqual([staff[5]!.name]);
    expect(csv.filter((r) => r[6] === t("status.EXEMPTED"))).toHaveLength(0);
    expect(csv.find((r) => r[1] === staff[5]!.name)![2]).toBe(world.division.code);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.read(complianceXlsxStream(hr, annualId, "ko", t, "연간", asOf) as unknown as Readable);
    const xlsx = workbook.worksheets[0]!.getSheetValues().slice(2) as unknown[][];
    expect(xlsx).toHaveLength(units[0]!.assigned);
    expect(xlsx.filter((r) => r[7] === t("status.COMPLETED"))).toHaveLength(1);
  });
});
