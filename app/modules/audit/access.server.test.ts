import { beforeAll, describe, expect, it } from "vitest";
import { action as downloadAction, loader as downloadLoader } from "~/routes/hr.download";
import { loader as csvLoader } from "~/routes/hr.export[.csv]";
import { loader as xlsxLoader } from "~/routes/hr.export[.xlsx]";
import { action as hrAction, loader as hrLoader } from "~/routes/hr._index";
import { loader as unitLoader } from "~/routes/hr.units.$unitId";
import { action as oversightAction, loader as oversightLoader } from "~/routes/hr.oversight";
import { loader as accessLogLoader } from "~/routes/admin.access-log";
import { loader as accessLogCsvLoader } from "~/routes/admin.access-log[.csv]";
import { prisma } from "~/utils/db.server";
import { createPerson, createUser, createWorld, openTestCycle, uid } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { storyClock } from "../../../test/clock";

describe("report access log: who, when, what and why", () => {
  // Late 2026: the annual cycle is open and 30 June is a past day to read as of.
  storyClock("2026-11-25T10:00:00");
  let world: Awaited<ReturnType<typeof createWorld>>;
  let cycleId: string;
  let hr: { id: string; email: string };
  let hrCookie: string;
  let otherCookie: string;
  let adminCookie: string;
  let learnerCookie: string;

  const exports = () => prisma.auditEvent.count({ where: { action: "report.export", actorUserId: hr.id } });
  const post = (fields: Record<string, string>, cookie = hrCookie) =>
    respond(() => downloadAction({ request: postForm("/hr/download", fields, cookie), params: {}, context: {} }));
  const csv = (path: string, cookie = hrCookie) => respond(() => csvLoader({ request: getRequest(path, cookie), params: {}, context: {} }));

  beforeAll(async () => {
    world = await createWorld();
    await createPerson(world.division.id, "CIVIL_SERVANT", "박지민");
    cycleId = (await openTestCycle(world.obligation.id)).cycle.id;
    hr = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }], email: `=hr-${uid()}@test.example` });
    await prisma.user.update({ where: { id: hr.id }, data: { displayName: "=정담당" } });
    hrCookie = await sessionCookieFor(hr.id);
    otherCookie = await sessionCookieFor((await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] })).id);
    adminCookie = await sessionCookieFor((await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] })).id);
    learnerCookie = await sessionCookieFor((await createUser({ personId: (await createPerson(world.division.id)).id })).id);
  });

  it("refuses a download without a valid purpose, says why, and records and exports nothing", async () => {
    const base = { report: "compliance", format: "csv", cycle: cycleId };
    for (const [fields, error] of [
      [base, "purpose-required"],
      [{ ...base, purpose: "CURIOSITY" }, "purpose-required"],
      [{ ...base, purpose: "OTHER" }, "note-required"],
      [{ ...base, purpose: "OTHER", purposeNote: " " }, "note-required"],
      [{ ...base, purpose: "AUDIT_REQUEST", purposeNote: "가".repeat(301) }, "note-too-long"],
    ] as const) {
      const res = await post(fields);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error });
    }
    expect(await exports()).toBe(0);
    // The file link without a recorded purpose sends the person to the form; nothing is exported.
    const bare = await csv(`/hr/export.csv?cycle=${cycleId}`);
    expect(bare.status).toBe(303);
    expect(bare.headers.get("Location")).toBe(`/hr/download?report=compliance&format=csv&cycle=${cycleId}`);
    expect(await exports()).toBe(0);
    // The form itself says which file it is for.
    const form = await respond(() => downloadLoader({ request: getRequest(bare.headers.get("Location")!, hrCookie), params: {}, context: {} }));
    expect(await form.json()).toMatchObject({ target: { report: "compliance", format: "csv", cycleId } });
  });

  it("records a download with its purpose and note, then serves the file to that person only, for a short while", async () => {
    const res = await post({ report: "compliance", format: "csv", cycle: cycleId, purpose: "OTHER", purposeNote: "국가인권위원회 자료 요청 (2026-41호)" });
    expect(res.status).toBe(303);
    const link = res.headers.get("Location")!;
    expect(link).toMatch(/^\/hr\/export\.csv\?access=\d+$/);
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: "report.export", actorUserId: hr.id }, orderBy: { id: "desc" } });
    expect(event).toMatchObject({ entityType: "cycle", entityId: cycleId, reason: "OTHER" });
    expect(event.data).toMatchObject({ report: "compliance", format: "csv", cycleId, note: "국가인권위원회 자료 요청 (2026-41호)", scope: [world.bureau.id] });

    const file = await csv(link);
    expect(file.status).toBe(200);
    expect(await file.text()).toContain("박지민");
    // Someone else holding the link is asked for their own purpose.
    expect((await csv(link, otherCookie)).status).toBe(303);
    // The same link for the other format is no good either.
    const xlsxLink = link.replace("export.csv", "export.xlsx");
    expect((await respond(() => xlsxLoader({ request: getRequest(xlsxLink, hrCookie), params: {}, context: {} }))).status).toBe(303);
    // An old link (a bookmark) leads back to the form.
    // (The log is append-only: the same download recorded an hour ago stands for a link kept that long.)
    const { id: _id, createdAt: _at, ...fields } = event;
    const earlier = await prisma.auditEvent.create({ data: { ...fields, data: fields.data ?? undefined, createdAt: new Date(Date.now() - 60 * 60_000) } });
    const old = await csv(link.replace(`access=${event.id}`, `access=${earlier.id}`));
    expect(old.status).toBe(303);
    expect(old.headers.get("Location")).toContain("/hr/download?");
    expect(await exports()).toBe(2);
  });

  it("carries the page's date into the file: the list as of that day, named so", async () => {
    // Not a real day: nothing to download.
    expect((await post({ report: "compliance", format: "csv", cycle: cycleId, asOf: "2026-02-30", purpose: "ROUTINE_MONITORING" })).status).toBe(404);
    const res = await post({ report: "compliance", format: "csv", cycle: cycleId, asOf: "2026-06-30", purpose: "ROUTINE_MONITORING" });
    expect(res.status).toBe(303);
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: "report.export", actorUserId: hr.id }, orderBy: { id: "desc" } });
    expect(event.data).toMatchObject({ cycleId, asOf: "2026-06-30" });
    const file = await csv(res.headers.get("Location")!);
    expect(file.status).toBe(200);
    expect(file.headers.get("Content-Disposition")).toContain("-as-of-2026-06-30.csv");
    // Assigned today, so nobody was on the list at the end of June.
    expect((await file.text()).split("\r\n").filter(Boolean)).toHaveLength(1);
  });

  it("records views with routine monitoring by default, or the purpose declared by a POST and carried by its id", async () => {
    await respond(() => hrLoader({ request: getRequest(`/hr?cycle=${cycleId}`, hrCookie), params: {}, context: {} }));
    const view = await prisma.auditEvent.findFirstOrThrow({ where: { action: "report.view", actorUserId: hr.id }, orderBy: { id: "desc" } });
    expect(view).toMatchObject({ reason: "ROUTINE_MONITORING", entityId: cycleId });

    // A purpose in a link is not taken: the view is logged as routine monitoring.
    await respond(() => hrLoader({ request: getRequest(`/hr?cycle=${cycleId}&purpose=AUDIT_REQUEST&purposeNote=x`, hrCookie), params: {}, context: {} }));
    expect(await prisma.auditEvent.findFirstOrThrow({ where: { action: "report.view", actorUserId: hr.id }, orderBy: { id: "desc" } })).toMatchObject({ reason: "ROUTINE_MONITORING" });

    // The page's form declares it: recorded, then the page is read with the declaration's id.
    const declare = (fields: Record<string, string>, cookie = hrCookie) =>
      respond(() => hrAction({ request: postForm("/hr", fields, cookie), params: {}, context: {} }));
    const before = await prisma.auditEvent.count({ where: { actorUserId: hr.id } });
    const refused = await declare({ cycle: cycleId, purpose: "OTHER" });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ purposeError: "note-required" });
    expect(await prisma.auditEvent.count({ where: { actorUserId: hr.id } })).toBe(before);
    const declared = await declare({ cycle: cycleId, asOf: "2026-06-30", purpose: "PERSONNEL_DECISION", purposeNote: "승진 심사 자료" });
    expect(declared.status).toBe(303);
    const location = new URL(declared.headers.get("Location")!, "http://x");
    expect(location.pathname).toBe("/hr");
    expect(location.searchParams.get("cycle")).toBe(cycleId);
    const access = location.searchParams.get("access")!;
    expect(access).toMatch(/^\d+$/);

    const drillPage = await respond(() =>
      unitLoader({ request: getRequest(`/hr/units/${world.division.id}?cycle=${cycleId}&asOf=2026-06-30&access=${access}`, hrCookie), params: { unitId: world.division.id }, context: {} }),
    );
    // Its links carry the day and the declaration on, so the next view is read and logged the same way.
    expect((await drillPage.json()).purposeQuery).toBe(`&asOf=2026-06-30&access=${access}`);
    const drill = await prisma.auditEvent.findFirstOrThrow({ where: { action: "report.view", actorUserId: hr.id }, orderBy: { id: "desc" } });
    expect(drill).toMatchObject({ reason: "PERSONNEL_DECISION" });
    expect(drill.data).toMatchObject({ report: "unit", unitId: world.division.id, note: "승진 심사 자료", access });

    // Someone else's declaration id is not theirs to use.
    await respond(() => hrLoader({ request: getRequest(`/hr?cycle=${cycleId}&access=${access}`, otherCookie), params: {}, context: {} }));
    expect(await prisma.auditEvent.findFirstOrThrow({ where: { action: "report.view" }, orderBy: { id: "desc" } })).toMatchObject({ reason: "ROUTINE_MONITORING" });

    // A download from the page goes with the declared purpose, without asking again.
    const file = await post({ report: "compliance", format: "csv", cycle: cycleId, asOf: "2026-06-30", access });
    expect(file.status).toBe(303);
    expect(await prisma.auditEvent.findFirstOrThrow({ where: { action: "report.export", actorUserId: hr.id }, orderBy: { id: "desc" } })).toMatchObject({ reason: "PERSONNEL_DECISION" });

    const oversightDeclared = await respond(() =>
      oversightAction({ request: postForm("/hr/oversight", { year: "2026", purpose: "OVERSIGHT_SUBMISSION" }, hrCookie), params: {}, context: {} }),
    );
    const oversightAccess = new URL(oversightDeclared.headers.get("Location")!, "http://x").searchParams.get("access");
    await respond(() => oversightLoader({ request: getRequest(`/hr/oversight?year=2026&access=${oversightAccess}`, hrCookie), params: {}, context: {} }));
    const oversight = await prisma.auditEvent.findFirstOrThrow({ where: { action: "report.view", actorUserId: hr.id }, orderBy: { id: "desc" } });
    expect(oversight).toMatchObject({ reason: "OVERSIGHT_SUBMISSION", entityType: "oversight_year", entityId: "2026" });
  });

  it("lists report access for system administrators: who, when in Seoul, what and why, newest first", async () => {
    const res = await respond(() => accessLogLoader({ request: getRequest(`/admin/access-log?person=${encodeURIComponent(hr.email)}`, adminCookie), params: {}, context: {} }));
    expect(res.status).toBe(200);
    const data = await res.json();
    const download = data.entries.find((e: { what: string; why: string }) => e.what === "내려받기" && e.why === "기타");
    expect(download).toMatchObject({
      who: "=정담당",
      email: hr.email,
      report: "이수 현황",
      format: "CSV",
      why: "기타",
      note: "국가인권위원회 자료 요청 (2026-41호)",
      unit: world.bureau.nameKo,
    });
    expect(download.cycle).toContain("2026");
    expect(download.cycle).not.toContain("기준");
    // A file of a past day says which day.
    expect(data.entries.find((e: { what: string; why: string }) => e.what === "내려받기" && e.why !== "기타").cycle).toContain("2026-06-30 기준");
    expect(download.when).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const drill = data.entries.find((e: { report: string }) => e.report === "조직별 대상자");
    expect(drill).toMatchObject({ what: "열람", why: "인사 관련 판단", unit: world.division.nameKo });
    // Newest first, and only this person.
    const ids = data.entries.map((e: { id: string }) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))).toEqual(ids);
    expect(data.entries.every((e: { email: string }) => e.email === hr.email)).toBe(true);
    // Reading the log is itself logged.
    expect(await prisma.auditEvent.count({ where: { action: "accesslog.view" } })).toBeGreaterThan(0);
  });

  it("pages through the log by keyset and filters by date in Seoul", async () => {
    const actor = await createUser({ email: `pager-${uid()}@test.example` });
    await prisma.auditEvent.createMany({
      data: Array.from({ length: 55 }, (_, i) => ({
        actorUserId: actor.id,
        action: "report.view",
        entityType: "cycle",
        entityId: cycleId,
        reason: "ROUTINE_MONITORING",
        createdAt: new Date(Date.UTC(2026, 2, 1, 15, i)), // 2 March 2026, 00:00 onwards in Seoul
      })),
    });
    const load = async (q: string) => (await respond(() => accessLogLoader({ request: getRequest(`/admin/access-log?${q}`, adminCookie), params: {}, context: {} }))).json();
    const first = await load(`person=${actor.email}`);
    expect(first.entries).toHaveLength(50);
    expect(first.older).toBeTruthy();
    const second = await load(first.older.slice(1));
    expect(second.entries).toHaveLength(5);
    expect(second.older).toBeNull();
    expect(second.newest).toBe(`?person=${encodeURIComponent(actor.email)}`);
    expect(new Set([...first.entries, ...second.entries].map((e: { id: string }) => e.id)).size).toBe(55);
    // Seoul days: 1 March (Seoul) has none of them, 2 March all.
    expect((await load(`person=${actor.email}&from=2026-03-01&to=2026-03-01`)).entries).toHaveLength(0);
    expect((await load(`person=${actor.email}&from=2026-03-02&to=2026-03-02`)).entries).toHaveLength(50);
    expect(second.entries.at(-1).when).toBe("2026-03-02 00:00:00");
    const bad = await respond(() => accessLogLoader({ request: getRequest("/admin/access-log?from=02-03-2026", adminCookie), params: {}, context: {} }));
    expect(bad.status).toBe(400);
    // A day that does not exist is refused, not rolled over into March.
    const unreal = await respond(() => accessLogLoader({ request: getRequest("/admin/access-log?to=2026-02-30", adminCookie), params: {}, context: {} }));
    expect(unreal.status).toBe(400);
  });

  it("downloads the log as CSV with a byte order mark and formulas neutralised, and logs that too", async () => {
    const res = await respond(() => accessLogCsvLoader({ request: getRequest(`/admin/access-log.csv?person=${encodeURIComponent(hr.email)}`, adminCookie), params: {}, context: {} }));
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.subarray(3));
    expect(text.split("\r\n")[0]).toBe('"일시 (KST)","사람","이메일","행위","보고서","교육 주기·연도","형식","조직","목적","목적 설명"');
    expect(text).toContain(`"'=정담당","'${hr.email}","내려받기","이수 현황"`);
    expect(text).toContain('"기타","국가인권위원회 자료 요청 (2026-41호)"');
    expect(await prisma.auditEvent.count({ where: { action: "accesslog.export" } })).toBeGreaterThan(0);
  });

  it("is for system administrators only", async () => {
    for (const cookie of [hrCookie, learnerCookie]) {
      expect((await respond(() => accessLogLoader({ request: getRequest("/admin/access-log", cookie), params: {}, context: {} }))).status).toBe(403);
      expect((await respond(() => accessLogCsvLoader({ request: getRequest("/admin/access-log.csv", cookie), params: {}, context: {} }))).status).toBe(403);
    }
    // Learners cannot record or fetch downloads either.
    expect((await post({ report: "compliance", format: "csv", cycle: cycleId, purpose: "ROUTINE_MONITORING" }, learnerCookie)).status).toBe(403);
  });
});
