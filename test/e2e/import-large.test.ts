import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { QUEUES } from "~/utils/queues.server";
import { startWorkers } from "../../jobs/worker";
import { createUser, createWorld, TEST_PASSWORD, uid } from "../factories";
import { launchChromium, signIn, startApp } from "./app-server";
import { expectAccessible as checkPage } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens-import");

const expectAccessible = (page: Page, name: string) => checkPage(page, SHOTS, name);

describe("end to end: an HR officer follows a large personnel file through the worker", { timeout: 120_000 }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let stopWorker: (() => Promise<void>) | undefined;
  let hrEmail: string;
  let csv: string;
  let tag: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const world = await createWorld();
    hrEmail = (await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.city.id }] })).email;
    // Above the size the web app checks by itself, so the worker gets it.
    tag = `W${uid()}`;
    const lines = ["employee_no,name,email,unit_code,staff_category,grade,job_family"];
    for (let i = 0; i < 2500; i++) lines.push(`${tag}-${i},직원 ${i},${tag}-${i}@roll.example,${world.division.code},CIVIL_SERVANT,7,`);
    csv = lines.join("\r\n");
    app = await startApp();
    browser = await launchChromium();
    context = await browser.newContext({ locale: "ko-KR", baseURL: app.origin });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await stopWorker?.();
    await browser?.close();
    await app?.stop();
  });

  it("shows progress while the worker checks and applies, with and without JavaScript", async () => {
    await signIn(page, hrEmail, TEST_PASSWORD);

    await page.goto("/hr/import");
    await page.getByLabel("CSV 파일").setInputFiles({ name: "roll.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("radio", { name: /담당 조직의 전체 명부/ }).check();
    await page.getByRole("button", { name: "점검하기" }).click();
    await page.waitForURL(/\/hr\/import\/[^/]+$/);
    // No worker yet in this process: the file waits its turn (another test file's worker may already have it).
    await expect.poll(() => page.locator("h1").textContent()).toBe("파일 점검: roll.csv");
    await expect.poll(() => page.getByRole("progressbar", { name: "진행률" }).count()).toBe(1);
    await expectAccessible(page, "01-import-progress");

    // Without JavaScript the page refreshes itself.
    const plain = await browser.newContext({ locale: "ko-KR", baseURL: app.origin, javaScriptEnabled: false });
    await plain.addCookies(await context.cookies());
    const plainPage = await plain.newPage();
    await plainPage.goto(page.url());

    stopWorker = startWorkers([QUEUES.imports]);
    await expect.poll(() => page.getByRole("status").textContent(), { timeout: 30_000 }).toContain("문제가 없습니다");
    expect(await page.locator("h1").textContent()).toBe("점검 결과: roll.csv");
    expect(await page.locator("table").first().textContent()).toContain("2,500");
    await expectAccessible(page, "02-import-checked");
    await expect.poll(() => plainPage.locator("body").textContent(), { timeout: 15_000 }).toContain("문제가 없습니다");
    await plain.close();

    await page.getByRole("button", { name: "적용하기" }).click();
    await expect.poll(() => page.getByRole("status").textContent(), { timeout: 30_000 }).toContain("적용했습니다");
    await expectAccessible(page, "03-import-applied");
    expect(await prisma.person.count({ where: { employeeNo: { startsWith: `${tag}-` } } })).toBe(2500);
  });

  it("lists every leaver of a three-line full roll and applies it only with their number typed", async () => {
    const three = csv.split("\r\n").slice(0, 4).join("\r\n");
    await page.goto("/hr/import");
    await page.getByLabel("CSV 파일").setInputFiles({ name: "three.csv", mimeType: "text/csv", buffer: Buffer.from(three) });
    await page.getByRole("radio", { name: /담당 조직의 전체 명부/ }).check();
    await page.getByRole("button", { name: "점검하기" }).click();
    await page.waitForURL(/\/hr\/import\/[^/]+$/);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("재직자 2,500명 가운데 2,497명이 퇴직 처리됩니다");
    expect(await page.getByRole("row", { name: "파일 종류" }).getByRole("cell").textContent()).toBe("담당 조직의 전체 명부");
    expect(await page.getByRole("row", { name: "퇴직 처리" }).getByRole("cell").textContent()).toBe("2,497");
    const leavers = page.getByRole("region", { name: "퇴직 처리될 직원 (2,497명)" });
    expect(await leavers.locator("caption").textContent()).toBe("25쪽 중 1쪽");
    expect(await leavers.locator("tbody tr").count()).toBe(100);
    await expectAccessible(page, "04-import-three-rows");

    // Every leaver is reachable: the last page holds the last of them.
    for (let n = 2; n <= 25; n++) {
      await leavers.getByRole("link", { name: "다음 쪽" }).click();
      await expect.poll(() => leavers.locator("caption").textContent()).toBe(`25쪽 중 ${n}쪽`);
    }
    expect(await leavers.locator("tbody tr").count()).toBe(97);
    expect(await leavers.locator("tbody").textContent()).toContain(`${tag}-999`);
    await expectAccessible(page, "05-import-leavers-last-page");

    const confirm = page.getByLabel("퇴직 처리할 인원 수를 입력하세요: 2,497");
    await confirm.fill("2,479");
    await page.getByRole("button", { name: "적용하기" }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("alert");
    expect(await page.getByRole("alert").textContent()).toContain("퇴직 처리될 인원 수(2,497명)와 다릅니다");
    expect(await confirm.getAttribute("aria-describedby")).toBe("confirmLeavers-hint confirmLeavers-error");
    expect(await confirm.getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "06-import-confirm-wrong");
    expect(await prisma.person.count({ where: { employeeNo: { startsWith: `${tag}-` }, status: "ACTIVE" } })).toBe(2500);

    await confirm.fill("2497");
    await page.getByRole("button", { name: "적용하기" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("적용했습니다");
    expect(await page.getByRole("region", { name: "퇴직 처리한 직원 (2,497명)" }).count()).toBe(1);
    await expectAccessible(page, "07-import-three-rows-applied");
    expect(await prisma.person.count({ where: { employeeNo: { startsWith: `${tag}-` }, status: "ACTIVE" } })).toBe(3);
  });
});
