import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { planCycle } from "~/modules/obligations/cycles.server";
import { createPerson, createUnit, createUser, createWorld, TEST_PASSWORD } from "../factories";
import { clockYear } from "../clock";
import { launchChromium, signIn, startApp } from "./app-server";
import { expectAccessible as checkPage } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens");
const expectAccessible = (page: Page, name: string) => checkPage(page, SHOTS, name);

describe("end to end: the academy previews and opens a cycle, extends it for one unit, and sees it recorded", { timeout: 120_000 }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let page: Page;
  let academyEmail: string;
  let cycleId: string;
  let divisionCode: string;
  const year = clockYear() + 1;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const world = await createWorld();
    // Due on 30 November, so that the deadline can still move within the year.
    await prisma.obligation.update({ where: { id: world.obligation.id }, data: { deadlines: { "": "11-30" } } });
    divisionCode = world.division.code;
    await createPerson(world.division.id, "CIVIL_SERVANT", "김하늘");
    await createPerson(world.division.id, "CIVIL_SERVANT", "이서윤");
    await createPerson((await createUnit("DIVISION", world.otherBureau.id)).id, "CIVIL_SERVANT", "박도윤");
    cycleId = (await planCycle(world.obligation.code, year, "")).id;
    academyEmail = (await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).email;
    app = await startApp();
    browser = await launchChromium();
    const context = await browser.newContext({ locale: "ko-KR", baseURL: app.origin });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("previews, opens, extends for one unit with a reason, and shows the audit entry", async () => {
    await signIn(page, academyEmail, TEST_PASSWORD);
    await page.goto(`/academy/cycles?year=${year}`);
    await expectAccessible(page, "cycles-01-year");
    await page.getByRole("link", { name: `${year} 열기` }).first().waitFor();
    await page.goto(`/academy/cycles?year=${year}&cycle=${cycleId}&do=open`);
    await page.getByRole("heading", { name: "주기 열기 확인" }).waitFor();
    await page.getByText("모두 3명 (지난 주기 없음), 이미 배정된 사람 0명").waitFor();
    await expectAccessible(page, "cycles-02-preview");
    await page.getByRole("button", { name: "열기", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "주기를 열었습니다: 3명 배정." }).waitFor();
    expect(await prisma.assignment.count({ where: { cycleId } })).toBe(3);

    // This test's own cycle: other tests' obligations may be listed before it.
    await page.locator(`a[href*="cycle=${cycleId}"][href*="do=extend"]`).click();
    await page.getByRole("heading", { name: "기한 연장 확인" }).waitFor();
    await page.getByLabel("새 기한 (그날 끝까지)").fill(`${year + 1}-01-15`);
    await page.getByLabel("한 조직과 그 하위 조직만: 조직 코드").fill(divisionCode);
    await page.getByLabel("사유").fill("청사 이전 공사로 집합교육 연기");
    await page.getByRole("button", { name: "연장", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "마지막 날" }).waitFor();
    await expectAccessible(page, "cycles-03-past-period");

    await page.getByLabel("새 기한 (그날 끝까지)").fill(`${year}-12-20`);
    await page.getByLabel("한 조직과 그 하위 조직만: 조직 코드").fill(divisionCode);
    await page.getByLabel("사유").fill("청사 이전 공사로 집합교육 연기");
    await page.getByRole("button", { name: "연장", exact: true }).click();
    // If it never comes, the page's text says why.
    await page
      .getByRole("status")
      .filter({ hasText: "2명의 기한이 바뀌었습니다" })
      .waitFor({ timeout: 60_000 })
      .catch(async (e: unknown) => {
        throw new Error(`${(e as Error).message}\npage: ${page.url()}\n${(await page.locator("main").textContent())?.slice(0, 1500)}`);
      });
    const row = page.getByRole("region", { name: /최근 50건/ }).getByRole("row").filter({ hasText: "청사 이전 공사로 집합교육 연기" });
    await row.getByText("기한 연장").waitFor();
    await row.getByText(new RegExp(divisionCode)).waitFor();
    await expectAccessible(page, "cycles-04-extended");
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { entityId: cycleId, action: "cycle.extend" } });
    expect(audit.data).toMatchObject({ to: `${year}-12-20`, unitCode: divisionCode, changed: 2 });
  });
});
