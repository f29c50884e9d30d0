import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { action, loader } from "~/routes/hr.units.$unitId";
import { createPerson, createUser, createWorld, openTestCycle } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { startSmtp } from "../../../test/smtp";
import { at } from "../../../test/clock";
import { deliverOutbox } from "./outbox.server";
import { renderTemplate } from "./templates.server";

describe("reminders an HR officer sends from a unit's people", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let world: Awaited<ReturnType<typeof createWorld>>;
  let cycleId: string;
  let hrCookie: string;
  let outsiderCookie: string;
  let stranger: { id: string; email: string };
  const ids: Record<"open" | "done" | "other", { person: string; email: string; assignment: string }> = {} as never;

  beforeAll(async () => {
    at("2026-10-06T10:00:00"); // a Tuesday, in the sending hours
    smtp = await startSmtp();
    world = await createWorld();
    const people = [];
    for (const [key, name] of [["open", "박지원"], ["done", "최서연"], ["other", "정하늘"]] as const) people.push({ key, p: await createPerson(world.division.id, "CIVIL_SERVANT", name) });
    stranger = await createPerson(world.otherBureau.id, "CIVIL_SERVANT", "외부인");
    const { cycle } = await openTestCycle(world.obligation.id, undefined, 2026);
    cycleId = cycle.id;
    for (const { key, p } of people) {
      const a = await prisma.assignment.findFirstOrThrow({ where: { personId: p.id, cycleId } });
      ids[key] = { person: p.id, email: p.email, assignment: a.id };
    }
    await prisma.assignment.update({ where: { id: ids.done.assignment }, data: { status: "COMPLETED", completedAt: new Date(), completionMode: "ONLINE" } });
    const officer = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    await prisma.user.update({ where: { id: officer.id }, data: { displayName: "인사팀 김담당" } });
    hrCookie = await sessionCookieFor(officer.id);
    outsiderCookie = await sessionCookieFor((await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.otherBureau.id }] })).id);
  });

  afterAll(() => smtp.stop());

  const post = (fields: Array<[string, string]>, cookie = hrCookie) =>
    respond(() => action({ request: postForm(`/hr/units/${world.division.id}?cycle=${cycleId}`, fields, cookie), params: { unitId: world.division.id }, context: {} }));
  const outbox = (email: string) => prisma.outboxEmail.findMany({ where: { toAddress: email, template: "hr-reminder" } });

  it("are out of reach for officers of other units, and need someone picked", async () => {
    expect((await post([["intent", "remind-pending"]], outsiderCookie)).status).toBe(404);
    const none = await post([["intent", "remind-picked"]]);
    expect(none.status).toBe(400);
    expect((await none.json()).formError).toContain("선택");
    expect(await outbox(ids.open.email)).toHaveLength(0);
  });

  it("go to the people picked who are not done, and tell the officer who was left out and why", async () => {
    const res = await post([["intent", "remind-picked"], ["assignmentId", ids.open.assignment], ["assignmentId", ids.done.assignment]]);
    expect(res.status).toBe(200);
    expect((await res.json()).outcome).toEqual({ queued: 1, finished: 1, recent: 0, unknown: 0 });
    const rows = await outbox(ids.open.email);
    expect(rows).toHaveLength(1);
    expect(await outbox(ids.done.email)).toHaveLength(0);
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: "assignment.remind", entityId: world.division.id } });
    expect(event.data).toMatchObject({ cycleId, queued: 1, finished: 1 });

    // The message names the officer and the duty, and arrives once.
    const mail = await renderTemplate("hr-reminder", "ko", rows[0]!.payload);
    expect(mail?.text).toContain("인사팀 김담당");
    expect(await deliverOutbox(rows[0]!.id)).toBe("sent");
    expect(smtp.received.filter((m) => m.text?.includes("박지원"))).toHaveLength(1);
  });

  it("are not sent twice to one person within HR_REMINDER_MIN_DAYS, whoever asks", async () => {
    const again = await (await post([["intent", "remind-picked"], ["assignmentId", ids.open.assignment]])).json();
    expect(again.outcome).toEqual({ queued: 0, finished: 0, recent: 1, unknown: 0 });
    // Everyone not done: the one reminded a moment ago is left out, the other is reminded.
    const all = await (await post([["intent", "remind-pending"]])).json();
    expect(all.outcome).toEqual({ queued: 1, finished: 0, recent: 1, unknown: 0 });
    expect(await outbox(ids.open.email)).toHaveLength(1);
    expect(await outbox(ids.other.email)).toHaveLength(1);

    at("2026-10-14T10:00:00"); // eight days later
    const later = await (await post([["intent", "remind-picked"], ["assignmentId", ids.open.assignment]])).json();
    expect(later.outcome).toEqual({ queued: 1, finished: 0, recent: 0, unknown: 0 });
  });

  it("ignore assignments of other units, and say nothing of them", async () => {
    const theirs = await prisma.assignment.findFirstOrThrow({ where: { personId: stranger.id, cycleId } });
    const res = await (await post([["intent", "remind-picked"], ["assignmentId", theirs.id]])).json();
    expect(res.outcome).toEqual({ queued: 0, finished: 0, recent: 0, unknown: 1 });
    expect(await outbox(stranger.email)).toHaveLength(0);
  });

  it("are not written for someone who finished after being reminded", async () => {
    const row = (await outbox(ids.other.email))[0]!;
    await prisma.assignment.update({ where: { id: ids.other.assignment }, data: { status: "COMPLETED", completedAt: new Date(), completionMode: "ONLINE" } });
    expect(await renderTemplate("hr-reminder", "ko", row.payload)).toBeNull();
  });

  it("offer the check boxes only for people not done, on today's view", async () => {
    const page = await (await respond(() => loader({ request: getRequest(`/hr/units/${world.division.id}?cycle=${cycleId}&show=all`, hrCookie), params: { unitId: world.division.id }, context: {} }))).json();
    expect(page.canRemind).toBe(true);
    const past = await (await respond(() => loader({ request: getRequest(`/hr/units/${world.division.id}?cycle=${cycleId}&asOf=2026-06-30`, hrCookie), params: { unitId: world.division.id }, context: {} }))).json();
    expect(past.canRemind).toBe(false);
  });
});
