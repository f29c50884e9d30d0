import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { isDateKey, seoulDateKey, seoulDayEnd, seoulYear } from "~/utils/i18n";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { recordSession, SessionInputError } from "~/modules/attendance/sessions.server";
import { unitCompliance } from "~/modules/compliance/compliance.server";
import { cycleWindow, openCycle } from "~/modules/obligations/cycles.server";
import { holidayNames, inSendWindow, nextSendMoment } from "~/modules/notifications/send-window.server";
import { finishCourse, demoCalendar } from "../prisma/seed";
import { createPerson, createUser, createWorld, uid } from "./factories";

/**
 * The product's answers at whatever moment the suite runs at (TEST_CLOCK;
 * scripts/test.sh runs this file at the turn of the year, both sides of the
 * half-year boundary, a leap day and an hour when UTC is still on the day
 * before Seoul). Every expected value is worked out here from the instant
 * itself, by plain arithmetic on UTC+9, not by the product's own helpers.
 */
const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** The Seoul wall clock of an instant, read off UTC shifted by nine hours (Korea keeps no summer time). */
const wall = (t: Date) => new Date(t.getTime() + 9 * HOUR);
const dayOf = (t: Date) => wall(t).toISOString().slice(0, 10);

describe(`the calendar at ${process.env.TEST_CLOCK ?? "the machine's time"}`, () => {
  let moment: Date;
  let today: string;
  let year: number;
  let world: Awaited<ReturnType<typeof createWorld>>;
  let hr: Actor;

  beforeAll(async () => {
    moment = now();
    today = dayOf(moment);
    year = Number(today.slice(0, 4));
    world = await createWorld();
    const user = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    const row = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    hr = await loadActor({ userId: user.id, sessionId: "test", refreshCookie: null, user: row });
  });

  it("takes today to be the calendar day in Seoul, whatever day it is in UTC", () => {
    expect(seoulDateKey(now())).toBe(today);
    expect(seoulYear(now())).toBe(year);
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    expect(isDateKey(`${year}-02-29`)).toBe(leap);
  });

  it("opens this year's cycle due at the end of 31 December in Seoul, and gives a late joiner at least 30 days", async () => {
    const window = cycleWindow(year, "", { "": "12-31" });
    expect(window.dueAt.toISOString()).toBe(`${year}-12-31T14:59:59.999Z`);
    const first = await createPerson(world.division.id, "CIVIL_SERVANT", "처음");
    const cycle = await prisma.cycle.create({ data: { obligationId: world.obligation.id, ...window, label: `${window.label}-${uid()}` } });
    expect(await openCycle(cycle.id, null)).toBe(1);
    const opened = await prisma.assignment.findFirstOrThrow({ where: { cycleId: cycle.id, personId: first.id } });
    expect(opened.dueAt!.toISOString()).toBe(window.dueAt.toISOString());
    expect(Math.abs(opened.assignedAt.getTime() - moment.getTime())).toBeLessThan(60_000);

    const late = await createPerson(world.division.id, "CIVIL_SERVANT", "나중");
    const joinedAt = now();
    expect(await openCycle(cycle.id, null)).toBe(1);
    const joined = await prisma.assignment.findFirstOrThrow({ where: { cycleId: cycle.id, personId: late.id } });
    // At least 30 days, to the end of a Seoul day: never at the time of day they were assigned.
    const fair = Date.parse(`${dayOf(new Date(joinedAt.getTime() + 30 * DAY))}T23:59:59.999+09:00`);
    const expected = Math.max(window.dueAt.getTime(), fair);
    expect(joined.dueAt!.getTime()).toBe(expected);
    expect(wall(joined.dueAt!).toISOString().slice(11)).toBe("23:59:59.999Z");
    expect(joined.dueAt!.getTime()).toBeGreaterThan(moment.getTime());

    // Finished just now: counted as of today in Seoul, not as of the Seoul day before.
    await finishCourse(first.id, opened.id);
    const yesterday = dayOf(new Date(moment.getTime() - DAY));
    const [asOfToday] = await unitCompliance(hr, cycle.id, seoulDayEnd(today));
    const [asOfYesterday] = await unitCompliance(hr, cycle.id, seoulDayEnd(yesterday));
    expect(asOfToday).toMatchObject({ completed: 1 });
    expect(asOfYesterday?.completed ?? 0).toBe(0);

    // The certificate is numbered in the Seoul year it was earned.
    const certificate = await prisma.certificate.findFirstOrThrow({ where: { assignmentId: opened.id } });
    expect(certificate.number).toContain(`-${year}-`);
    expect(Math.abs(certificate.issuedAt.getTime() - now().getTime())).toBeLessThan(60_000);
  });

  it("counts a classroom session held today toward the half-year today falls in, and not the other", async () => {
    const half = await prisma.obligation.create({
      data: {
        code: `moment-half-${uid()}`,
        titleKo: "장애인 인권교육 (반기)",
        titleEn: "Disability rights education (half-yearly)",
        legalBasisKo: "서울특별시 장애인 인권증진에 관한 조례",
        legalBasisEn: "Seoul ordinance on the rights of persons with disabilities",
        cycleKind: "HALF_YEAR",
        unitKinds: ["DIVISION"],
        audienceRootId: world.city.id,
        routes: { create: [{ staffCategory: "CIVIL_SERVANT", courseId: world.course.id }] },
      },
    });
    const deadlines = { H1: "06-30", H2: "12-31" };
    const cycles: Record<"H1" | "H2", string> = { H1: "", H2: "" };
    for (const period of ["H1", "H2"] as const) {
      const w = cycleWindow(year, period, deadlines);
      const c = await prisma.cycle.create({ data: { obligationId: half.id, ...w, label: `${w.label}-${uid()}` } });
      await openCycle(c.id, null);
      cycles[period] = c.id;
    }
    const current = today.slice(5) <= "06-30" ? "H1" : "H2";
    const other = current === "H1" ? "H2" : "H1";
    const attendee = await createPerson(world.division.id, "CIVIL_SERVANT", "참석자");
    await openCycle(cycles[current], null);
    const input = {
      title: "장애인 인권 집합교육",
      heldOn: today,
      minutes: 120,
      place: "시청 다목적홀",
      orgUnitId: world.division.id,
      attendees: String(attendee.employeeNo),
      evidence: { fileName: "sheet.pdf", bytes: new TextEncoder().encode("%PDF-1.7\n%%EOF") },
    };
    const refused = await recordSession(hr, { ...input, cycleIds: [cycles[other]] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SessionInputError);
    expect(refused).toMatchObject({ field: "heldOn", code: "outsideCycle" });
    const tomorrow = dayOf(new Date(moment.getTime() + DAY));
    await expect(recordSession(hr, { ...input, heldOn: tomorrow, cycleIds: [cycles[current]] })).rejects.toMatchObject({ code: "future" });

    const result = await recordSession(hr, { ...input, cycleIds: [cycles[current]] });
    expect(result.completed).toBe(1);
    const done = await prisma.assignment.findFirstOrThrow({ where: { cycleId: cycles[current], personId: attendee.id } });
    // Dated at the end of the class (18:00 that day) or now, whichever came first, and never in the future.
    expect(done.completedAt!.getTime()).toBeLessThanOrEqual(now().getTime());
    expect(dayOf(done.completedAt!)).toBe(today);
  });

  it("sends mail that can wait only in Seoul office hours on Seoul working days", () => {
    const w = wall(now());
    const weekday = w.getUTCDay(); // 0 = Sunday
    const minutes = w.getUTCHours() * 60 + w.getUTCMinutes();
    const holiday = holidayNames(today) !== null;
    expect(inSendWindow(now())).toBe(weekday >= 1 && weekday <= 5 && !holiday && minutes >= 9 * 60 && minutes < 18 * 60);
    // The next opening is at 09:00 Seoul on a working day, never before now.
    const next = nextSendMoment(now());
    expect(next.getTime()).toBeGreaterThanOrEqual(now().getTime() - 1000);
    const opening = wall(next);
    expect(opening.getUTCDay() >= 1 && opening.getUTCDay() <= 5).toBe(true);
    expect(holidayNames(dayOf(next))).toBeNull();
    if (!inSendWindow(now())) expect([opening.getUTCHours(), opening.getUTCMinutes()]).toEqual([9, 0]);
  });

  it("tells the demo's story around today: the half-year today falls in is open, the one before it closed", () => {
    const story = demoCalendar(now());
    const half = today.slice(5) <= "06-30" ? "H1" : "H2";
    expect(story).toEqual({
      year,
      half,
      closedHalf: half === "H2" ? { year, period: "H1" } : { year: year - 1, period: "H2" },
    });
  });
});
