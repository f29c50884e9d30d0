import { afterEach, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now, setClock } from "~/utils/clock.server";
import { seoulDateKey } from "~/utils/i18n";
import { loadActor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { renderOfferingMail } from "./mail.server";
import { addMonths, cancelOffering, editOffering, scheduleOffering, toSeoulLocal, type ScheduleInput } from "./offerings.server";
import { bulkRegister, BulkInputError, cancelRegistration, register, writeOfferingReminders } from "./registration.server";
import { createPerson, createUnit, createUser, createWorld, openTestCycle } from "../../../test/factories";
import { getRequest, respond, sessionCookieFor } from "../../../test/http";
import { loader as offeringPageLoader } from "~/routes/catalog_.offerings.$offeringId";
import { startTestClock } from "../../../test/clock";

const DAY = 86_400_000;

/** A Seoul day some days after the product's clock. */
function dayAhead(days: number): string {
  return seoulDateKey(new Date(now().getTime() + days * DAY));
}

async function admin() {
  return (await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).id;
}

async function courseId() {
  return (await prisma.course.findUniqueOrThrow({ where: { slug: "annual-civil-servants" } })).id;
}

function input(over: Partial<ScheduleInput> & { countsToward: string }): ScheduleInput {
  const date = over.date ?? dayAhead(10);
  const before = new Date(`${date}T14:00:00+09:00`).getTime();
  return {
    titleKo: "장애인 인권 집합교육",
    titleEn: "Disability rights in person",
    topic: "DISABILITY",
    format: "IN_PERSON",
    date,
    startTime: "14:00",
    endTime: "16:00",
    place: "서울시 인권교육원 2층 강의실",
    district: "JUNG",
    directionsKo: "시청역 4번 출구, 도보 3분",
    directionsEn: "City Hall station exit 4, three minutes on foot",
    lecturerNames: "김인권 강사",
    capacity: 3,
    audience: "PUBLIC",
    registrationClosesAt: toSeoulLocal(new Date(before - 2 * DAY)),
    cancellationClosesAt: toSeoulLocal(new Date(before - 1 * DAY)),
    accessibility: ["SIGN_LANGUAGE", "WHEELCHAIR"],
    repeatMonths: 1,
    ...over,
  };
}

async function schedule(over: Partial<ScheduleInput> = {}) {
  const result = await scheduleOffering(await admin(), input({ countsToward: `course:${await courseId()}`, ...over }));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.ids[0]!;
}

async function people(n: number, unitId?: string) {
  const unit = unitId ?? (await createUnit("DIVISION")).id;
  return Promise.all(Array.from({ length: n }, (_, i) => createPerson(unit, "CIVIL_SERVANT", `수강생${i}`)));
}

afterEach(() => startTestClock());

describe("scheduling classes", () => {
  it("schedules the same class every month as one action, on the same day or the month's last", async () => {
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2026-11-15", 3)).toBe("2027-02-15");
    const actor = await admin();
    const result = await scheduleOffering(actor, input({ countsToward: `course:${await courseId()}`, repeatMonths: 3 }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const made = await prisma.offering.findMany({ where: { id: { in: result.ids } }, orderBy: { startsAt: "asc" } });
    expect(made).toHaveLength(3);
    expect(new Set(made.map((o) => o.seriesId)).size).toBe(1);
    for (const o of made) expect(o.startsAt.getTime() - o.registrationClosesAt.getTime()).toBe(2 * DAY);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "offering.schedule", entityId: result.ids[0] } });
    expect(audit.actorUserId).toBe(actor);
  });

  it("refuses a class in the past, without a place, with its deadlines after it starts, or for unknown units", async () => {
    const course = `course:${await courseId()}`;
    const actor = await admin();
    const bad = await scheduleOffering(actor, input({ countsToward: course, date: dayAhead(-2), place: "", capacity: 0, onlineUrl: "", registrationClosesAt: `${dayAhead(30)}T10:00` }));
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors).toMatchObject({ date: "past", place: "required", capacity: "range" });
    const late = await scheduleOffering(actor, input({ countsToward: course, registrationClosesAt: `${dayAhead(30)}T10:00`, format: "LIVE_ONLINE", onlineUrl: "http://insecure.example" }));
    expect(late.ok ? null : late.errors).toMatchObject({ registrationClosesAt: "afterStart", onlineUrl: "https" });
    const units = await scheduleOffering(actor, input({ countsToward: course, audience: "UNITS", audienceUnitCodes: "NO-SUCH-UNIT" }));
    expect(units.ok ? null : units.errors).toMatchObject({ audienceUnitCodes: "unknownUnits" });
  });
});

