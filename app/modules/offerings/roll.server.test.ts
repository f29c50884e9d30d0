import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { seoulDateKey } from "~/utils/i18n";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { listSessions } from "~/modules/attendance/sessions.server";
import { oversightReturn } from "~/modules/reporting/oversight.server";
import { createPerson, createUser, createWorld, openTestCycle, uid } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { action as manageAction, loader as manageLoader } from "~/routes/academy.offerings.$offeringId";
import { at, storyClock } from "../../../test/clock";
import { checkInSignedIn, currentCode } from "./check-in.server";
import { cancelOffering } from "./offerings.server";
import { register } from "./registration.server";
import { closeRoll, getRoll, markRoll, recordNoShows } from "./roll.server";

async function actorFor(userId: string): Promise<Actor> {
  const session = await getCurrentSession(getRequest("/", await sessionCookieFor(userId)));
  return loadActor(session!);
}

/** A two-hour class on 12 November 2026, 14:00–16:00 Seoul, counting toward an obligation or a course. */
async function classOn(target: { obligationId?: string; courseId?: string; orgUnitId?: string | null }, lecturerId: string, createdById: string) {
  return prisma.offering.create({
    data: {
      seriesId: createdById,
      obligationId: target.obligationId ?? null,
      courseId: target.courseId ?? null,
      titleKo: `대면 인권교육 ${uid()}`,
      titleEn: "Human rights in person",
      topic: "GENERAL",
      format: "IN_PERSON",
      startsAt: new Date("2026-11-12T14:00:00+09:00"),
      endsAt: new Date("2026-11-12T16:00:00+09:00"),
      place: "인권교육원 2층",
      district: "JUNG",
      capacity: 10,
      audience: "PUBLIC",
      lecturerUserIds: [lecturerId],
      registrationClosesAt: new Date("2026-11-11T18:00:00+09:00"),
      cancellationClosesAt: new Date("2026-11-11T18:00:00+09:00"),
      orgUnitId: target.orgUnitId ?? null,
      createdById,
    },
  });
}

