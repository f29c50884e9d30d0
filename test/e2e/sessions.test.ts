import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createAnnualObligation, createPerson, createUser, createWorld, openTestCycle, TEST_PASSWORD, uid } from "../factories";
import { storyClock } from "../clock";
import { launchChromium, signIn, startApp } from "./app-server";
import { expectAccessible as checkPage } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens-sessions");
const expectAccessible = (page: Page, name: string) => checkPage(page, SHOTS, name);
const SHEET = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");

describe("end to end: an HR officer records an in-person session with its signed sheet", { timeout: 120_000 }, () => {
  // Early December 2026, on the test's clock and the app's: the session of 20 November has happened.
  storyClock("2026-12-03T10:00:00");
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let page: Page;
  let hrEmail: string;
  let world: Awaited<ReturnType<typeof createWorld>>;
  let attendees: Array<{ id: string; employeeNo: string | null }>;
  let annualId: string;
  let secondTitle: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    world = await createWorld();
    await prisma.obligation.update({ where: { id: world.obligation.id }, data: { sharedSessions: true } });
    secondTitle = `장애인 인권교육 ${uid()}`;
    const second = await createAnnualObligation(world, secondTitle, "Disability rights education (test)");
    await prisma.obligation.update({ where: { id: second.id }, data: { sharedSessions: true } });
    attendees = [await createPerson(world.division.id, "CIVIL_SERVANT", "정다은"), await createPerson(world.division.id, "CIVIL_SERVANT", "최민준")];
    await createPerson(world.division.id, "CIVIL_SERVANT", "한지우");
    annualId = (await openTestCycle(world.obligation.id, undefined, 2026)).cycle.id;
    // Assigned at the start of the year, so that a view as of a past day has them.
    await prisma.assignment.updateMany({ where: { cycleId: annualId }, data: { assignedAt: new Date("2026-01-02T00:00:00Z") } });
    await openTestCycle(second.id, undefined, 2026);
    hrEmail = (await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] })).email;
    app = await startApp();
    browser = await launchChromium();
    const context = await browser.newContext({ locale: "ko-KR", baseURL: app.origin });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("refuses a number not on the roll, keeps what was typed, then records the session", async () => {
    await signIn(page, hrEmail, TEST_PASSWORD);

    await page.getByRole("link", { name: "집합교육", exact: true }).click();
    await page.waitForURL(/\/hr\/sessions$/);
    await expectAccessible(page, "01-sessions-empty");
    await page.getByRole("link", { name: "집합교육 기록하기" }).click();
    await page.waitForURL(/\/hr\/sessions\/new$/);

    await page.getByLabel("교육명").fill("장애인식 개선 집합교육");
    await page.getByLabel("교육일").fill("2026-11-20");
    await page.getByLabel("교육 시간(분)").fill("120");
    await page.getByLabel("장소").fill("시청 다목적홀");
    await page.getByLabel(new RegExp(world.obligation.titleKo)).check();
    await page.getByLabel(new RegExp(secondTitle)).check();
    await page.getByLabel("출석자 직원번호").fill(`${attendees[0]!.employeeNo}\n${attendees[1]!.employeeNo}\nX-404`);
    await page.getByLabel("서명된 출석부").setInputFiles({ name: "출석부.pdf", mimeType: "application/pdf", buffer: SHEET });
    await expectAccessible(page, "02-session-form");
    await page.getByRole("button", { name: "기록하기" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("X-404");
    expect(await page.getByLabel("교육명").inputValue()).toBe("장애인식 개선 집합교육");
    await expectAccessible(page, "03-session-error");

    await page.getByLabel("출석자 직원번호").fill(`${attendees[0]!.employeeNo}, ${attendees[1]!.employeeNo}`);
    await page.getByLabel("서명된 출석부").setInputFiles({ name: "출석부.pdf", mimeType: "application/pdf", buffer: SHEET });
    await page.getByRole("button", { name: "기록하기" }).click();
    await page.waitForURL(/\/hr\/sessions\/[0-9a-f-]{36}\?/);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("출석 2명을 기록했습니다. 이수 처리 4건");
    await expectAccessible(page, "04-session-recorded");
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: /출석부 내려받기/ }).click();
    expect((await download).suggestedFilename()).toBe(`attendance-2026-11-20-${page.url().split("/").pop()!.slice(0, 8)}.pdf`);
  });

  it("shows the in-person share on the dashboard", async () => {
    await page.goto(`/hr?cycle=${annualId}`);
    const row = page.getByRole("row", { name: new RegExp(world.division.nameKo) });
    // assigned 3, completed 2, of which in person 2 (100%)
    await expect.poll(() => row.getByRole("cell").allTextContents()).toEqual(["3", "2", "2 (100%)", "0", "1", "0", "0", "67%"]);
    await expectAccessible(page, "05-dashboard-in-person");
  });

  it("reads the dashboard, the drill-down and the file as of a past day", async () => {
    const row = page.getByRole("row", { name: new RegExp(world.division.nameKo) });
    const showAsOf = async (day: string) => {
      await page.goto(`/hr?cycle=${annualId}`);
      await page.getByLabel("기준일").fill(day);
      await page.getByRole("button", { name: "보기", exact: true }).click();
      await page.waitForURL(new RegExp(`asOf=${day}`));
    };
    // The day before the session: all three owed it, nobody had done it.
    await showAsOf("2026-11-19");
    await expect.poll(() => row.getByRole("cell").allTextContents()).toEqual(["3", "0", "0", "0", "3", "0", "0", "0%"]);
    // The day of the session: the page reads as it does today.
    await showAsOf("2026-11-20");
    await expect.poll(() => row.getByRole("cell").allTextContents()).toEqual(["3", "2", "2 (100%)", "0", "1", "0", "0", "67%"]);
    await expectAccessible(page, "06-dashboard-as-of");

    // The drill-down keeps the day.
    await row.getByRole("link").click();
    await page.waitForURL(/\/hr\/units\/.*asOf=2026-11-20/);
    await expect.poll(() => page.locator("main").textContent()).toContain("2026-11-20 기준");
    expect(await page.locator("tbody").textContent()).toContain("한지우");
    expect(await page.locator("tbody").textContent()).not.toContain("정다은");

    // So does the file, and its name says so.
    await showAsOf("2026-11-19");
    const downloads = page.getByRole("region", { name: "파일 내려받기" });
    await expect.poll(() => downloads.textContent()).toContain("2026-11-19 기준");
    // The purpose given with "보기" goes with the file: it is not asked again.
    expect(await downloads.textContent()).toContain("이번 열람 목적으로 내려받습니다");
    const [file] = await Promise.all([page.waitForEvent("download"), downloads.getByRole("button", { name: "CSV 내려받기" }).click()]);
    expect(file.suggestedFilename()).toMatch(/-as-of-2026-11-19\.csv$/);
  });
});
