import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { action, loader } from "~/routes/hr.assignments.$assignmentId";
import { loader as evidenceLoader } from "~/routes/hr.assignments.$assignmentId.equivalent-evidence";
import { complianceCsvStream, unitCompliance } from "~/modules/compliance/compliance.server";
import { oversightReturn } from "~/modules/reporting/oversight.server";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { parseCsv } from "~/utils/csv-parse";
import { translator } from "~/utils/i18n";
import { createPerson, createUser, createWorld, openTestCycle } from "../../../test/factories";
import { getRequest, postFile, postForm, respond, sessionCookieFor } from "../../../test/http";
import { storyClock } from "../../../test/clock";
import { parseHours } from "./equivalents.server";

const PDF = new TextEncoder().encode("%PDF-1.4\n% certificate of completion\n%%EOF\n");

describe("equivalent training recognised by an HR officer", () => {
  // Late November 2026: the 2026 cycle is open, a course taken in October lies within it.
  storyClock("2026-11-25T10:00:00");
  let world: Awaited<ReturnType<typeof createWorld>>;
  let hrCookie: string;
  let outsiderCookie: string;
  let hr: Actor;
  let assignmentId: string;
  let cycleId: string;
  let officerId: string;

  beforeAll(async () => {
    world = await createWorld();
    const person = await createPerson(world.division.id, "CIVIL_SERVANT", "인권위수강자");
    cycleId = (await openTestCycle(world.obligation.id, undefined, 2026)).cycle.id;
    assignmentId = (await prisma.assignment.findFirstOrThrow({ where: { personId: person.id, cycleId } })).id;
    const officer = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    officerId = officer.id;
    hrCookie = await sessionCookieFor(officer.id);
    hr = await loadActor((await getCurrentSession(getRequest("/", hrCookie)))!);
    outsiderCookie = await sessionCookieFor((await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.otherBureau.id }] })).id);
  });

  const fields = (over: Record<string, string> = {}) => ({
    intent: "equivalent",
    courseName: "인권의 이해 (이러닝)",
    provider: "국가인권위원회 인권교육센터",
    completedOn: "2026-10-14",
    hours: "2",
    recognitionReason: "같은 주제의 국가인권위원회 교육 이수",
    ...over,
  });
  const post = async (over: Record<string, string> = {}, file: { name: string; bytes: Uint8Array } | null = { name: "수료증.pdf", bytes: PDF }, cookie = hrCookie) => {
    const request = file
      ? await postFile("/x", "evidence", file.name, file.bytes, cookie, fields(over))
      : postForm("/x", fields(over), cookie);
    return respond(() => action({ request, params: { assignmentId }, context: {} }));
  };
  const state = () => prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } });

  async function refused(over: Record<string, string>, file: { name: string; bytes: Uint8Array } | null, ko: string, en: string, status = 400) {
    const before = { files: await prisma.evidenceFile.count(), rows: await prisma.equivalentTraining.count(), status: (await state()).status };
    const res = await post(over, file);
    expect(res.status).toBe(status);
    expect((await res.json()).equivalent.message).toContain(ko);
    // The same refusal in English, for an officer who reads English.
    await prisma.user.update({ where: { id: officerId }, data: { locale: "en" } });
    const resEn = await post(over, file);
    await prisma.user.update({ where: { id: officerId }, data: { locale: "ko" } });
    expect((await resEn.json()).equivalent.message).toContain(en);
    expect({ files: await prisma.evidenceFile.count(), rows: await prisma.equivalentTraining.count(), status: (await state()).status }).toEqual(before);
  }

  it("reads hours in steps of half an hour", () => {
    expect(parseHours("2")).toBe(120);
    expect(parseHours("1,5")).toBe(90);
    expect(parseHours("0.25")).toBeNull();
    expect(parseHours("0")).toBeNull();
    expect(parseHours("abc")).toBeNull();
  });

  it("refuse bad input with a message in Korean and English, and change nothing", async () => {
    await refused({}, null, "이수증 파일을 첨부하세요", "Attach the certificate of completion");
    await refused({}, { name: "수료증.pdf", bytes: new TextEncoder().encode("<html>not a pdf</html>") }, "PDF, JPEG 또는 PNG", "PDF, JPEG or PNG");
    await refused({ completedOn: "2025-12-31" }, undefined as never, "이 교육 주기(2026-01-01~2026-12-31) 밖", "outside this cycle (2026-01-01 to 2026-12-31)");
    await refused({ completedOn: "2026-11-30" }, undefined as never, "오늘 이후일 수 없습니다", "cannot be in the future");
    await refused({ completedOn: "14/10/2026" }, undefined as never, "YYYY-MM-DD", "YYYY-MM-DD");
    await refused({ hours: "0" }, undefined as never, "0.5시간", "0.5 to 100");
    await refused({ courseName: "" }, undefined as never, "교육명", "course name");
    await refused({ recognitionReason: "짧음" }, undefined as never, "사유", "reason");
  });

  it("are out of reach for officers of other units", async () => {
    expect((await post({}, undefined, outsiderCookie)).status).toBe(404);
    expect((await respond(() => evidenceLoader({ request: getRequest("/x", outsiderCookie), params: { assignmentId }, context: {} }))).status).toBe(404);
    expect((await state()).status).toBe("ASSIGNED");
  });

  it("complete the duty as an equivalent course, count as completed in every report, and keep the proof", async () => {
    expect((await post()).status).toBe(302);
    const a = await state();
    expect(a).toMatchObject({ status: "COMPLETED", completionMode: "EQUIVALENT" });
    // Completed on the day of the course (18:00 in Seoul).
    expect(a.completedAt!.toISOString()).toBe("2026-10-14T09:00:00.000Z");

    const units = await unitCompliance(hr, cycleId);
    expect(units.find((u) => u.unitId === world.division.id)).toMatchObject({ assigned: 1, completed: 1, inPerson: 0, ratePercent: 100 });

    const t = translator("ko");
    const csv = parseCsv((await new Response(complianceCsvStream(hr, cycleId, "ko", t)).text()).replace(/^\uFEFF/, "")).slice(1);
    const row = csv.find((r) => r.cells[1] === "인권위수강자")!;
    expect([row.cells[6], row.cells[9]]).toEqual([t("status.COMPLETED"), "동등 교육 인정"]);
    const tEn = translator("en");
    const csvEn = parseCsv((await new Response(complianceCsvStream(hr, cycleId, "en", tEn)).text()).replace(/^\uFEFF/, "")).slice(1);
    expect(csvEn.find((r) => r.cells[1] === "인권위수강자")!.cells[9]).toBe("Equivalent course");

    // The oversight return: completed, and not counted as taught in person.
    const ret = await oversightReturn(hr, 2026);
    const cycle = ret.institutions.flatMap((i) => i.cycles).find((c) => c.cycleId === cycleId)!;
    expect(cycle.total).toMatchObject({ completed: 1, inPerson: 0, inPersonSharePercent: 0 });

    const page = await (await respond(() => loader({ request: getRequest("/x", hrCookie), params: { assignmentId }, context: {} }))).json();
    expect(page.equivalent).toMatchObject({ courseName: "인권의 이해 (이러닝)", provider: "국가인권위원회 인권교육센터", minutes: 120 });
    expect(page.history[0]).toMatchObject({ action: "assignment.equivalent", reason: "같은 주제의 국가인권위원회 교육 이수", by: "테스트 사용자" });

    const file = await respond(() => evidenceLoader({ request: getRequest("/x", hrCookie), params: { assignmentId }, context: {} }));
    expect(file.status).toBe(200);
    expect(file.headers.get("Content-Type")).toBe("application/pdf");
    expect(file.headers.get("Content-Disposition")).toBe(`attachment; filename="equivalent-2026-10-14-${assignmentId.slice(0, 8)}.pdf"`);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(PDF);
    expect(await prisma.auditEvent.count({ where: { action: "evidence.download", entityType: "equivalent_training" } })).toBeGreaterThan(0);
  });

  it("refuse a duty already completed, and nothing is added", async () => {
    await refused({}, undefined as never, "이미 이수했거나 면제된", "already completed or exempted", 409);
  });

  it("can be withdrawn with a reason: the duty is owed again and the record stays", async () => {
    const short = await respond(() => action({ request: postForm("/x", { intent: "withdraw-equivalent", reason: "x" }, hrCookie), params: { assignmentId }, context: {} }));
    expect(short.status).toBe(400);
    expect((await state()).status).toBe("COMPLETED");

    const res = await respond(() => action({ request: postForm("/x", { intent: "withdraw-equivalent", reason: "다른 과정의 이수증이었음" }, hrCookie), params: { assignmentId }, context: {} }));
    expect(res.status).toBe(302);
    expect(await state()).toMatchObject({ status: "ASSIGNED", completionMode: null, completedAt: null });
    const rows = await prisma.equivalentTraining.findMany({ where: { assignmentId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ withdrawReason: "다른 과정의 이수증이었음" });
    expect(rows[0]!.withdrawnAt).not.toBeNull();
    const units = await unitCompliance(hr, cycleId);
    expect(units.find((u) => u.unitId === world.division.id)).toMatchObject({ completed: 0 });
    const page = await (await respond(() => loader({ request: getRequest("/x", hrCookie), params: { assignmentId }, context: {} }))).json();
    expect(page.history.map((h: { action: string }) => h.action).slice(0, 2)).toEqual(["assignment.equivalent.withdraw", "assignment.equivalent"]);

    const again = await respond(() => action({ request: postForm("/x", { intent: "withdraw-equivalent", reason: "두 번째 취소 시도" }, hrCookie), params: { assignmentId }, context: {} }));
    expect(again.status).toBe(409);
  });
});
