import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { unitCompliance } from "~/modules/compliance/compliance.server";
import { createAnnualObligation, createPerson, createUser, createWorld, openTestCycle } from "../../../test/factories";
import { getRequest, respond, sessionCookieFor } from "../../../test/http";
import { loader as evidenceLoader } from "~/routes/hr.sessions.$sessionId.evidence";
import { storyClock } from "../../../test/clock";
import { getEvidence, getSession, listSessions, recordSession, SessionInputError, withdrawAttendance, type SessionInput } from "./sessions.server";

/** The smallest valid PDF header is enough: the type is told from the first bytes. */
const PDF = new TextEncoder().encode("%PDF-1.4\n% attendance sheet\n%%EOF\n");

async function actorFor(userId: string): Promise<Actor> {
  const session = await getCurrentSession(getRequest("/", await sessionCookieFor(userId)));
  return loadActor(session!);
}

describe("in-person sessions", () => {
  // Late November 2026: the session on 20 November has happened, the annual cycles are open.
  storyClock("2026-11-25T10:00:00");
  let world: Awaited<ReturnType<typeof createWorld>>;
  let hr: Actor;
  let annualId: string;
  let secondId: string;
  const people: Array<{ id: string; employeeNo: string | null }> = [];
  let outsider: { employeeNo: string | null };

  beforeAll(async () => {
    world = await createWorld();
    await prisma.obligation.update({ where: { id: world.obligation.id }, data: { sharedSessions: true } });
    for (const name of ["가", "나", "다", "라"]) people.push(await createPerson(world.division.id, "CIVIL_SERVANT", name));
    outsider = await createPerson(world.otherBureau.id, "CIVIL_SERVANT", "다른 국");
    annualId = (await openTestCycle(world.obligation.id, undefined, 2026)).cycle.id;
    const second = await createAnnualObligation(world, "두 번째 의무", "Second duty");
    await prisma.obligation.update({ where: { id: second.id }, data: { sharedSessions: true } });
    secondId = (await openTestCycle(second.id, undefined, 2026)).cycle.id;
    hr = await actorFor((await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] })).id);
  });

  const input = (over: Partial<SessionInput> = {}): SessionInput => ({
    title: "장애인식 개선 집합교육",
    heldOn: "2026-11-20",
    minutes: 120,
    place: "시청 다목적홀",
    orgUnitId: world.bureau.id,
    cycleIds: [annualId, secondId],
    attendees: people.slice(0, 3).map((p) => p.employeeNo).join("\n"),
    evidence: { fileName: "sign-in.pdf", bytes: PDF },
    ...over,
  });

  async function nothingRecorded(over: Partial<SessionInput>, field: string, code: string) {
    const before = await prisma.trainingSession.count();
    const err = await recordSession(hr, input(over)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionInputError);
    expect(err).toMatchObject({ field, code });
    expect(await prisma.trainingSession.count()).toBe(before);
  }

  it("refuse bad input with the field and reason, recording nothing", async () => {
    await nothingRecorded({ evidence: null }, "evidence", "missing");
    await nothingRecorded({ evidence: { fileName: "x.pdf", bytes: new TextEncoder().encode("<html>") } }, "evidence", "type");
    await nothingRecorded({ attendees: `${people[0]!.employeeNo} ${outsider.employeeNo} NOPE-1` }, "attendees", "unknown");
    await nothingRecorded({ heldOn: "2026-02-30" }, "heldOn", "invalid");
    await nothingRecorded({ heldOn: "2025-12-31" }, "heldOn", "outsideCycle");
    await nothingRecorded({ heldOn: "2999-01-01" }, "heldOn", "future");
    await nothingRecorded({ orgUnitId: world.otherBureau.id }, "orgUnitId", "outOfScope");

    // A duty asking for two hours is not met by a 90-minute session; one that is online only, not at all.
    await prisma.obligationRoute.updateMany({ where: { obligationId: world.obligation.id }, data: { minMinutes: 120 } });
    await nothingRecorded({ minutes: 90 }, "minutes", "tooShort");
    // Messages name the duty by its title in the reader's language, never by its code.
    const short = (await recordSession(hr, input({ minutes: 90 })).catch((e: unknown) => e)) as SessionInputError;
    const duty = await prisma.obligation.findUniqueOrThrow({ where: { id: world.obligation.id } });
    expect(short.paramsIn("ko")).toEqual({ obligation: duty.titleKo, min: 120 });
    expect(short.paramsIn("en")).toEqual({ obligation: duty.titleEn, min: 120 });
    const outside = (await recordSession(hr, input({ heldOn: "2025-12-31", cycleIds: [annualId] })).catch((e: unknown) => e)) as SessionInputError;
    expect(outside.paramsIn("en").cycle).toBe(`${duty.titleEn} · 2026`);
    await prisma.obligationRoute.updateMany({ where: { obligationId: world.obligation.id }, data: { minMinutes: 0, modes: ["ONLINE"] } });
    await nothingRecorded({}, "cycleIds", "onlineOnly");
    await prisma.obligationRoute.updateMany({ where: { obligationId: world.obligation.id }, data: { modes: ["ONLINE", "IN_PERSON"] } });

    // One session toward two duties only where both allow it.
    await prisma.obligation.update({ where: { id: world.obligation.id }, data: { sharedSessions: false } });
    await nothingRecorded({}, "cycleIds", "notShared");
    await prisma.obligation.update({ where: { id: world.obligation.id }, data: { sharedSessions: true } });
  });

  it("complete every open assignment of the attendees in the chosen cycles, in person, with the sheet kept", async () => {
    // 가 already finished the annual course online: that record stays as it is.
    await prisma.assignment.updateMany({
      where: { personId: people[0]!.id, cycleId: annualId },
      data: { status: "COMPLETED", completedAt: new Date("2026-03-02T01:00:00Z"), completionMode: "ONLINE" },
    });
    const result = await recordSession(hr, input());
    expect(result).toMatchObject({ attendees: 3, completed: 5, alreadyDone: 0, notOwed: 0 });

    const rows = await prisma.assignment.findMany({
      where: { personId: { in: people.map((p) => p.id) }, cycleId: { in: [annualId, secondId] } },
      select: { personId: true, cycleId: true, status: true, completionMode: true, completedAt: true },
    });
    const of = (i: number, cycleId: string) => rows.find((r) => r.personId === people[i]!.id && r.cycleId === cycleId)!;
    expect(of(0, annualId)).toMatchObject({ status: "COMPLETED", completionMode: "ONLINE" });
    expect(of(0, secondId)).toMatchObject({ status: "COMPLETED", completionMode: "IN_PERSON" });
    expect(of(1, annualId).completedAt!.toISOString()).toBe("2026-11-20T09:00:00.000Z");
    expect(of(3, annualId).status).toBe("ASSIGNED");

    // The dashboard counts them, and the share done in person.
    const [top] = await unitCompliance(hr, annualId);
    expect(top).toMatchObject({ assigned: 4, completed: 3, inPerson: 2 });

    const found = await getSession(hr, result.sessionId);
    expect(found!.attendees.map((a) => a.completedKo.length)).toEqual([1, 2, 2]);
    const file = await getEvidence(hr, result.sessionId);
    expect(Buffer.from(file!.content).toString()).toContain("%PDF-1.4");
    expect(file!.mediaType).toBe("application/pdf");
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "session.record", entityId: result.sessionId } });
    expect(audit.data).toMatchObject({ completed: 5, heldOn: "2026-11-20", minutes: 120 });

    // Someone on the sheet a second time finds nothing left to complete.
    const again = await recordSession(hr, input({ attendees: String(people[1]!.employeeNo), cycleIds: [annualId] }));
    expect(again).toMatchObject({ attendees: 1, completed: 0, alreadyDone: 1 });
  });

  it("hand the signed sheet back under the server's name, whatever the uploader called it", async () => {
    const hrUser = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    const polyglot = new TextEncoder().encode("%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n");
    const { sessionId } = await recordSession(hr, input({ attendees: String(people[3]!.employeeNo), cycleIds: [annualId], evidence: { fileName: "evil.html", bytes: polyglot } }));
    const res = await respond(() => evidenceLoader({ request: getRequest(`/hr/sessions/${sessionId}/evidence`, undefined), params: { sessionId }, context: {} }));
    expect(res.status).toBe(302); // signed out: to sign-in
    const cookie = await sessionCookieFor(hrUser.id);
    const file = await respond(() => evidenceLoader({ request: getRequest(`/hr/sessions/${sessionId}/evidence`, cookie), params: { sessionId }, context: {} }));
    expect(file.headers.get("Content-Disposition")).toBe(`attachment; filename="attendance-2026-11-20-${sessionId.slice(0, 8)}.pdf"`);
    expect(file.headers.get("Content-Type")).toBe("application/pdf");
    expect(file.headers.get("Content-Security-Policy")).toContain("sandbox");
  });

  it("are listed with the cycles they count toward by title and label, in both languages", async () => {
    const listed = await listSessions(hr);
    const both = listed.find((s) => s.cyclesKo.length === 2)!;
    expect(both.cyclesKo).toEqual(expect.arrayContaining(["두 번째 의무 · 2026"]));
    expect(both.cyclesEn).toEqual(expect.arrayContaining(["Second duty · 2026"]));
    expect([...both.cyclesKo, ...both.cyclesEn].join(" ")).not.toMatch(/annual|test-/);
  });

  it("are out of reach for officers of other units", async () => {
    const [session] = await prisma.trainingSession.findMany({ where: { orgUnitId: world.bureau.id }, take: 1 });
    const other = await actorFor((await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.otherBureau.id }] })).id);
    expect(await getSession(other, session!.id)).toBeNull();
    expect(await getEvidence(other, session!.id)).toBeNull();
  });

  it("can take back an attendance recorded in error, with a reason, reopening what it completed", async () => {
    const session = await prisma.trainingSession.findFirstOrThrow({ where: { orgUnitId: world.bureau.id, minutes: 120, cycles: { some: { cycleId: secondId } } } });
    const found = await getSession(hr, session.id);
    const wrong = found!.attendees.find((a) => a.personId === people[2]!.id)!;
    await expect(withdrawAttendance(hr, session.id, wrong.attendanceId, "")).rejects.toThrow("reason");
    await withdrawAttendance(hr, session.id, wrong.attendanceId, "서명부 오기재 (동명이인)");
    const back = await prisma.assignment.findMany({ where: { personId: people[2]!.id, cycleId: { in: [annualId, secondId] } } });
    expect(back.map((a) => [a.status, a.completionMode, a.completedAt])).toEqual([
      ["ASSIGNED", null, null],
      ["ASSIGNED", null, null],
    ]);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "session.withdraw-attendance", entityId: session.id } });
    expect(audit.reason).toBe("서명부 오기재 (동명이인)");
  });
});

