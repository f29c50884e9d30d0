import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createPerson, createUser, createWorld, TEST_PASSWORD, uid } from "../factories";
import { storyClock } from "../clock";
import { launchChromium, phonePage, signIn, startApp } from "./app-server";
import { expectReflowAndAccessible } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens-notices-help");
const CONTACT = {
  CONTACT_NAME_KO: "인권담당관 교육팀 <시험>",
  CONTACT_NAME_EN: "Human Rights Office training team <test>",
  CONTACT_PHONE: "02-2133-6378",
  CONTACT_EMAIL: "training-help@city.example",
  ACADEMY_NAME_KO: "시험시 인권교육센터",
  ACADEMY_NAME_EN: "Test City Human Rights Centre",
};

describe("end to end: the academy posts a notice a learner reads; the help page and the contact line", { timeout: 180_000 }, () => {
  storyClock("2026-12-03T10:00:00");
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let academyEmail: string;
  let learnerEmail: string;
  let facilityEmail: string;
  const title = `연말 집합교육 일정 안내 ${uid()}`;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const world = await createWorld();
    learnerEmail = (await createUser({ personId: (await createPerson(world.division.id, "CIVIL_SERVANT", "윤서연")).id })).email;
    facilityEmail = (await createUser({ personId: (await createPerson(world.division.id, "WELFARE_FACILITY_STAFF", "강민호")).id })).email;
    academyEmail = (await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).email;
    app = await startApp(CONTACT);
    browser = await launchChromium();
    ({ context, page } = await phonePage(browser, app.origin));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  /** At a phone's width and at 200% zoom nothing scrolls sideways; screenshots at 375 and 1280 px; axe at 375 px. */
  const look = (name: string) => expectReflowAndAccessible(page, SHOTS, name, { desktopShot: true });

  it("the academy posts a notice for civil servants, after a refused first try", async () => {
    await signIn(page, academyEmail, TEST_PASSWORD);
    await page.goto("/academy/notices");
    await page.locator("h1", { hasText: "공지 관리" }).waitFor();
    await look("01-academy-notices-empty");

    await page.getByLabel("제목 (한국어)").fill("x");
    await page.getByRole("button", { name: "공지 올리기" }).click();
    await page.getByRole("alert").filter({ hasText: "입력 내용을 확인하세요." }).waitFor();
    expect(await page.getByLabel("제목 (한국어)").getAttribute("aria-invalid")).toBe("true");
    await look("02-academy-notices-errors");

    await page.getByLabel("제목 (한국어)").fill(title);
    await page.getByLabel("제목 (영어)").fill("Year-end in-person sessions");
    await page.getByLabel("본문 (한국어)").fill("12월 집합교육 일정입니다.\n\n<b>굵게</b>는 글자 그대로 보입니다.");
    await page.getByLabel("본문 (영어)").fill("The December sessions.");
    await page.getByLabel("아래 직종의 교육 대상자만").check();
    await page.getByRole("checkbox", { name: "공무원", exact: true }).check();
    await page.getByLabel("게시 종료일").fill("2026-12-31");
    await page.getByRole("button", { name: "공지 올리기" }).click();
    await page.getByRole("status").filter({ hasText: "공지를 올렸습니다." }).waitFor();
    const row = page.getByRole("row").filter({ hasText: title });
    expect(await row.getByRole("cell").nth(3).textContent()).toBe("0");
    await look("03-academy-notices-posted");
    const audit = await prisma.auditEvent.findFirst({ where: { action: "notice.post", reason: title } });
    expect(audit).not.toBeNull();
  });

  it("a civil servant sees it on the home page and marks it read; welfare facility staff do not see it", async () => {
    await context.clearCookies();
    await signIn(page, facilityEmail, TEST_PASSWORD);
    await page.goto("/");
    await page.locator("h1", { hasText: "나의 교육" }).waitFor();
    expect(await page.getByRole("heading", { name: title }).count()).toBe(0);

    await context.clearCookies();
    await signIn(page, learnerEmail, TEST_PASSWORD);
    await page.goto("/");
    const notices = page.getByRole("region", { name: "알림" });
    await notices.getByRole("heading", { name: title, level: 3 }).waitFor();
    // Typed markup stays text.
    expect(await notices.getByText("<b>굵게</b>는 글자 그대로 보입니다.").count()).toBe(1);
    expect(await notices.locator("b").count()).toBe(0);
    await look("04-learner-home-notice");
    // The button says which notice it marks: "읽음으로 표시: <title>".
    await notices.getByRole("button", { name: new RegExp(`^읽음으로 표시\\s*: ${title}$`) }).click();
    await page.getByRole("status").filter({ hasText: "공지를 읽음으로 표시했습니다." }).waitFor();
    expect(await page.getByRole("heading", { name: title }).count()).toBe(0);
    await look("05-learner-home-read");
  });

  it("the academy sees one read, and withdraws it", async () => {
    await context.clearCookies();
    await signIn(page, academyEmail, TEST_PASSWORD);
    await page.goto("/academy/notices");
    const row = page.getByRole("row").filter({ hasText: title });
    expect(await row.getByRole("cell").nth(3).textContent()).toBe("1");
    await row.getByRole("button", { name: `'${title}' 공지 내리기` }).click();
    await page.getByRole("status").filter({ hasText: "공지를 내렸습니다." }).waitFor();
    expect(await page.getByRole("row").filter({ hasText: title }).getByRole("cell").nth(2).textContent()).toBe("내림");
  });

  it("the help page answers in Korean and English, and every footer carries the contact line", async () => {
    await context.clearCookies();
    await page.goto("/");
    const footer = page.locator("footer");
    expect(await footer.textContent()).toContain("교육 문의: 인권담당관 교육팀 <시험> · 전화 02-2133-6378 · 이메일 training-help@city.example");
    // The city's own academy, not a name fixed in the product.
    expect(await footer.textContent()).toContain("시험시 인권교육센터 · ");
    expect(await footer.getByRole("link", { name: "02-2133-6378" }).getAttribute("href")).toBe("tel:0221336378");
    expect(await footer.getByRole("link", { name: "training-help@city.example" }).getAttribute("href")).toBe("mailto:training-help@city.example");
    await footer.getByRole("link", { name: "도움말 (자주 묻는 질문)" }).click();
    await page.waitForURL(/\/help$/);
    await page.locator("h1", { hasText: "도움말: 자주 묻는 질문" }).waitFor();
    const annual = await prisma.obligation.findUniqueOrThrow({ where: { code: "annual-human-rights" } });
    const duty = page.getByRole("heading", { name: annual.titleKo, level: 3 });
    await duty.waitFor();
    expect(await page.locator("main").textContent()).toContain("12월 31일까지");
    expect(await page.locator("main").textContent()).toContain("상반기 6월 30일까지");
    expect(await page.locator("main").getByText("인권담당관 교육팀 <시험>").count()).toBe(1);
    await page.getByRole("link", { name: "안내 메일은 언제 오나요?" }).click();
    await look("06-help-ko");

    // On a phone the language switch sits in the folded menu.
    await page.getByRole("button", { name: "메뉴" }).click();
    await page.getByRole("button", { name: /View in English/ }).click();
    await page.locator("h1", { hasText: "Help: frequently asked questions" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await page.getByRole("heading", { name: annual.titleEn, level: 3 }).waitFor();
    expect(await page.locator("main").textContent()).toContain("by 31 December");
    expect(await page.locator("footer").textContent()).toContain("Questions about training: Human Rights Office training team <test>");
    expect(await page.locator("footer").textContent()).toContain("Test City Human Rights Centre · ");
    // The page came back in English with its menu folded again.
    expect(await page.getByRole("button", { name: "Menu" }).getAttribute("aria-expanded")).toBe("false");
    await look("07-help-en");
  });
});
