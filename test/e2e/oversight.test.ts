import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createPerson, createUnit, createUser, createWorld, openTestCycle, TEST_PASSWORD } from "../factories";
import { now } from "~/utils/clock.server";
import { storyClock } from "../clock";
import { launchChromium, signIn as signInAs, startApp } from "./app-server";
import { expectAccessible as checkPage } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens-oversight");

const expectAccessible = (page: Page, name: string) => checkPage(page, SHOTS, name);

describe("end to end: the oversight return and the report access log", { timeout: 120_000 }, () => {
  // Early December 2026, on the test's clock and the app's: the 2026 return is the current one.
  storyClock("2026-12-03T10:00:00");
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let hrEmail: string;
  let adminEmail: string;
  let bureauName: string;
  let agencyName: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const world = await createWorld();
    bureauName = world.bureau.nameKo;
    const agency = await createUnit("AFFILIATED_ORG", world.bureau.id, "인권재단");
    agencyName = agency.nameKo;
    const people = [
      await createPerson(world.division.id, "CIVIL_SERVANT", "김하늘"),
      await createPerson(world.division.id, "CIVIL_SERVANT", "이서윤"),
      await createPerson(world.division.id, "CIVIL_SERVANT", "최도윤", { grade: 5 }),
      await createPerson(agency.id, "CIVIL_SERVANT", "정유진"),
    ];
    await createPerson(world.otherBureau.id, "CIVIL_SERVANT", "바깥사람");
    const { cycle } = await openTestCycle(world.obligation.id, undefined, 2026);
    // Planned from a file with inPersonShare: 60 (ADR 038).
    await prisma.cycle.update({ where: { id: cycle.id }, data: { inPersonSharePercent: 60 } });
    for (const [i, mode] of [[0, "IN_PERSON"], [1, "ONLINE"], [3, "IN_PERSON"]] as const) {
      await prisma.assignment.update({
        where: { cycleId_personId: { cycleId: cycle.id, personId: people[i]!.id } },
        data: { status: "COMPLETED", completedAt: now(), completionMode: mode },
      });
    }
    hrEmail = (await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] })).email;
    adminEmail = (await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] })).email;
    app = await startApp();
    browser = await launchChromium();
    context = await browser.newContext({ acceptDownloads: true, locale: "ko-KR", baseURL: app.origin });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function signIn(email: string) {
    await context.clearCookies();
    await signInAs(page, email, TEST_PASSWORD);
  }

  it("shows the HR officer the return by institution and rank, and prints one institution per page", async () => {
    await signIn(hrEmail);
    await page.goto("/hr");
    await page.getByRole("link", { name: "제출용 보고" }).click();
    await page.waitForURL(/\/hr\/oversight$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("감독기관 제출용 이수 현황");
    await expectAccessible(page, "01-oversight");
    const bureau = page.getByRole("region", { name: new RegExp(bureauName) });
    const grade7 = bureau.getByRole("row", { name: /공무원 7급/ });
    // 2 assigned, none exempted, 2 completed (one in person): 100%, 50% in person.
    await expect.poll(() => grade7.textContent()).toMatch(/2\s*0\s*2\s*100\.0%\s*1\s*50\.0%/);
    const agency = page.getByRole("region", { name: new RegExp(agencyName) });
    expect(await agency.getByRole("row", { name: /합계/ }).textContent()).toMatch(/1\s*0\s*1\s*100\.0%\s*1\s*100\.0%/);
    expect(await page.locator("main").textContent()).not.toContain("다른국");
    // The institution's in-person target, stated under the cycle with whether it is met.
    expect(await bureau.textContent()).toContain("집합교육 목표이수자의 60% 이상 — 미달 (50.0%)");
    expect(await agency.textContent()).toContain("집합교육 목표이수자의 60% 이상 — 달성 (100.0%)");

    await page.emulateMedia({ media: "print" });
    await page.screenshot({ path: join(SHOTS, "02-oversight-print.png"), fullPage: true });
    const printed = join(SHOTS, "oversight-printed.pdf");
    writeFileSync(printed, await page.pdf({ format: "A4" }));
    await page.emulateMedia({ media: "screen" });
    const pages = execFileSync("pdftotext", ["-layout", printed, "-"]).toString().split("\f").filter((p) => p.trim());
    expect(pages).toHaveLength(2);
    expect(pages[0]).toContain(bureauName);
    expect(pages[0]).not.toContain(agencyName);
    expect(pages[1]).toContain(agencyName);
    for (const p of pages) {
      expect(p).toContain("2026년 인권교육 이수 현황 보고");
      expect(p).not.toContain("파일 내려받기");
    }
  });

  it("downloads the XLSX with a purpose, and refuses a download without one, showing the form again", async () => {
    await page.goto("/hr/oversight");
    const downloads = page.getByRole("region", { name: "파일 내려받기" });
    await downloads.getByLabel("열람·내려받기 목적").selectOption("OVERSIGHT_SUBMISSION");
    const [xlsx] = await Promise.all([page.waitForEvent("download"), downloads.getByRole("button", { name: "엑셀(XLSX) 내려받기" }).click()]);
    const xlsxPath = join(SHOTS, "oversight.xlsx");
    await xlsx.saveAs(xlsxPath);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsxPath);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["요약", bureauName, agencyName]);

    // Without the browser's own check, the server refuses: 400, the form again, nothing recorded.
    await page.goto("/hr/download?report=oversight&format=pdf&year=2026");
    await expectAccessible(page, "03-download-form");
    await page.locator("select[name=purpose]").evaluate((el) => el.removeAttribute("required"));
    const [refused] = await Promise.all([page.waitForResponse((r) => r.url().includes("/hr/download")), page.getByRole("button", { name: "목적을 기록하고 내려받기" }).click()]);
    expect(refused.status()).toBe(400);
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("내려받는 목적을 고르세요");
    await expectAccessible(page, "04-download-refused");
    await page.getByLabel("열람·내려받기 목적").selectOption("OTHER");
    await page.getByLabel("목적 설명").fill("시의회 행정사무감사 자료 요구");
    const [pdf] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "목적을 기록하고 내려받기" }).click()]);
    const pdfPath = join(SHOTS, "oversight.pdf");
    await pdf.saveAs(pdfPath);
    const text = execFileSync("pdftotext", ["-layout", pdfPath, "-"]).toString();
    expect(text).toContain(bureauName);
    expect(text).toContain("1 / 2쪽");
  });

  it("reads in English too", async () => {
    await page.goto("/hr/oversight");
    await page.getByRole("button", { name: /English/ }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Oversight return");
    await expectAccessible(page, "05-oversight-en");
    await page.getByRole("button", { name: /한국어/ }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("감독기관 제출용 이수 현황");
  });

  it("shows system administrators who accessed which report and why; nobody else", async () => {
    expect((await page.goto("/admin/access-log"))?.status()).toBe(403);
    await signIn(adminEmail);
    await page.getByRole("link", { name: "접근 기록" }).click();
    await page.waitForURL(/\/admin\/access-log$/);
    await page.getByLabel("사람 (이름 또는 이메일)").fill(hrEmail);
    await page.getByRole("button", { name: "찾기" }).click();
    await page.waitForURL(/person=/);
    // Newest first: the English view, then the PDF download with its note.
    await expect.poll(() => page.locator("tbody tr").first().textContent()).toContain("열람");
    const body = await page.locator("tbody").textContent();
    expect(body).toContain("내려받기");
    expect(body).toContain("시의회 행정사무감사 자료 요구");
    expect(body).toContain("감독기관 제출");
    expect(body).toContain("감독기관 제출용 이수 현황");
    expect(body).toContain("PDF");
    await expectAccessible(page, "06-access-log");
    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV 내려받기" }).click()]);
    const csvPath = join(SHOTS, "access-log.csv");
    await csv.saveAs(csvPath);
    expect(execFileSync("head", ["-c", "3", csvPath]).toString("hex")).toBe("efbbbf");
  });
});
