import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { action as homeAction, loader as homeLoader } from "~/routes/_index";
import { action as academyAction, loader as academyLoader } from "~/routes/academy.notices";
import { createPerson, createUser, createWorld } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { storyClock } from "../../../test/clock";
import { listNotices, markNoticeRead, noticesFor, postNotice, withdrawNotice, type NoticeInput } from "./notices.server";

describe("academy notices", () => {
  // Early December 2026 in Seoul.
  storyClock("2026-12-05T10:00:00");
  let academyId: string;
  let academyCookie: string;
  let servant: { id: string; cookie: string };
  let facility: { id: string; cookie: string };
  let staffOnly: { id: string };

  const input = (over: Partial<NoticeInput> = {}): NoticeInput => ({
    titleKo: "연말 집합교육 안내",
    titleEn: "Year-end in-person sessions",
    bodyKo: "12월 집합교육 일정입니다.\n\n<script>alert(1)</script> 는 글자로만 보입니다.",
    bodyEn: "The December sessions.",
    audience: "ALL",
    staffCategories: [],
    showFrom: "2026-12-01",
    showUntil: "2026-12-31",
    ...over,
  });

  beforeAll(async () => {
    const world = await createWorld();
    const academy = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
    academyId = academy.id;
    academyCookie = await sessionCookieFor(academy.id);
    const s = await createUser({ personId: (await createPerson(world.division.id, "CIVIL_SERVANT", "공무원")).id });
    servant = { id: s.id, cookie: await sessionCookieFor(s.id) };
    const f = await createUser({ personId: (await createPerson(world.division.id, "WELFARE_FACILITY_STAFF", "시설 종사자")).id });
    facility = { id: f.id, cookie: await sessionCookieFor(f.id) };
    staffOnly = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
  });

  it("refuse a notice with missing or impossible fields, naming each, and write nothing", async () => {
    const before = await prisma.notice.count();
    const result = await postNotice(academyId, input({ titleKo: " ", bodyEn: "", audience: "CATEGORIES", showFrom: "2026-12-10", showUntil: "2026-12-09" }));
    expect(result).toEqual({ ok: false, errors: { titleKo: "length", bodyEn: "length", staffCategories: "none", showUntil: "beforeFrom" } });
    expect(await postNotice(academyId, input({ showFrom: "2026-11-01", showUntil: "2026-11-30" }))).toMatchObject({ errors: { showUntil: "past" } });
    expect(await postNotice(academyId, input({ showFrom: "2026-02-30" }))).toMatchObject({ errors: { showFrom: "invalid" } });
    expect(await postNotice(academyId, input({ showUntil: "2028-01-01" }))).toMatchObject({ errors: { showUntil: "tooLong" } });
    expect(await prisma.notice.count()).toBe(before);
  });

  it("show a notice for everyone to every account, and one for a staff category only to those learners", async () => {
    const all = await postNotice(academyId, input());
    const facilities = await postNotice(academyId, input({ titleKo: "복지시설 종사자 안내", titleEn: "For welfare facility staff", audience: "CATEGORIES", staffCategories: ["WELFARE_FACILITY_STAFF"] }));
    const later = await postNotice(academyId, input({ titleKo: "내년 안내", showFrom: "2027-01-02", showUntil: "2027-01-31" }));
    expect(all.ok && facilities.ok && later.ok).toBe(true);
    const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);
    const [a, f, l] = [all, facilities, later].map((r) => (r as { id: string }).id);
    expect(ids(await noticesFor(servant.id))).toContain(a);
    expect(ids(await noticesFor(servant.id))).not.toContain(f);
    expect(ids(await noticesFor(facility.id))).toEqual(expect.arrayContaining([a, f]));
    expect(ids(await noticesFor(staffOnly.id))).toContain(a);
    expect(ids(await noticesFor(staffOnly.id))).not.toContain(f);
    for (const u of [servant, facility]) expect(ids(await noticesFor(u.id))).not.toContain(l);

    // The text stays text: it is stored as typed and the page renders it as such.
    const shown = (await noticesFor(servant.id)).find((n) => n.id === a)!;
    expect(shown.bodyKo).toContain("<script>alert(1)</script>");
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "notice.post", entityId: f } });
    expect(audit.actorUserId).toBe(academyId);
    expect(audit.data).toMatchObject({ staffCategories: ["WELFARE_FACILITY_STAFF"], showFrom: "2026-12-01", showUntil: "2026-12-31" });
  });

  it("are marked read only by someone they are shown to; read ones leave home and are counted for the academy", async () => {
    const f = (await noticesFor(facility.id)).find((n) => n.titleEn === "For welfare facility staff")!;
    expect(await markNoticeRead(servant.id, f.id)).toBe(false);
    expect(await markNoticeRead(servant.id, "not-a-uuid")).toBe(false);

    const post = (cookie: string, fields: Record<string, string>) => respond(() => homeAction({ request: postForm("/?index", fields, cookie), params: {}, context: {} }));
    expect((await post(servant.cookie, { intent: "notice-read", noticeId: f.id })).status).toBe(404);
    const res = await post(facility.cookie, { intent: "notice-read", noticeId: f.id });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/?read=1");
    // A second click is no error.
    expect((await post(facility.cookie, { intent: "notice-read", noticeId: f.id })).status).toBe(302);

    const home = await (await respond(() => homeLoader({ request: getRequest("/", facility.cookie), params: {}, context: {} }))).json();
    expect(home.notices.map((n: { id: string }) => n.id)).not.toContain(f.id);
    expect(home.notices.length).toBeGreaterThan(0);
    expect((await listNotices()).find((n) => n.id === f.id)).toMatchObject({ reads: 1, state: "showing" });
  });

  it("can be withdrawn by the academy, audited, after which nobody sees it", async () => {
    const a = (await noticesFor(servant.id)).find((n) => n.titleEn === "Year-end in-person sessions")!;
    const post = (fields: Record<string, string>) => respond(() => academyAction({ request: postForm("/academy/notices", fields, academyCookie), params: {}, context: {} }));
    expect((await post({ intent: "withdraw", noticeId: a.id })).headers.get("Location")).toBe("/academy/notices?done=withdrawn");
    expect((await post({ intent: "withdraw", noticeId: a.id })).status).toBe(404);
    expect((await noticesFor(servant.id)).map((n) => n.id)).not.toContain(a.id);
    expect(await markNoticeRead(servant.id, a.id)).toBe(false);
    expect(await withdrawNotice(academyId, a.id)).toBe(false);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "notice.withdraw", entityId: a.id } });
    expect(audit.actorUserId).toBe(academyId);
    const list = await (await respond(() => academyLoader({ request: getRequest("/academy/notices", academyCookie), params: {}, context: {} }))).json();
    expect(list.notices.find((n: { id: string }) => n.id === a.id)).toMatchObject({ state: "withdrawn" });
  });

  it("are posted through the academy's form, a bad one coming back with field errors", async () => {
    const post = (fields: Array<[string, string]>) => respond(() => academyAction({ request: postForm("/academy/notices", fields, academyCookie), params: {}, context: {} }));
    const bad = await post([["intent", "post"], ["titleKo", "x"]]);
    expect(bad.status).toBe(400);
    expect((await bad.json()).fieldErrors).toMatchObject({ titleKo: expect.stringContaining("2자") });
    const good = await post([
      ["intent", "post"], ["titleKo", "교육기관 종사자 안내"], ["titleEn", "For educational staff"], ["bodyKo", "본문입니다."], ["bodyEn", "The text."],
      ["audience", "CATEGORIES"], ["staffCategories", "EDUCATIONAL_STAFF"], ["staffCategories", "WELFARE_FACILITY_STAFF"], ["showFrom", "2026-12-05"], ["showUntil", "2026-12-20"],
    ]);
    expect(good.headers.get("Location")).toBe("/academy/notices?done=posted");
    const row = await prisma.notice.findFirstOrThrow({ where: { titleEn: "For educational staff" } });
    expect(row.staffCategories.sort()).toEqual(["EDUCATIONAL_STAFF", "WELFARE_FACILITY_STAFF"]);
    // A learner cannot post.
    expect((await respond(() => academyAction({ request: postForm("/academy/notices", [["intent", "post"]], servant.cookie), params: {}, context: {} }))).status).toBe(403);
  });
});