describe("registration", () => {
  it("gives 3 seats to 3 of 30 people registering at once and puts the other 27 on the waiting list", async () => {
    const id = await schedule();
    const crowd = await people(30);
    const results = await Promise.all(crowd.map((p) => register(p.id, id, p.id)));
    expect(results.filter((r) => r?.outcome === "confirmed")).toHaveLength(3);
    expect(results.filter((r) => r?.outcome === "waitlisted")).toHaveLength(27);
    const counts = await prisma.offeringRegistration.groupBy({ by: ["status"], where: { offeringId: id }, _count: true });
    expect(Object.fromEntries(counts.map((c) => [c.status, c._count]))).toEqual({ CONFIRMED: 3, WAITLISTED: 27 });
    // Each person got one message: a confirmation or a place on the list.
    const mail = await prisma.outboxEmail.findMany({ where: { template: "offering-registration", toAddress: { in: crowd.map((p) => p.email) } } });
    expect(mail).toHaveLength(30);
  });

  it("says so when someone registers twice, and gives a given-up seat to the first on the list, who is told", async () => {
    const id = await schedule();
    const [a, b, c, d, e] = await people(5);
    for (const p of [a, b, c, d, e]) await register(p!.id, id, p!.id);
    expect((await register(a!.id, id, a!.id))?.outcome).toBe("alreadyRegistered");
    expect((await register(e!.id, id, e!.id))?.outcome).toBe("alreadyWaitlisted");
    const cancelled = await cancelRegistration(b!.id, id, b!.id);
    expect(cancelled.outcome).toBe("cancelled");
    expect(cancelled.promoted).toHaveLength(1);
    const promoted = await prisma.offeringRegistration.findUniqueOrThrow({ where: { id: cancelled.promoted[0] } });
    expect(promoted.personId).toBe(d!.id);
    const notice = await prisma.outboxEmail.findFirstOrThrow({ where: { toAddress: d!.email, dedupeKey: { startsWith: "offering-promoted:" } } });
    const rendered = await renderOfferingMail("en", notice.payload);
    expect(rendered?.subject).toMatch(/seat/i);
    expect(rendered?.attachments?.[0]?.filename).toBe("class.ics");
    // e is still second in line; cancelling again is a clear answer.
    expect((await cancelRegistration(b!.id, id, b!.id)).outcome).toBe("notRegistered");
    // b registers again and goes to the back of the list.
    expect((await register(b!.id, id, b!.id))?.outcome).toBe("waitlisted");
  });

  it("closes at the registration deadline, keeps seats after the cancellation deadline, and refuses a cancelled class", async () => {
    const id = await schedule();
    const [a, b] = await people(2);
    await register(a!.id, id, a!.id);
    const o = await prisma.offering.findUniqueOrThrow({ where: { id } });
    setClock(new Date(o.cancellationClosesAt.getTime() + 60_000), { running: true });
    expect((await register(b!.id, id, b!.id))?.outcome).toBe("closed");
    expect((await cancelRegistration(a!.id, id, a!.id)).outcome).toBe("cancelClosed");
    startTestClock();
    const cancelled = await cancelOffering(await admin(), id, "강사 사정으로 취소합니다");
    expect(cancelled.ok).toBe(true);
    expect((await register(b!.id, id, b!.id))?.outcome).toBe("cancelled");
    const notice = await prisma.outboxEmail.findFirstOrThrow({ where: { toAddress: a!.email, dedupeKey: { startsWith: "offering-cancelled:" } } });
    const rendered = await renderOfferingMail("ko", notice.payload);
    expect(rendered?.text).toContain("강사 사정으로 취소합니다");
  });

  it("lets only the units' people, or staff, register, and tells someone who already completed the duty", async () => {
    const world = await createWorld();
    const [inside, done] = await people(2, world.division.id);
    // The cycle of the year the class falls in.
    const { cycle } = await openTestCycle(world.obligation.id, undefined, Number(dayAhead(10).slice(0, 4)));
    const outsider = (await people(1, world.otherBureau.id))[0]!;
    const citizen = await prisma.person.create({ data: { name: "시민", email: `citizen-${inside!.id.slice(0, 8)}@test.example`, staffCategory: "CITIZEN" } });
    await prisma.assignment.updateMany({ where: { cycleId: cycle.id, personId: done!.id }, data: { status: "COMPLETED", completedAt: now(), completionMode: "ONLINE" } });
    const result = await scheduleOffering(await admin(), input({ countsToward: `obligation:${world.obligation.id}`, audience: "UNITS", audienceUnitCodes: world.bureau.code }));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const id = result.ids[0]!;
    expect((await register(inside!.id, id, inside!.id))?.outcome).toBe("confirmed");
    expect((await register(outsider.id, id, outsider.id))?.outcome).toBe("notEligible");
    expect((await register(citizen.id, id, citizen.id))?.outcome).toBe("notEligible");
    expect((await register(done!.id, id, done!.id))?.outcome).toBe("alreadyDone");
    // The class's page tells them before they press anything, and offers no button; others are not told so.
    const pageFor = async (personId: string) => {
      const user = await createUser({ personId });
      const cookie = await sessionCookieFor(user.id);
      const res = await respond(() => offeringPageLoader({ request: getRequest(`/catalog/offerings/${id}`, cookie), params: { offeringId: id }, context: {} }));
      return (await res.json()) as { alreadyDone: boolean; mine: unknown };
    };
    expect(await pageFor(done!.id)).toMatchObject({ alreadyDone: true, mine: null });
    expect(await pageFor(inside!.id)).toMatchObject({ alreadyDone: false });
    const staffOnly = await scheduleOffering(await admin(), input({ countsToward: `obligation:${world.obligation.id}`, audience: "ALL_STAFF" }));
    if (!staffOnly.ok) throw new Error("not scheduled");
    expect((await register(outsider.id, staffOnly.ids[0]!, outsider.id))?.outcome).toBe("confirmed");
    expect((await register(citizen.id, staffOnly.ids[0]!, citizen.id))?.outcome).toBe("notEligible");
  });

  it("tells everyone with a seat or on the waiting list once when the class is cancelled, however often it is asked", async () => {
    const id = await schedule({ capacity: 1 });
    const [seated, waiting, gaveUp] = await people(3);
    for (const p of [seated, waiting, gaveUp]) await register(p!.id, id, p!.id);
    await cancelRegistration(gaveUp!.id, id, gaveUp!.id);
    const actor = await admin();
    // Two administrators cancel at once: one cancels, the other finds nothing to cancel.
    const results = await Promise.all([cancelOffering(actor, id, "강사 사정으로 취소합니다"), cancelOffering(actor, id, "강사 사정으로 취소합니다")]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, problem: "notFound" });
    const notices = await prisma.outboxEmail.findMany({ where: { dedupeKey: { startsWith: "offering-cancelled:" }, toAddress: { in: [seated!.email, waiting!.email, gaveUp!.email] } } });
    expect(notices.map((n) => n.toAddress).sort()).toEqual([seated!.email, waiting!.email].sort());
    expect((await cancelOffering(actor, id, "다시 한 번 취소합니다")).ok).toBe(false);
    expect(await prisma.outboxEmail.count({ where: { dedupeKey: { startsWith: "offering-cancelled:" }, toAddress: { in: [seated!.email, waiting!.email] } } })).toBe(2);
    expect(await prisma.auditEvent.count({ where: { entityId: id, action: "offering.cancel" } })).toBe(1);
    const rendered = await renderOfferingMail("en", notices[0]!.payload);
    expect(rendered?.text).toContain("강사 사정으로 취소합니다");
    expect(rendered?.attachments?.[0]?.filename).toBe("class.ics");
  });

  it("lets an HR officer register people of their units only, seats first and then the waiting list", async () => {
    const world = await createWorld();
    const mine = await people(4, world.division.id);
    const theirs = (await people(1, world.otherBureau.id))[0]!;
    const officer = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    const actor = await loadActor((await getCurrentSession(getRequest("/", await sessionCookieFor(officer.id))))!);
    const id = await schedule({ audience: "ALL_STAFF" });
    await expect(bulkRegister(actor, id, `${mine[0]!.employeeNo} ${theirs.employeeNo}`)).rejects.toBeInstanceOf(BulkInputError);
    expect(await prisma.offeringRegistration.count({ where: { offeringId: id } })).toBe(0);
    await register(mine[3]!.id, id, mine[3]!.id);
    const result = await bulkRegister(actor, id, mine.map((p) => p.employeeNo).join("\n"));
    expect(result).toEqual({ confirmed: 2, waitlisted: 1, skipped: { alreadyRegistered: [mine[3]!.employeeNo] } });
    // The list keeps the order the numbers were given in.
    const waiting = await prisma.offeringRegistration.findFirstOrThrow({ where: { offeringId: id, status: "WAITLISTED" } });
    expect(waiting.personId).toBe(mine[2]!.id);
  });

  it("moves waiting people into new seats when the capacity grows, never below the seats taken", async () => {
    const id = await schedule({ capacity: 1 });
    const [a, b, c] = await people(3);
    for (const p of [a, b, c]) await register(p!.id, id, p!.id);
    const actor = await admin();
    const o = await prisma.offering.findUniqueOrThrow({ where: { id } });
    const same = input({ countsToward: "", date: seoulDateKey(o.startsAt), capacity: 0 });
    expect(await editOffering(actor, id, { ...same, capacity: 0 })).toMatchObject({ ok: false });
    const grown = await editOffering(actor, id, { ...same, capacity: 2, registrationClosesAt: toSeoulLocal(o.registrationClosesAt), cancellationClosesAt: toSeoulLocal(o.cancellationClosesAt) });
    expect(grown.ok).toBe(true);
    expect(await prisma.offeringRegistration.count({ where: { offeringId: id, status: "CONFIRMED" } })).toBe(2);
  });
});

