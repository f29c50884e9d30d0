import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createAnnualObligation, createPerson, createUser, createWorld, openTestCycle, uid } from "../../../test/factories";
import { finishCourse } from "../../../prisma/seed";
import { startSmtp } from "../../../test/smtp";
import { deliverOutbox } from "./outbox.server";
import { runReminderTick, tickOutboxPages, type TickResult } from "./reminders.server";
import { holidayNames, inSendWindow, nextSendMoment } from "./send-window.server";
import { at, seoul } from "../../../test/clock";

/** Every outbox row a tick wrote, read back page by page as the worker does. */
async function outboxIdsOf(tick: TickResult): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of tickOutboxPages(tick, 1)) ids.push(...page);
  return ids;
}

// Deadline: end of 31 December 2026, Seoul. Times below are Seoul wall-clock; each tick
// moves the product's clock to its moment first.

describe("send window", () => {
  it("is office hours on weekdays, Seoul time", () => {
    expect(inSendWindow(seoul("2026-12-01T10:00:00"))).toBe(true); // Tuesday
    expect(inSendWindow(seoul("2026-12-01T08:59:00"))).toBe(false);
    expect(inSendWindow(seoul("2026-12-01T18:00:00"))).toBe(false);
    expect(inSendWindow(seoul("2026-12-05T10:00:00"))).toBe(false); // Saturday
  });

  it("is closed on public holidays, lunar and substitute ones included", () => {
    expect(holidayNames("2026-03-02")).toEqual(["대체공휴일(3ㆍ1절)"]); // 1 March fell on a Sunday
    expect(inSendWindow(seoul("2026-03-02T10:00:00"))).toBe(false);
    for (const chuseok of ["2026-09-24", "2026-09-25"]) expect(inSendWindow(seoul(`${chuseok}T10:00:00`))).toBe(false);
    expect(inSendWindow(seoul("2026-12-25T10:00:00"))).toBe(false); // Christmas, a Friday
    expect(inSendWindow(seoul("2027-02-09T10:00:00"))).toBe(false); // substitute day for Seollal
    expect(inSendWindow(seoul("2026-12-24T10:00:00"))).toBe(true);
  });

  it("names the next opening: after a weekend, a holiday, or both", () => {
    const next = (local: string) => nextSendMoment(seoul(local)).toISOString();
    expect(next("2026-12-01T10:00:00")).toBe(seoul("2026-12-01T10:00:00").toISOString()); // open now
    expect(next("2026-12-01T07:00:00")).toBe(seoul("2026-12-01T09:00:00").toISOString()); // later today
    expect(next("2026-12-05T22:51:00")).toBe(seoul("2026-12-07T09:00:00").toISOString()); // Saturday night
    expect(next("2026-12-24T18:30:00")).toBe(seoul("2026-12-28T09:00:00").toISOString()); // Christmas, then the weekend
    expect(next("2026-12-31T18:00:00")).toBe(seoul("2027-01-04T09:00:00").toISOString()); // New Year's Day, then the weekend
    expect(next("2026-09-23T20:00:00")).toBe(seoul("2026-09-28T09:00:00").toISOString()); // Chuseok
  });
});

