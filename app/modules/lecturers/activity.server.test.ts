import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { loader as csvLoader } from "~/routes/academy.lecturers.activity[.csv]";
import { loader as activityLoader } from "~/routes/lecturer.activity";
import { createPerson, createUnit, createUser, uid } from "../../../test/factories";
import { action as downloadAction } from "~/routes/hr.download";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { storyClock } from "../../../test/clock";
import { createAppointedLecturer } from "../../../test/lecturers";

/** A class the lecturer taught (its roll closed unless said), with feedback answers given. */
async function taughtClass(lecturerUserId: string, startsAt: string, minutes: number, opts: { closed?: boolean; cancelled?: boolean; answers?: Array<[number, number, number]> } = {}) {
  const start = new Date(`${startsAt}+09:00`);
  const o = await prisma.offering.create({
    data: {
      seriesId: lecturerUserId,
      titleKo: `강의 ${uid()}`,
      titleEn: "A lecture",
      topic: "GENERAL",
      format: "IN_PERSON",
      startsAt: start,
      endsAt: new Date(start.getTime() + minutes * 60_000),
      place: "복지관",
      district: "MAPO",
      capacity: 30,
      audience: "PUBLIC",
      lecturerUserIds: [lecturerUserId],
      registrationClosesAt: start,
      cancellationClosesAt: start,
      createdById: lecturerUserId,
      status: opts.cancelled ? "CANCELLED" : "SCHEDULED",
      rollClosedAt: opts.closed === false ? null : new Date(start.getTime() + minutes * 60_000),
    },
  });
  const unit = await createUnit("DIVISION");
  for (const [s, u, a] of opts.answers ?? []) {
    const p = await createPerson(unit.id, "CIVIL_SERVANT", "참여자");
    const r = await prisma.offeringRegistration.create({ data: { offeringId: o.id, personId: p.id, status: "CONFIRMED", queuedAt: start, registeredById: p.id } });
    await prisma.offeringFeedback.create({ data: { offeringId: o.id, registrationId: r.id, satisfaction: s, usefulness: u, accessibility: a, submittedAt: start } });
  }
  return o;
}