describe("the day-before reminder", () => {
  it("is written once per seat from 09:00 the day before, however often the tick runs", async () => {
    const id = await schedule({ date: dayAhead(5) });
    const [a, b] = await people(2);
    await register(a!.id, id, a!.id);
    await register(b!.id, id, b!.id);
    await cancelRegistration(b!.id, id, b!.id);
    const o = await prisma.offering.findUniqueOrThrow({ where: { id } });
    const dayBefore = seoulDateKey(new Date(o.startsAt.getTime() - DAY));
    setClock(new Date(`${dayBefore}T08:30:00+09:00`));
    expect((await writeOfferingReminders(now())).length).toBe(0);
    setClock(new Date(`${dayBefore}T10:00:00+09:00`));
    const [first, again] = await Promise.all([writeOfferingReminders(now()), writeOfferingReminders(now())]);
    setClock(new Date(`${dayBefore}T10:15:00+09:00`));
    const later = await writeOfferingReminders(now());
    const mine = await prisma.outboxEmail.findMany({ where: { dedupeKey: { startsWith: "offering-reminder:" }, toAddress: { in: [a!.email, b!.email] } } });
    expect(mine).toHaveLength(1);
    expect(mine[0]!.toAddress).toBe(a!.email);
    expect(first.length + again.length + later.length).toBeGreaterThanOrEqual(1);
    const rendered = await renderOfferingMail("ko", mine[0]!.payload);
    expect(rendered?.subject).toContain("내일");
  });
});
