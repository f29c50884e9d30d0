import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createUser, TEST_PASSWORD, uid } from "../factories";
import { ensureTestStage, openRound } from "../lecturers";
import { launchChromium, phonePage, signIn, startApp } from "./app-server";
import { expectReflowAndAccessible } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens-lecturer-recruitment");

describe("end to end: a citizen applies, two administrators score, one accepts, stage 1 opens", { timeout: 240_000 }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let citizenEmail: string;
  const reviewers: string[] = [];
  let roundId: string;
  let roundTitle: string;
  let stage2Title: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const stage2 = await ensureTestStage();
    stage2Title = (await prisma.courseVersion.findFirstOrThrow({ where: { courseId: stage2.courseId }, orderBy: { version: "desc" } })).titleKo;
    const person = await prisma.person.create({ data: { name: "한지원", email: `citizen-${uid()}@test.example`, staffCategory: "CITIZEN" } });
    citizenEmail = (await createUser({ personId: person.id })).email;
    for (let i = 0; i < 2; i++) reviewers.push((await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).email);
    const round = await openRound((await prisma.user.findUniqueOrThrow({ where: { email: reviewers[0]! } })).id, ["GENERAL", "DISABILITY", "MIGRANTS"], 24);
    roundId = round.id;
    roundTitle = round.titleKo;
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

  it("the citizen finds the round, is refused without consent, then applies", async () => {
    await signInAs(citizenEmail);
    await page.goto("/lecturers");
    await look("01-programme");
    const card = page.locator("li.card").filter({ hasText: roundTitle });
    await card.getByRole("link", { name: /^지원하기/ }).click();
    await page.waitForURL(/\/apply$/);
    await page.getByLabel("인권 활동 경험").fill("2014년부터 이주민 지원 단체에서 통역과 상담을 맡았고, 지역 주민 인권 교육을 여러 차례 진행했습니다.");
    await page.getByLabel("지원 동기").fill("이주민이 겪는 차별을 현장에서 보아 온 경험으로 공무원의 인권 감수성을 높이는 강의를 하고 싶습니다.");
    await page.getByLabel("이주민 인권").check();
    await look("02-apply");
    await page.getByRole("button", { name: "지원서 제출" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("개인정보 수집·이용에 동의해야");
    // What was typed is still there; the notice states the round's retention.
    expect(await page.getByLabel("인권 활동 경험").inputValue()).toContain("이주민 지원 단체");
    expect(await page.locator("#consent-text").textContent()).toContain("24개월");
    await page.getByLabel("위 내용을 읽었으며").check();
    await page.getByRole("button", { name: "지원서 제출" }).click();
    await page.waitForURL(/\/lecturer\?applied=1$/);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("지원서를 제출했습니다");
    expect(await page.locator("section", { hasText: "내 지원" }).first().textContent()).toContain("심사 중");
    await look("03-applied");
  });

  it("two administrators score it alone; the second sees the first's scores only after scoring, and accepts", async () => {
    for (const [i, email] of reviewers.entries()) {
      await signInAs(email);
      await page.goto("/academy/lecturers");
      await page.getByRole("link", { name: new RegExp(`^${roundTitle}`) }).click();
      await page.waitForURL(/\/academy\/lecturers\/rounds\//);
      await page.locator("table", { hasText: "한지원" }).waitFor();
      if (i === 0) await look("04-round");
      await page.getByRole("link", { name: /한지원의 지원서 심사|한지원/ }).click();
      await page.waitForURL(/\/academy\/lecturers\/applications\//);
      // The address changes a moment before a client-side navigation draws the page.
      await page.locator("h1", { hasText: "지원서 심사" }).waitFor();
      if (i === 1) {
        await expect.poll(() => page.getByText("다른 심사위원 1명의 점수는 내 점수를 제출한 뒤에 보입니다.").count()).toBe(1);
        expect(await page.getByRole("table").count()).toBe(0);
      }
      // A score beyond its criterion's scale is refused.
      const inputs = page.locator('input[type="number"]');
      const n = await inputs.count();
      for (let k = 0; k < n; k++) await inputs.nth(k).fill(await inputs.nth(k).getAttribute("max") ?? "0");
      if (i === 0) {
        await inputs.first().fill("99");
        await page.getByRole("button", { name: "점수 제출" }).click();
        await expect.poll(() => page.getByRole("alert").textContent()).toContain("배점 범위를 벗어났습니다");
        await inputs.first().fill("20");
        await look("05-review");
      } else {
        await inputs.first().fill("25");
      }
      await page.getByRole("button", { name: "점수 제출" }).click();
      await expect.poll(() => page.getByRole("status").textContent()).toContain("점수를 제출했습니다");
    }
    // The second reviewer now sees both columns.
    const table = page.getByRole("table");
    await expect.poll(() => table.locator("thead th").count()).toBe(3);
    await page.getByLabel("선발", { exact: true }).check();
    await page.getByLabel("이유").fill("두 심사위원 모두 활동 경험과 분야 적합성을 높게 평가함");
    await look("06-scored");
    await page.getByRole("button", { name: "결정 저장" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("선발");
    const app = await prisma.lecturerApplication.findFirstOrThrow({ where: { roundId }, include: { trainee: true } });
    expect(app.status).toBe("ACCEPTED");
    expect(app.trainee?.status).toBe("TRAINING");
    expect(await prisma.outboxEmail.count({ where: { dedupeKey: `lecturer-decision:${app.id}` } })).toBe(1);
  });

  it("the citizen sees they are accepted, stage 1 open and stage 2 locked, and the catalog agrees", async () => {
    await signInAs(citizenEmail);
    await page.goto("/lecturer");
    const applications = page.locator("section", { hasText: "내 지원" }).first();
    await expect.poll(() => applications.textContent()).toContain("선발");
    expect(await applications.textContent()).toContain("두 심사위원 모두");
    const rows = page.locator("table tbody tr");
    expect(await rows.first().textContent()).toContain("수강 가능");
    const second = rows.filter({ hasText: stage2Title });
    expect(await second.textContent()).toContain("잠김");
    expect(await second.textContent()).toContain("1단계를 마치면 열립니다.");
    await look("07-trainee");

    await page.goto("/catalog");
    const locked = page.locator("li.card").filter({ hasText: stage2Title });
    expect(await locked.textContent()).toContain("1단계를 마쳐야 수강할 수 있습니다.");
    expect(await locked.getByRole("button").count()).toBe(0);

    // Stage 1 enrols from the trainee's page.
    await page.goto("/lecturer");
    await rows.first().getByRole("button", { name: /^수강 신청/ }).click();
    await page.waitForURL(/\/learn\/[^/]+$/);
  });
});