describe("reminders over a controllable clock", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let received: Awaited<ReturnType<typeof startSmtp>>["received"];
  let cycles: string[];
  let alice: { id: string; email: string };
  let bob: { id: string; email: string };
  let hrEmail: string;

  beforeAll(async () => {
    at("2026-01-02T09:00:00");
    smtp = await startSmtp();
    received = smtp.received;
    const world = await createWorld();
    alice = await createPerson(world.division.id, "CIVIL_SERVANT", "김수민");
    bob = await createPerson(world.division.id, "CIVIL_SERVANT", "이준호");
    hrEmail = (await createUser({ email: `hr-${uid()}@test.example`, roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] })).email;
    // Two obligations owed by the same people, both due on 31 December.
    const second = await createAnnualObligation(world, "두 번째 의무", "Second duty");
    cycles = [(await openTestCycle(world.obligation.id, undefined, 2026)).cycle.id, (await openTestCycle(second.id, undefined, 2026)).cycle.id];
  });

  afterAll(() => smtp.stop());

  const rowsFor = (email: string) => prisma.outboxEmail.findMany({ where: { toAddress: email }, orderBy: { createdAt: "asc" } });

  it("sends one digest per person across obligations, once, and nothing at night or at weekends", async () => {
    expect((await runReminderTick(at("2026-12-05T10:00:00"), cycles)).skipped).toBe("outside-window");
    expect((await runReminderTick(at("2026-11-20T10:00:00"), cycles)).reminders).toBe(0); // 41 days before: nothing yet
    const first = await runReminderTick(at("2026-12-02T10:00:00"), cycles); // within 30 days of the deadline
    expect(first.reminders).toBe(2);
    const again = await runReminderTick(at("2026-12-02T10:15:00"), cycles);
    expect(again.reminders).toBe(0);
    const digest = (await rowsFor(alice.email))[0]!;
    expect((digest.payload as { items: unknown[] }).items).toHaveLength(2);

    for (const id of await outboxIdsOf(first)) expect(await deliverOutbox(id)).toBe("sent");
    const mail = received.find((m) => m.text?.includes("김수민"))!;
    expect(mail.subject).toContain("2건");
    expect(mail.text).toContain("연간 인권교육");
    expect(mail.text).toContain("두 번째 의무");
  });

  it("skips stages a late tick has passed, stops for people who finished, and escalates once to the HR officer", async () => {
    // Bob finishes one of his two duties in mid-December; Alice does nothing.
    at("2026-12-15T10:00:00");
    const bobsFirst = await prisma.assignment.findFirstOrThrow({ where: { personId: bob.id, cycleId: cycles[0] } });
    await finishCourse(bob.id, bobsFirst.id);

    // First tick after the deadline: straight to the "deadline passed" stage, not the 7- and 1-day ones.
    expect((await runReminderTick(at("2027-01-01T10:00:00"), cycles)).skipped).toBe("outside-window"); // New Year's Day
    const late = await runReminderTick(at("2027-01-04T10:00:00"), cycles); // the first working day of 2027
    expect(late.reminders).toBe(2);
    const bobs = await rowsFor(bob.email);
    const items = (bobs[bobs.length - 1]!.payload as { items: Array<{ assignmentId: string; overdue: boolean }> }).items;
    expect(items.map((i) => i.assignmentId)).not.toContain(bobsFirst.id);
    expect(items.every((i) => i.overdue)).toBe(true);

    // A week later: a weekly overdue reminder, and the escalation digest (7 days) to the HR officer.
    const week = await runReminderTick(at("2027-01-08T10:00:00"), cycles);
    expect(week.reminders).toBe(2);
    expect(week.escalations).toBe(1);
    const hr = await rowsFor(hrEmail);
    expect(hr).toHaveLength(1);
    expect((hr[0]!.payload as { assignmentIds: string[] }).assignmentIds).toHaveLength(3);
    expect((await runReminderTick(at("2027-01-08T11:00:00"), cycles)).escalations).toBe(0);
    for (const id of await outboxIdsOf(week)) await deliverOutbox(id);
    expect(received.some((m) => m.subject?.includes("기한이 지난 미이수자 3명"))).toBe(true);

    // Weekly reminders are capped (4 by default): a year later nothing more is sent.
    await runReminderTick(at("2027-02-15T10:00:00"), cycles); // 8 February is Seollal
    expect((await runReminderTick(at("2027-12-08T10:00:00"), cycles)).reminders).toBe(0);
  });

  it("cancels a queued digest when the person finished before it was delivered", async () => {
    at("2027-12-09T10:00:00");
    const pending = await prisma.outboxEmail.findFirstOrThrow({ where: { toAddress: bob.email, status: "PENDING", template: "reminder-digest" } });
    const open = await prisma.assignment.findMany({ where: { personId: bob.id, status: { in: ["ASSIGNED", "IN_PROGRESS"] } } });
    for (const a of open) await finishCourse(bob.id, a.id);
    expect(await deliverOutbox(pending.id)).toBe("cancelled");
  });
});

describe("assignment notices", () => {
  it("are one message per person when several cycles open, and never repeat", async () => {
    const { createAssignmentNotices } = await import("./outbox.server");
    const world = await createWorld();
    const person = await createPerson(world.division.id, "CIVIL_SERVANT", "박지은");
    const second = await createAnnualObligation(world, "두 번째", "Second");
    const a = (await openTestCycle(world.obligation.id)).cycle.id;
    const b = (await openTestCycle(second.id)).cycle.id;
    const first = await createAssignmentNotices(a);
    expect(await createAssignmentNotices(b)).toEqual([]);
    expect(await createAssignmentNotices(a)).toEqual([]);
    const rows = await prisma.outboxEmail.findMany({ where: { toAddress: person.email } });
    expect(rows.map((r) => r.id)).toEqual(first);
    expect((rows[0]!.payload as { assignmentIds: string[] }).assignmentIds).toHaveLength(2);
  });
});

describe("notices owed", () => {
  it("are written by the tick for people a lost job never announced, once, in one message with everything they owe", async () => {
    const { createAssignmentNotices, createOwedNotices } = await import("./outbox.server");
    const world = await createWorld();
    const person = await createPerson(world.division.id, "CIVIL_SERVANT", "최민서");
    const second = await createAnnualObligation(world, "두 번째", "Second");
    // Both cycles opened while Redis was down: no job ever wrote their notices.
    const a = (await openTestCycle(world.obligation.id)).cycle.id;
    const b = (await openTestCycle(second.id)).cycle.id;
    const owed = await createOwedNotices([a, b]);
    expect(owed).toHaveLength(1);
    const [row] = await prisma.outboxEmail.findMany({ where: { id: { in: owed } } });
    expect(row).toMatchObject({ toAddress: person.email, template: "assignment-notice" });
    expect((row!.payload as { assignmentIds: string[] }).assignmentIds).toHaveLength(2);
    // The job, arriving late, and the next tick find nothing left to announce.
    expect(await createAssignmentNotices(a)).toEqual([]);
    expect(await createOwedNotices([a, b])).toEqual([]);
  });
});

describe("the reconciler", () => {
  it("re-queues rows a dead worker left in SENDING, but not a row being sent right now", async () => {
    const { pendingDeliveries } = await import("./reminders.server");
    const old = new Date(Date.now() - 3600_000);
    const make = (claimedAt: Date) =>
      prisma.outboxEmail.create({
        data: { dedupeKey: `test:${uid()}`, toAddress: `r-${uid()}@test.example`, template: "assignment-notice", locale: "ko", payload: {}, status: "SENDING", createdAt: old, claimedAt },
      });
    const stuck = await make(old);
    const busy = await make(new Date());
    const ids = await pendingDeliveries();
    expect(ids).toContain(stuck.id);
    expect(ids).not.toContain(busy.id);
    expect((await prisma.outboxEmail.findUniqueOrThrow({ where: { id: busy.id } })).status).toBe("SENDING");
  });
});