describe("a lecturer's activity and the academy's monthly statement", () => {
  storyClock("2026-12-06T10:00:00");

  it("shows the lecturer's upcoming classes, feedback means, hours this year and months", async () => {
    const me = await createAppointedLecturer();
    const other = await createAppointedLecturer();
    await taughtClass(me.user.id, "2026-03-10T10:00:00", 120, { answers: [[5, 4, 3], [4, 4, 5]] });
    await taughtClass(me.user.id, "2026-03-20T14:00:00", 90);
    await taughtClass(me.user.id, "2026-07-01T10:00:00", 60, { answers: [[3, 1, 4]] });
    await taughtClass(me.user.id, "2026-08-01T10:00:00", 60, { closed: false, cancelled: true });
    await taughtClass(me.user.id, "2025-11-01T10:00:00", 60);
    await taughtClass(other.user.id, "2026-03-10T10:00:00", 120, { answers: [[1, 1, 1]] });
    const next = await taughtClass(me.user.id, "2026-12-15T10:00:00", 120, { closed: false });

    const cookie = await sessionCookieFor(me.user.id);
    const page = (await (await respond(() => activityLoader({ request: getRequest("/lecturer/activity", cookie), params: {}, context: {} }))).json()) as {
      year: number;
      upcoming: Array<{ id: string }>;
      feedback: { answers: number; satisfaction: number | null; usefulness: number | null; accessibility: number | null };
      months: Array<{ month: number; lectures: number; minutes: number }>;
      total: { lectures: number; minutes: number };
    };
    expect(page.year).toBe(2026);
    expect(page.upcoming.map((o) => o.id)).toEqual([next.id]);
    // Three answers: counted, but no means, as the lecturer knows who came.
    expect(page.feedback).toEqual({ answers: 3, satisfaction: null, usefulness: null, accessibility: null });
    expect(page.months).toHaveLength(12);
    expect(page.months[2]).toEqual({ month: 3, lectures: 2, minutes: 210 });
    expect(page.months[6]).toEqual({ month: 7, lectures: 1, minutes: 60 });
    expect(page.months[7]).toEqual({ month: 8, lectures: 0, minutes: 0 });
    expect(page.total).toEqual({ lectures: 3, minutes: 270 });
    const learner = await sessionCookieFor((await createUser()).id);
    expect((await respond(() => activityLoader({ request: getRequest("/lecturer/activity", learner), params: {}, context: {} }))).status).toBe(403);
  });

  it("shows the means of the answers from five answers on", async () => {
    const me = await createAppointedLecturer();
    await taughtClass(me.user.id, "2026-04-10T10:00:00", 120, { answers: [[5, 4, 3], [4, 4, 5], [3, 2, 4]] });
    await taughtClass(me.user.id, "2026-05-10T10:00:00", 60, { answers: [[4, 4, 4], [4, 1, 4]] });
    const cookie = await sessionCookieFor(me.user.id);
    const page = (await (await respond(() => activityLoader({ request: getRequest("/lecturer/activity", cookie), params: {}, context: {} }))).json()) as {
      feedback: { answers: number; satisfaction: number; usefulness: number; accessibility: number };
    };
    expect(page.feedback.answers).toBe(5);
    expect(page.feedback.satisfaction).toBeCloseTo(4);
    expect(page.feedback.usefulness).toBeCloseTo(3);
    expect(page.feedback.accessibility).toBeCloseTo(4);
  });

  it("exports one row per appointed lecturer and month, formulas neutralised, for the academy only", async () => {
    const sly = await createAppointedLecturer({ name: `=HYPERLINK("http://evil.example") ${uid()}` });
    await taughtClass(sly.user.id, "2026-03-10T10:00:00", 90);
    await taughtClass(sly.user.id, "2026-03-11T10:00:00", 120);
    const academy = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
    const cookie = await sessionCookieFor(academy.id);
    // The file names people: without a recorded purpose, the form that asks why (ADR 009).
    const unasked = await respond(() => csvLoader({ request: getRequest("/academy/lecturers/activity.csv?year=2026", cookie), params: {}, context: {} }));
    expect([unasked.status, unasked.headers.get("Location")]).toEqual([303, "/hr/download?report=lecturerActivity&format=csv&year=2026"]);
    const download = async (year: number, as = cookie) => {
      const posted = await respond(() =>
        downloadAction({ request: postForm("/hr/download", { report: "lecturerActivity", format: "csv", year: String(year), purpose: "AUDIT_REQUEST" }, as), params: {}, context: {} }),
      );
      if (posted.status !== 303) return posted;
      const location = posted.headers.get("Location")!;
      expect(location).toMatch(/^\/academy\/lecturers\/activity\.csv\?access=\d+$/);
      return respond(() => csvLoader({ request: getRequest(location, as), params: {}, context: {} }));
    };
    const res = await download(2026);
    expect(res.status).toBe(200);
    const logged = await prisma.auditEvent.findFirstOrThrow({ where: { actorUserId: academy.id, action: "report.export" }, orderBy: { id: "desc" } });
    expect([logged.entityType, logged.entityId, logged.reason]).toEqual(["lecturer_activity_year", "2026", "AUDIT_REQUEST"]);
    expect(res.headers.get("Content-Disposition")).toContain("lecturer-activity-2026.csv");
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.startsWith("\uFEFF\"연도\",\"월\",\"위촉 번호\"")).toBe(true);
    const mine = text.split("\r\n").filter((l) => l.includes(sly.person.email));
    expect(mine).toHaveLength(12);
    expect(mine[2]).toContain(`"2026","3",`);
    expect(mine[2]).toContain(`"'=HYPERLINK(""http://evil.example"")`);
    expect(mine[2]!.endsWith(`"2","210","3.5"`)).toBe(true);
    expect(mine[0]!.endsWith(`"0","0","0"`)).toBe(true);
    // A year outside the lecturer's term has no rows for them.
    const before = await (await download(2020)).text();
    expect(before).not.toContain(sly.person.email);
    const lecturerCookie = await sessionCookieFor(sly.user.id);
    expect((await respond(() => csvLoader({ request: getRequest("/academy/lecturers/activity.csv?year=2026", lecturerCookie), params: {}, context: {} }))).status).toBe(403);
    // An HR officer may not ask for it either.
    const hr = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: (await createUnit("CITY")).id }] });
    expect((await download(2026, await sessionCookieFor(hr.id))).status).toBe(403);
  });
});
