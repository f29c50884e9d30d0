import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { renderTemplate } from "~/modules/notifications/templates.server";
import { action as requestAction, loader as requestLoader } from "~/routes/lecturers.request";
import { createUser, uid } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { storyClock } from "../../../test/clock";
import { createLectureRequest, type RequestInput } from "./requests.server";
import { facilityRequest } from "../../../test/lecturers";

const by = () => ({ userId: null, ip: `192.0.2.${Math.floor(Math.random() * 250)}-${uid()}`, locale: "ko" as const });

describe("asking for a lecture", () => {
  storyClock("2026-12-06T10:00:00");

  it("records the request with its acknowledgement in the outbox and an audit event", async () => {
    const input = facilityRequest();
    const result = await createLectureRequest(input, by());
    expect(result.ok).toBe(true);
    const id = (result as { id: string }).id;
    const row = await prisma.lectureRequest.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "RECEIVED", audienceSize: 40, durationMinutes: 120, district: "MAPO", orgUnitId: null, contactEmail: input.contactEmail });
    expect(row.preferredFrom.toISOString()).toBe("2026-12-14T00:00:00.000Z");
    const mail = await prisma.outboxEmail.findUniqueOrThrow({ where: { dedupeKey: `lecture-request-received:${id}` } });
    expect(mail.toAddress).toBe(input.contactEmail);
    const rendered = await renderTemplate(mail.template, mail.locale, mail.payload);
    expect(rendered?.text).toContain(input.organizationName);
    expect(await prisma.auditEvent.count({ where: { action: "lecture_request.create", entityId: id } })).toBe(1);
  });

  it.each([
    ["a window in the past", { from: "2026-12-01T09:00", to: "2026-12-01T18:00" }, "from", "past"],
    ["an end before the start", { from: "2026-12-14T09:00", to: "2026-12-13T18:00" }, "to", "endBeforeStart"],
    ["a window shorter than the lecture", { from: "2026-12-14T09:00", to: "2026-12-14T10:00", durationMinutes: "120" }, "to", "tooShort"],
    ["a date that does not exist", { from: "2026-02-30T09:00" }, "from", "invalid"],
    ["too few people", { audienceSize: "2" }, "audienceSize", "size"],
    ["too many people", { audienceSize: "5000" }, "audienceSize", "size"],
    ["a size that is no number", { audienceSize: "many" }, "audienceSize", "size"],
    ["a lecture too long", { durationMinutes: "900" }, "durationMinutes", "duration"],
    ["no contact name", { contactName: "  " }, "contactName", "required"],
    ["no contact address", { contactEmail: "" }, "contactEmail", "required"],
    ["a contact address that is none", { contactEmail: "not-an-address" }, "contactEmail", "email"],
    ["an unknown district", { district: "ATLANTIS" as RequestInput["district"] }, "district", "required"],
  ])("refuses %s", async (_name, overrides, field, code) => {
    const input = facilityRequest(overrides as Partial<RequestInput>);
    const result = await createLectureRequest(input, by());
    expect(result).toEqual({ ok: false, errors: expect.objectContaining({ [field]: code }) });
    expect(await prisma.lectureRequest.count({ where: { organizationName: input.organizationName } })).toBe(0);
  });

  it("throttles one contact address and one client address", async () => {
    const email = `busy-${uid()}@facility.example`;
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await createLectureRequest(facilityRequest({ contactEmail: email }), by()));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(results[3]).toEqual({ ok: false, throttled: true });
    const ip = `198.51.100.${uid()}`;
    const fromOne = [];
    for (let i = 0; i < 6; i++) fromOne.push((await createLectureRequest(facilityRequest(), { userId: null, ip, locale: "en" })).ok);
    expect(fromOne).toEqual([true, true, true, true, true, false]);
  });

  it("words each refusal on the page in both languages, and fills in a signed-in account", async () => {
    const bad = facilityRequest({ audienceSize: "0", from: "2026-12-14T09:00", to: "2026-12-14T09:30" });
    const fields = Object.entries(bad).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : [[k, String(v)] as [string, string]]));
    const ko = await respond(() => requestAction({ request: postForm("/lecturers/request", fields), params: {}, context: { ip: "203.0.113.9" } }));
    expect(ko.status).toBe(400);
    const body = (await ko.json()) as { fieldErrors: Record<string, string> };
    expect(body.fieldErrors.audienceSize).toBe("예상 인원은 5명에서 300명 사이여야 합니다.");
    expect(body.fieldErrors.to).toBe("희망 일정의 길이가 강의 시간보다 짧습니다.");
    const enRequest = postForm("/lecturers/request", fields);
    enRequest.headers.set("Cookie", "hre_lang=en");
    const en = (await (await respond(() => requestAction({ request: enRequest, params: {}, context: {} }))).json()) as { fieldErrors: Record<string, string> };
    expect(en.fieldErrors.audienceSize).toBe("The number of people must be between 5 and 300.");

    const user = await createUser();
    const cookie = await sessionCookieFor(user.id);
    const page = (await (await respond(() => requestLoader({ request: getRequest("/lecturers/request", cookie), params: {}, context: {} }))).json()) as { prefill: { contactEmail: string } };
    expect(page.prefill.contactEmail).toBe(user.email);
    const anonymous = (await (await respond(() => requestLoader({ request: getRequest("/lecturers/request"), params: {}, context: {} }))).json()) as { prefill: null };
    expect(anonymous.prefill).toBeNull();
  });
});
