import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createPerson, createUnit, createUser, createWorld, TEST_PASSWORD, uid } from "../factories";
import { launchChromium, signIn, startApp } from "./app-server";
import { expectAccessible as checkPage } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens-org-chart");
const expectAccessible = (page: Page, name: string) => checkPage(page, SHOTS, name);

describe("end to end: an administrator loads a unit file and reads the chart", { timeout: 120_000 }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let adminEmail: string;
  let world: Awaited<ReturnType<typeof createWorld>>;
  let moving: { id: string; code: string };
  const fresh = `E-${uid()}`;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    world = await createWorld();
    moving = await createUnit("DIVISION", world.bureau.id, "이동할과");
    await createPerson(moving.id);
    adminEmail = (await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] })).email;
    app = await startApp();
    browser = await launchChromium();
    context = await browser.newContext({ locale: "ko-KR", baseURL: app.origin });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("uploads, reads the dry run, applies, and finds the moved division on the chart", async () => {
    await signIn(page, adminEmail, TEST_PASSWORD);
    await page.goto("/hr/org-chart/import");
    const csv = `\uFEFF부서코드,부서명,영문부서명,상위부서코드,조직유형\r\n${fresh},새로 만든 팀,New team,${moving.code},팀\r\n${moving.code},옮긴 과,Moved division,${world.otherBureau.code},과\r\n`;
    await page.getByLabel("조직 자료(CSV)").setInputFiles({ name: "units.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "조직 자료 점검" }).click();
    // Say what the page showed if the check page never comes.
    await page.waitForURL(/\/hr\/import\/[^/]+$/, { timeout: 20_000 }).catch(async (e: unknown) => {
      throw new Error(`no check page: ${page.url()} ${(await page.locator("main").textContent())?.slice(0, 600)}`, { cause: e });
    });
    await page.getByRole("status").filter({ hasText: "문제가 없습니다" }).first().waitFor({ timeout: 30_000 });
    const counts = page.locator("table", { has: page.locator("#chart-summary-caption") });
    expect(await counts.getByRole("row", { name: /^신설 / }).getByRole("cell").textContent()).toBe("1");
    expect(await counts.getByRole("row", { name: "상위 부서 변경" }).getByRole("cell").textContent()).toBe("1");
    const changes = page.getByRole("region", { name: "모든 변경 사항" });
    expect(await changes.textContent()).toContain(world.otherBureau.code);
    await expectAccessible(page, "01-chart-checked");

    await page.getByRole("button", { name: "적용하기" }).click();
    // Applying writes the chart and its versions in one transaction: under a full test run it can take a few seconds.
    await page.getByRole("status").filter({ hasText: "적용했습니다" }).first().waitFor({ timeout: 30_000 });
    expect((await prisma.orgUnit.findUniqueOrThrow({ where: { id: moving.id } })).parentId).toBe(world.otherBureau.id);

    await page.goto(`/hr/org-chart?q=${encodeURIComponent(fresh)}`);
    const tree = page.getByRole("list", { name: "부서" });
    expect(await tree.textContent()).toContain("새로 만든 팀");
    expect(await tree.textContent()).toContain(world.otherBureau.nameKo);
    // The moved division now sits under the other bureau, with its one person.
    const branch = page.locator("li", { has: page.locator(`code:text-is("${moving.code}")`) }).last();
    expect(await branch.textContent()).toContain("합계 1명");
    await expectAccessible(page, "02-chart-tree");
  });
});