describe("the roll call of a class and closing it into credit", () => {
  storyClock("2026-11-10T09:00:00");
  let world: Awaited<ReturnType<typeof createWorld>>;
  let cycleId: string;
  let academy: Actor;
  let lecturer: Actor;
  let otherLecturer: Actor;
  let people: Array<{ id: string; employeeNo: string | null }>;

  beforeAll(async () => {
    world = await createWorld();
    people = [];
    for (const name of ["가", "나", "다", "라"]) people.push(await createPerson(world.division.id, "CIVIL_SERVANT", name));
    cycleId = (await openTestCycle(world.obligation.id, undefined, 2026)).cycle.id;
    // In person counts only for 90 minutes or more of the two-hour class.
    await prisma.obligationRoute.updateMany({ where: { obligationId: world.obligation.id }, data: { minMinutes: 90 } });
    academy = await actorFor((await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).id);
    lecturer = await actorFor((await createUser({ roles: [{ role: "LECTURER" }] })).id);
    otherLecturer = await actorFor((await createUser({ roles: [{ role: "LECTURER" }] })).id);
  });

  it("marks the roll, closes it once into a session that completes the duty in person, and records no-shows", async () => {
    at("2026-11-10T09:00:00");
    const o = await classOn({ obligationId: world.obligation.id, orgUnitId: world.city.id }, lecturer.userId, academy.userId);
    for (const p of people) expect((await register(p.id, o.id, p.id))?.outcome).toBe("confirmed");
    const [a, b, c, d] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0], (typeof people)[0]];
    const seat = async (personId: string) => (await prisma.offeringRegistration.findUniqueOrThrow({ where: { offeringId_personId: { offeringId: o.id, personId } } })).id;

    // Two days ahead, nobody can mark the roll or close it.
    expect(await markRoll(lecturer, o.id, [{ registrationId: await seat(b.id), state: "PRESENT", minutes: null }])).toEqual({ ok: false, problem: "notOpen" });

    // Half an hour before: A checks in with the code; the roll cannot be closed before the class starts.
    at("2026-11-12T13:30:00");
    expect(await checkInSignedIn(o.id, (await currentCode(o.id)).code, a.id)).toBe("checkedIn");
    expect(await closeRoll(academy, o.id, true)).toEqual({ ok: false, problem: "notStarted" });

    at("2026-11-12T15:00:00");
    // Only the class's own lecturer (or the academy) may call its roll.
    expect(await markRoll(otherLecturer, o.id, [{ registrationId: await seat(b.id), state: "PRESENT", minutes: null }])).toEqual({ ok: false, problem: "notFound" });
    expect(await markRoll(lecturer, o.id, [{ registrationId: await seat(b.id), state: "PRESENT", minutes: 500 }])).toEqual({ ok: false, problem: "minutes" });
    // B came for an hour, C was absent, D is not marked; A's check-in stands (sent as present, no change).
    const marked = await markRoll(lecturer, o.id, [
      { registrationId: await seat(a.id), state: "PRESENT", minutes: null },
      { registrationId: await seat(b.id), state: "PRESENT", minutes: 60 },
      { registrationId: await seat(c.id), state: "ABSENT", minutes: null },
      { registrationId: await seat(d.id), state: "", minutes: null },
    ]);
    expect(marked).toEqual({ ok: true, changed: 2 });
    const roll = await getRoll(o.id);
    expect(roll.filter((r) => r.present).map((r) => r.personId).sort()).toEqual([a.id, b.id].sort());
    expect(await prisma.auditEvent.count({ where: { entityId: o.id, action: "offering.roll-call" } })).toBe(1);

    // Closing needs the confirmation; the other lecturer cannot close it.
    expect(await closeRoll(lecturer, o.id, false)).toEqual({ ok: false, problem: "confirm" });
    expect(await closeRoll(otherLecturer, o.id, true)).toEqual({ ok: false, problem: "notFound" });

    at("2026-11-12T16:30:00");
    // Two closes at once: one closes, the other finds it closed; nothing is doubled.
    const [first, second] = await Promise.all([closeRoll(lecturer, o.id, true), closeRoll(academy, o.id, true)]);
    const results = [first, second].map((r) => (r.ok ? r.summary : null));
    expect(results.filter((r) => r?.closedNow)).toHaveLength(1);
    const summary = results.find((r) => r?.closedNow)!;
    expect(summary).toMatchObject({ present: 2, completed: 1, certificates: 0, noShows: 2 });
    expect(results.find((r) => !r?.closedNow)).toMatchObject({ closedNow: false, sessionId: summary.sessionId, present: 2, completed: 1, noShows: 2 });

    const offering = await prisma.offering.findUniqueOrThrow({ where: { id: o.id } });
    expect(offering.trainingSessionId).toBe(summary.sessionId);
    const session = await prisma.trainingSession.findUniqueOrThrow({ where: { id: summary.sessionId! }, include: { cycles: true, attendances: true, evidence: true } });
    expect(session).toMatchObject({ minutes: 120, orgUnitId: world.city.id, place: "인권교육원 2층" });
    expect(seoulDateKey(new Date(`${session.heldOn.toISOString().slice(0, 10)}T12:00:00+09:00`))).toBe("2026-11-12");
    expect(session.cycles.map((x) => x.cycleId)).toEqual([cycleId]);
    expect(session.attendances.map((x) => x.personId).sort()).toEqual([a.id, b.id].sort());
    expect(session.evidence.mediaType).toBe("application/pdf");

    // A's duty is completed in person as of the class's day; B's hour does not meet the 90 minutes; C and D still owe it.
    const duty = async (personId: string) => prisma.assignment.findUniqueOrThrow({ where: { cycleId_personId: { cycleId, personId } } });
    const done = await duty(a.id);
    expect(done).toMatchObject({ status: "COMPLETED", completionMode: "IN_PERSON" });
    expect(seoulDateKey(done.completedAt!)).toBe("2026-11-12");
    for (const p of [b, c, d]) expect((await duty(p.id)).status).toBe("ASSIGNED");
    const rows = await prisma.offeringRegistration.findMany({ where: { offeringId: o.id }, select: { personId: true, noShowAt: true } });
    expect(rows.filter((r) => r.noShowAt).map((r) => r.personId).sort()).toEqual([c.id, d.id].sort());

    // The HR officer of the city sees the session where sheets are listed.
    const hr = await actorFor((await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.city.id }] })).id);
    expect((await listSessions(hr)).find((s) => s.id === summary.sessionId)).toMatchObject({ attendees: 2, completed: 1 });
    // The oversight return counts A's completion as taught in person.
    const cycles = (await oversightReturn(hr, 2026)).institutions.flatMap((i) => i.cycles).filter((x) => x.cycleId === cycleId);
    expect(cycles.reduce((n, x) => n + x.total.completed, 0)).toBe(1);
    expect(cycles.reduce((n, x) => n + x.total.inPerson, 0)).toBe(1);

    // Closed: no more marks, no more check-ins, no cancelling, one close audited.
    expect(await markRoll(academy, o.id, [{ registrationId: await seat(c.id), state: "PRESENT", minutes: null }])).toEqual({ ok: false, problem: "closed" });
    expect(await cancelOffering(academy.userId, o.id, "강사 사정으로 취소")).toEqual({ ok: false, problem: "notFound" });
    expect(await prisma.auditEvent.count({ where: { entityId: o.id, action: "offering.close-roll" } })).toBe(1);
    expect(await prisma.trainingSession.count({ where: { offering: { id: o.id } } })).toBe(1);
  });

  it("refuses to close a cancelled class", async () => {
    at("2026-11-10T09:00:00");
    const o = await classOn({ obligationId: world.obligation.id, orgUnitId: world.city.id }, lecturer.userId, academy.userId);
    expect((await cancelOffering(academy.userId, o.id, "장소 사정으로 취소합니다")).ok).toBe(true);
    at("2026-11-12T16:30:00");
    expect(await closeRoll(academy, o.id, true)).toEqual({ ok: false, problem: "cancelled" });
  });

  it("completes a catalog course taken in person with its certificate, for staff and citizens alike", async () => {
    at("2026-11-10T09:00:00");
    const course = await prisma.course.findUniqueOrThrow({ where: { slug: "annual-civil-servants" } });
    const o = await classOn({ courseId: course.id }, lecturer.userId, academy.userId);
    const staff = await createPerson(world.division.id, "CIVIL_SERVANT", "직원");
    const citizen = await prisma.person.create({ data: { name: "김시민", email: `citizen-${uid()}@test.example`, staffCategory: "CITIZEN" } });
    for (const p of [staff, citizen]) expect((await register(p.id, o.id, p.id))?.outcome).toBe("confirmed");
    at("2026-11-12T15:00:00");
    const seats = await getRoll(o.id);
    expect((await markRoll(academy, o.id, seats.map((s) => ({ registrationId: s.id, state: "PRESENT" as const, minutes: null })))).ok).toBe(true);
    const closed = await closeRoll(academy, o.id, true);
    expect(closed).toMatchObject({ ok: true, summary: { closedNow: true, present: 2, completed: 2, certificates: 2, noShows: 0 } });
    for (const p of [staff, citizen]) {
      const enrolment = await prisma.assignment.findFirstOrThrow({ where: { personId: p.id, courseId: course.id, cycleId: null }, include: { certificate: true } });
      expect(enrolment).toMatchObject({ status: "COMPLETED", completionMode: "IN_PERSON" });
      expect(enrolment.courseVersionId).not.toBeNull();
      expect(enrolment.certificate?.holderName).toBe(p.name);
    }
    // Again: the same, nothing new.
    expect(await closeRoll(academy, o.id, true)).toMatchObject({ ok: true, summary: { closedNow: false, present: 2, completed: 2, certificates: 2 } });
    expect(await prisma.certificate.count({ where: { personId: { in: [staff.id, citizen.id] } } })).toBe(2);
  });

  it("records the seats of an ended class nobody closed as no-shows, and takes it back when someone is marked present", async () => {
    at("2026-11-10T09:00:00");
    const o = await classOn({ obligationId: world.obligation.id, orgUnitId: world.city.id }, lecturer.userId, academy.userId);
    const p = await createPerson(world.division.id, "CIVIL_SERVANT", "불참");
    await register(p.id, o.id, p.id);
    at("2026-11-12T15:00:00");
    await recordNoShows(new Date("2026-11-12T15:00:00+09:00"));
    const seat = () => prisma.offeringRegistration.findUniqueOrThrow({ where: { offeringId_personId: { offeringId: o.id, personId: p.id } } });
    expect((await seat()).noShowAt).toBeNull();
    at("2026-11-12T17:00:00");
    expect(await recordNoShows(new Date("2026-11-12T17:00:00+09:00"))).toBeGreaterThanOrEqual(1);
    expect((await seat()).noShowAt).not.toBeNull();
    expect((await markRoll(lecturer, o.id, [{ registrationId: (await seat()).id, state: "PRESENT", minutes: null }])).ok).toBe(true);
    expect((await seat()).noShowAt).toBeNull();
  });

  it("lets the class's lecturer call and close the roll from its page, but not edit the class; other lecturers find nothing", async () => {
    at("2026-11-10T09:00:00");
    const o = await classOn({ obligationId: world.obligation.id, orgUnitId: world.city.id }, lecturer.userId, academy.userId);
    const p = await createPerson(world.division.id, "CIVIL_SERVANT", "페이지");
    await register(p.id, o.id, p.id);
    const seatId = (await prisma.offeringRegistration.findFirstOrThrow({ where: { offeringId: o.id, personId: p.id } })).id;
    const path = `/academy/offerings/${o.id}`;
    const mine = await sessionCookieFor(lecturer.userId);
    const theirs = await sessionCookieFor(otherLecturer.userId);
    at("2026-11-12T15:00:00");
    const page = await respond(() => manageLoader({ request: getRequest(path, mine), params: { offeringId: o.id }, context: {} }));
    expect(page.status).toBe(200);
    const body = (await page.json()) as { academy: boolean; roster: unknown[]; options: unknown; roll: { seats: Array<{ id: string }>; open: boolean; started: boolean } };
    expect(body).toMatchObject({ academy: false, roster: [], options: null, roll: { open: true, started: true } });
    expect(body.roll.seats.map((x) => x.id)).toEqual([seatId]);
    expect((await respond(() => manageLoader({ request: getRequest(path, theirs), params: { offeringId: o.id }, context: {} }))).status).toBe(404);

    const post = (fields: Array<[string, string]>, cookie: string) => respond(() => manageAction({ request: postForm(path, fields, cookie), params: { offeringId: o.id }, context: {} }));
    expect((await post([["intent", "roll"], ["seat", seatId], [`roll:${seatId}`, "PRESENT"], [`minutes:${seatId}`, ""]], theirs)).status).toBe(404);
    expect((await post([["intent", "edit"]], mine)).status).toBe(403);
    const saved = await post([["intent", "roll"], ["seat", seatId], [`roll:${seatId}`, "PRESENT"], [`minutes:${seatId}`, "100"]], mine);
    expect(saved.headers.get("Location")).toBe(`${path}?done=roll&changed=1`);
    expect((await post([["intent", "close"]], mine)).status).toBe(400);
    const closed = await post([["intent", "close"], ["confirm", "yes"]], mine);
    expect(closed.headers.get("Location")).toBe(`${path}?done=closed`);
    const { trainingSessionId } = await prisma.offering.findUniqueOrThrow({ where: { id: o.id } });
    expect(await prisma.sessionAttendance.count({ where: { sessionId: trainingSessionId!, personId: p.id } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { entityId: o.id, action: "offering.close-roll", actorUserId: lecturer.userId } })).toBe(1);
  });
});
