import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { register } from "~/modules/offerings/registration.server";
import { createPerson, createUnit, createUser, TEST_PASSWORD, uid } from "../factories";
import { storyClock } from "../clock";
import { createAppointedLecturer } from "../lecturers";
import { launchChromium, phonePage, signIn, startApp } from "./app-server";
import { expectReflowAndAccessible } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens-lecture-requests");

describe("end to end: a facility asks for a lecture, the academy offers it, the lecturer accepts, the class is scheduled", { timeout: 240_000 }, () => {
  // A Monday morning; the facility asks for a day in the week after.
  storyClock("2026-12-07T10:00:00");
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let academyEmail: string;
  let lecturer: Awaited<ReturnType<typeof createAppointedLecturer>>;
  const organisation = `햇살장애인복지관 ${uid()}`;
  const lecturerName = `정강사 ${uid()}`;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    academyEmail = (await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).email;
    lecturer = await createAppointedLecturer({ name: lecturerName, fields: ["DISABILITY"], districts: ["MAPO"] });
    app = await startApp();
    browser = await launchChromium();
    ({ context, page } = await phonePage(browser, app.origin));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  /** Nothing scrolls sideways at a phone's width or at 200% zoom; axe at 375 px. */
  const look = (name: string) => expectReflowAndAccessible(page, SHOTS, name);

  async function signInAs(email: string) {
    await context.clearCookies();
    await signIn(page, email, TEST_PASSWORD);
  }

  it("a welfare facility asks for a lecture without signing in, after a refused first try", async () => {
    await context.clearCookies();
    await page.goto("/lecturers/request");
    await page.locator("h1", { hasText: "시민인권강사 강의 신청" }).waitFor();
    await look("01-form");
    await page.getByLabel("기관·단체 이름").fill(organisation);
    await page.getByLabel("기관 유형").selectOption("FACILITY");
    await page.getByLabel("담당자 이름").fill("김담당");
    await page.getByLabel("담당자 메일").fill("contact@sunshine.example");
    await page.getByLabel("주제").selectOption("DISABILITY");
    await page.getByLabel("필요한 강사 전문 분야").selectOption("DISABILITY");
    await page.getByLabel("대상 (누가 듣나요?)").fill("복지관 이용자와 종사자");
    await page.getByLabel("예상 인원").fill("30");
    await page.getByLabel("가장 이른 시작").fill("2026-12-14T09:00");
    await page.getByLabel("가장 늦은 종료").fill("2026-12-13T18:00");
    await page.getByLabel("강의 시간 (분)").fill("120");
    await page.getByLabel("장소 (주소)").fill("서울 마포구 월드컵로 10, 2층 강당");
    await page.getByLabel("자치구").selectOption("MAPO");
    await page.getByRole("checkbox", { name: "수어 통역" }).check();
    await page.getByRole("button", { name: "강의 신청" }).click();
    await page.getByRole("alert").filter({ hasText: "입력한 내용을 확인하세요." }).waitFor();
    await page.getByText("가장 늦은 종료가 가장 이른 시작보다 뒤여야 합니다.").waitFor();
    expect(await page.getByLabel("가장 늦은 종료").getAttribute("aria-invalid")).toBe("true");
    await look("02-refused");
    await page.getByLabel("가장 늦은 종료").fill("2026-12-18T18:00");
    await page.getByRole("button", { name: "강의 신청" }).click();
    await page.getByRole("status").filter({ hasText: "강의 신청을 접수했습니다." }).waitFor();
    const request = await prisma.lectureRequest.findFirstOrThrow({ where: { organizationName: organisation } });
    expect(request).toMatchObject({ status: "RECEIVED", audienceSize: 30, accessibilityNeeds: ["SIGN_LANGUAGE"] });
    expect(await prisma.outboxEmail.count({ where: { dedupeKey: `lecture-request-received:${request.id}`, toAddress: "contact@sunshine.example" } })).toBe(1);
  });

  it("the academy ranks the lecturers for a time and offers the lecture to one", async () => {
    await signInAs(academyEmail);
    await page.goto("/academy/lecture-requests?status=RECEIVED");
    await look("03-requests");
    await page.getByRole("link", { name: `${organisation} 신청 열기` }).click();
    await page.locator("h1", { hasText: organisation }).waitFor();
    await page.getByLabel("시작 시각").fill("2026-12-15T14:00");
    await page.getByRole("button", { name: "이 시각에 맞는 강사 보기" }).click();
    await page.waitForURL(/start=2026-12-15T14/);
    await look("04-ranked");
    await page.getByRole("button", { name: `${lecturerName}에게 강의 요청` }).click();
    await page.getByRole("status").filter({ hasText: "강사에게 강의를 요청하고 메일로 알렸습니다." }).waitFor();
    const offer = await prisma.lectureOffer.findFirstOrThrow({ where: { lecturerPersonId: lecturer.person.id } });
    expect(offer).toMatchObject({ status: "OFFERED" });
    expect(offer.startsAt.toISOString()).toBe("2026-12-15T05:00:00.000Z");
  });

  it("the lecturer accepts on their page, and the class appears in the academy's offerings with its roster", async () => {
    await signInAs(lecturer.user.email);
    await page.goto("/lecturer/requests");
    await page.getByRole("heading", { name: organisation }).waitFor();
    await look("05-offers");
    await page.getByRole("button", { name: `${organisation} 강의 수락` }).click();
    await page.getByRole("status").filter({ hasText: "강의를 수락했습니다." }).waitFor();
    await page.goto("/lecturer/activity");
    await page.getByRole("heading", { name: `찾아가는 인권교육: ${organisation}` }).waitFor();
    await look("06-activity");

    const request = await prisma.lectureRequest.findFirstOrThrow({ where: { organizationName: organisation } });
    expect(request.status).toBe("SCHEDULED");
    // Someone from the facility takes a seat, as anyone may for a public class.
    const resident = await createPerson((await createUnit("DIVISION")).id, "CIVIL_SERVANT", `이용자 ${uid()}`);
    expect((await register(resident.id, request.offeringId!, resident.id))?.outcome).toBe("confirmed");

    await signInAs(academyEmail);
    await page.goto("/academy/offerings");
    const title = `찾아가는 인권교육: ${organisation}`;
    await page.getByRole("link", { name: `관리: ${title}` }).click();
    await page.locator("h1", { hasText: title }).waitFor();
    await page.getByRole("heading", { name: "신청자 명단" }).waitFor();
    await page.getByRole("table", { name: "신청 순서대로" }).getByRole("rowheader", { name: resident.name }).waitFor();
    await look("07-class");
    const o = await prisma.offering.findUniqueOrThrow({ where: { id: request.offeringId! }, include: { obligation: true } });
    expect(o).toMatchObject({ capacity: 30, audience: "PUBLIC", lecturerUserIds: [lecturer.user.id], place: "서울 마포구 월드컵로 10, 2층 강당" });
    expect(o.obligation?.code).toBe("disability-rights");
  });

  it("the academy downloads the lecturers' activity for their fees, saying why, and the access log keeps it", async () => {
    await signInAs(academyEmail);
    await page.goto("/academy/lecture-requests");
    await page.getByRole("button", { name: "CSV 받기" }).click();
    await page.waitForURL(/\/hr\/download\?report=lecturerActivity&format=csv&year=2026$/);
    await page.locator("h1", { hasText: "보고서 내려받기" }).waitFor();
    expect(await page.locator("main").textContent()).toContain("인권강사 월별 강의 실적: 2026년 (CSV)");
    await look("08-activity-download");
    await page.getByLabel("열람·내려받기 목적").selectOption("AUDIT_REQUEST");
    const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "목적을 기록하고 내려받기" }).click()]);
    expect(file.suggestedFilename()).toBe("lecturer-activity-2026.csv");
    const text = readFileSync((await file.path())!, "utf8");
    // The appointed lecturer has a row for December (the lecture accepted above is given next week).
    expect(text.split("\r\n").find((l) => l.includes(lecturer.person.email) && l.startsWith('"2026","12",'))).toBeTruthy();
    const academy = await prisma.user.findUniqueOrThrow({ where: { email: academyEmail } });
    const logged = await prisma.auditEvent.findFirstOrThrow({ where: { actorUserId: academy.id, action: "report.export" }, orderBy: { id: "desc" } });
    expect([logged.entityType, logged.entityId, logged.reason]).toEqual(["lecturer_activity_year", "2026", "AUDIT_REQUEST"]);
  });
});
