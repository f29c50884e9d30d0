import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createUser, createWorld, TEST_PASSWORD } from "../factories";
import { currentTotpCode } from "../totp";
import { launchChromium, phonePage, signIn, startApp } from "./app-server";
import { expectAccessible as checkPage } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens", "second-factor");
const expectAccessible = (page: Page, name: string) => checkPage(page, SHOTS, name);

/** Nothing wider than the viewport: no sideways scrolling on a 375 px phone. */
async function expectNoSidewaysScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
}

describe("end to end: an HR officer's second step of sign-in", { timeout: 120_000 }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let officer: { id: string; email: string };
  let adminEmail: string;
  let recoveryCodes: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const world = await createWorld();
    officer = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    adminEmail = (await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] })).email;
    app = await startApp();
    browser = await launchChromium();
    // A phone: the QR code, the key and the codes fit without sideways scrolling.
    ({ context, page } = await phonePage(browser, app.origin));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function passwordStep(email: string) {
    await page.goto("/login");
    await page.getByLabel("이메일").fill(email);
    await page.getByLabel("비밀번호").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "로그인", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/login/two-factor");
  }

  it("sets it up at the first sign-in after the grant: QR code, a wrong code, the right one, recovery codes", async () => {
    await passwordStep(officer.email);
    await expect.poll(() => page.locator("h1").textContent()).toBe("두 번째 인증 설정");
    expect(await page.getByRole("img", { name: "인증 앱에 추가할 QR 코드" }).count()).toBe(1);
    expect(await page.locator(".totp-key").textContent()).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
    await expectNoSidewaysScroll(page);
    await expectAccessible(page, "01-enrol");
    // Not signed in yet: another page sends the browser to sign in.
    expect(await prisma.session.count({ where: { userId: officer.id } })).toBe(0);

    await page.getByLabel("인증 코드").fill("12345");
    await page.getByRole("button", { name: "설정 마치기" }).click();
    await expect.poll(() => page.locator("#code-error").textContent()).toContain("코드가 맞지 않습니다");
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("alert");
    await expectAccessible(page, "02-enrol-wrong-code");

    await page.getByLabel("인증 코드").fill(await currentTotpCode(officer.email));
    await page.getByRole("button", { name: "설정 마치기" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("복구 코드를 보관하세요");
    recoveryCodes = await page.locator(".recovery-codes code").allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    await expectNoSidewaysScroll(page);
    await expectAccessible(page, "03-recovery-codes");
    await page.getByRole("link", { name: "보관했습니다. 계속하기" }).click();
    await page.waitForURL((u) => u.pathname === "/hr");
    await context.clearCookies();
  });

  it("asks for the code at the next sign-in, and takes a recovery code once", async () => {
    await passwordStep(officer.email);
    await expect.poll(() => page.locator("h1").textContent()).toBe("두 번째 인증");
    await expectAccessible(page, "04-verify");
    await page.getByLabel("인증 코드").fill(recoveryCodes[0]!);
    await page.getByRole("button", { name: "확인", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/hr");
    await context.clearCookies();

    await passwordStep(officer.email);
    await page.getByLabel("인증 코드").fill(recoveryCodes[0]!);
    await page.getByRole("button", { name: "확인", exact: true }).click();
    await expect.poll(() => page.locator("#code-error").textContent()).toContain("코드가 맞지 않습니다");
    await page.getByLabel("인증 코드").fill(await currentTotpCode(officer.email));
    await page.getByRole("button", { name: "확인", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/hr");
  });

  it("makes new recovery codes from the account page", async () => {
    await page.goto("/account");
    await expect.poll(() => page.getByRole("heading", { name: "두 번째 인증" }).count()).toBe(1);
    expect(await page.getByText("남은 복구 코드: 9개").count()).toBe(1);
    await page.getByLabel("인증 코드").fill(await currentTotpCode(officer.email));
    await page.getByRole("button", { name: "복구 코드 새로 만들기" }).click();
    await expect.poll(() => page.locator(".recovery-codes code").count()).toBe(10);
    await expectNoSidewaysScroll(page);
    await expectAccessible(page, "05-account-new-codes");
  });

  it("an administrator clears it for someone who lost their phone: their session ends, and they set up anew", async () => {
    const admin = await browser.newContext({ locale: "ko-KR", baseURL: app.origin });
    const adminPage = await admin.newPage();
    await signIn(adminPage, adminEmail, TEST_PASSWORD);
    await adminPage.goto(`/admin/roles?q=${encodeURIComponent(officer.email)}`);
    await adminPage.getByLabel("사유와 본인 확인 방법").fill("휴대전화 분실, 사내 전화로 본인 확인");
    await adminPage.getByRole("button", { name: "두 번째 인증 지우기" }).click();
    await expect.poll(() => adminPage.getByRole("status").textContent()).toContain("두 번째 인증을 지웠습니다");
    await checkPage(adminPage, SHOTS, "06-admin-cleared");
    await admin.close();

    await page.goto("/hr");
    await page.waitForURL((u) => u.pathname === "/login");
    await passwordStep(officer.email);
    await expect.poll(() => page.locator("h1").textContent()).toBe("두 번째 인증 설정");
  });
});
