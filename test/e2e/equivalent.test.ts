import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createPerson, createUser, createWorld, openTestCycle, TEST_PASSWORD } from "../factories";
import { storyClock } from "../clock";
import { launchChromium, signIn, startApp } from "./app-server";
import { expectAccessible as checkPage } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens-equivalent");
const expectAccessible = (page: Page, name: string) => checkPage(page, SHOTS, name);
const CERTIFICATE = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");

describe("end to end: an HR officer recognises a course taken elsewhere", { timeout: 120_000 }, () => {
  // Early December 2026: the course of 14 October lies within the open 2026 cycle.
  storyClock("2026-12-03T10:00:00");
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let page: Page;
  let hrEmail: string;
  let world: Awaited<ReturnType<typeof createWorld>>;
  let cycleId: string;
  let assignmentId: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    world = await createWorld();
    const person = await createPerson(world.division.id, "CIVIL_SERVANT", "윤서연");
    cycleId = (await openTestCycle(world.obligation.id, undefined, 2026)).cycle.id;
    assignmentId = (await prisma.assignment.findFirstOrThrow({ where: { personId: person.id, cycleId } })).id;
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

  it("refuses a file that is not a PDF or image, then records the course with its PDF and the row turns completed", async () => {
    await signIn(page, hrEmail, TEST_PASSWORD);
    await page.goto(`/hr/units/${world.division.id}?cycle=${cycleId}`);
    await page.getByRole("link", { name: "윤서연" }).click();
    await page.waitForURL(new RegExp(`/hr/assignments/${assignmentId}$`));

    await page.getByLabel("교육명", { exact: true }).fill("인권의 이해 (이러닝)");
    await page.getByLabel("교육 기관", { exact: true }).fill("국가인권위원회 인권교육센터");
    await page.getByLabel("이수일", { exact: true }).fill("2026-10-14");
    await page.getByLabel("교육 시간(시간)", { exact: true }).fill("2");
    await page.getByLabel("인정 사유", { exact: true }).fill("같은 주제의 국가인권위원회 교육 이수");
    await page.getByLabel("이수증 파일", { exact: true }).setInputFiles({ name: "수료증.pdf", mimeType: "application/pdf", buffer: Buffer.from("<html>not a pdf</html>") });
    await expectAccessible(page, "01-equivalent-form");
    await page.getByRole("button", { name: "동등 교육 인정" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("PDF, JPEG 또는 PNG");
    expect(await page.getByLabel("교육명", { exact: true }).inputValue()).toBe("인권의 이해 (이러닝)");
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).status).toBe("ASSIGNED");
    await expectAccessible(page, "02-equivalent-error");

    await page.getByLabel("이수증 파일", { exact: true }).setInputFiles({ name: "수료증.pdf", mimeType: "application/pdf", buffer: CERTIFICATE });
    await page.getByRole("button", { name: "동등 교육 인정" }).click();
    await expect.poll(() => page.locator("main").textContent()).toContain("이수 완료 (동등 교육 인정)");
    expect(await page.locator("main").textContent()).toContain("국가인권위원회 인권교육센터");
    await expectAccessible(page, "03-equivalent-recorded");
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "이수증 내려받기" }).click();
    expect((await download).suggestedFilename()).toBe(`equivalent-2026-10-14-${assignmentId.slice(0, 8)}.pdf`);

    await page.goto(`/hr/units/${world.division.id}?cycle=${cycleId}&show=all`);
    const row = page.getByRole("row", { name: /윤서연/ });
    await expect.poll(() => row.textContent()).toContain("이수 완료");
    expect(await row.textContent()).toContain("(동등 교육 인정)");
  });
});