describe("an in-person session toward a duty routed by grade", () => {
  storyClock("2026-11-25T10:00:00");

  it("is held to the minimum of each attendee's own grade's route", async () => {
    const world = await createWorld();
    // Grades 1 to 4 need two hours in person; grades 5 to 9, one.
    await prisma.obligationRoute.deleteMany({ where: { obligationId: world.obligation.id } });
    await prisma.obligationRoute.createMany({
      data: [
        { obligationId: world.obligation.id, staffCategory: "CIVIL_SERVANT", courseId: world.course.id, gradeFrom: 1, gradeTo: 4, minMinutes: 120 },
        { obligationId: world.obligation.id, staffCategory: "CIVIL_SERVANT", courseId: world.course.id, gradeFrom: 5, gradeTo: 9, minMinutes: 60 },
      ],
    });
    const senior = await createPerson(world.division.id, "CIVIL_SERVANT", "사무관", { grade: 4 });
    const clerk = await createPerson(world.division.id, "CIVIL_SERVANT", "주무관", { grade: 7 });
    const cycleId = (await openTestCycle(world.obligation.id, undefined, 2026)).cycle.id;
    expect(await prisma.assignment.count({ where: { cycleId } })).toBe(2);
    const hr = await actorFor((await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] })).id);
    const session = (attendees: string, minutes: number): SessionInput => ({
      title: "인권 집합교육",
      heldOn: "2026-11-20",
      minutes,
      place: "시청",
      orgUnitId: world.bureau.id,
      cycleIds: [cycleId],
      attendees,
      evidence: { fileName: "sign-in.pdf", bytes: PDF },
    });
    const refused = await recordSession(hr, session(`${senior.employeeNo}`, 90)).catch((e: unknown) => e);
    expect(refused).toMatchObject({ field: "minutes", code: "tooShort" });
    expect((refused as SessionInputError).paramsIn("en").min).toBe(120);
    expect((await recordSession(hr, session(`${clerk.employeeNo}`, 90))).completed).toBe(1);
    const done = await prisma.assignment.findMany({ where: { cycleId, status: "COMPLETED" }, select: { personId: true } });
    expect(done.map((a) => a.personId)).toEqual([clerk.id]);
  });
});
