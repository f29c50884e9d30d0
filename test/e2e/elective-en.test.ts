import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createPerson, createUnit, createUser, TEST_PASSWORD } from "../factories";
import { launchChromium, startApp } from "./app-server";
import { expectAccessible as checkPage } from "./axe";
import { answerShownQuizCorrectly, readLessonsByKeyboard } from "./player";

const SHOTS = join(process.cwd(), "test-results", "screens-en");

const expectAccessible = (page: Page, name: string) => checkPage(page, SHOTS, name);

describe("end to end, in English: a citizen-facing elective from the catalog", { timeout: 120_000 }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let page: Page;
  let email: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const person = await createPerson((await createUnit("DIVISION")).id, "CIVIL_SERVANT", "Mina Park");
    email = (await createUser({ personId: person.id })).email;
    app = await startApp();
    browser = await launchChromium();
    page = await (await browser.newContext({ acceptDownloads: true, locale: "en-GB", baseURL: app.origin })).newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("enrols, takes the pre-test, reads every lesson by keyboard, passes and is certified", async () => {
    await page.goto("/login");
    await page.getByRole("button", { name: /English/ }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Sign in");
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));

    await page.goto("/catalog");
    await expectAccessible(page, "01-catalog");
    const elective = await prisma.courseVersion.findFirstOrThrow({ where: { track: "ELECTIVE" }, orderBy: { titleEn: "asc" } });
    await page.locator("li.card").filter({ hasText: elective.titleEn }).getByRole("button", { name: /^Enrol/ }).click();
    await page.waitForURL(/\/learn\/[^/]+$/);
    await expectAccessible(page, "02-course");
    const courseUrl = page.url();

    // The quiz is closed until the lessons are done: the server says so, and hands out no paper.
    const closed = await page.goto(`${courseUrl}/quiz`);
    expect(closed?.status()).toBe(409);
    await expect.poll(() => page.locator("h1").textContent()).toBe("The quiz is not open to you now");
    expect(await page.getByText("Finish every lesson before taking the quiz.").count()).toBe(1);
    expect(await page.getByRole("radio").count()).toBe(0);
    await expectAccessible(page, "02b-quiz-closed");
    await page.goto(courseUrl);

    const pretest = page.getByRole("link", { name: "Take the pre-test, then start" });
    if (await pretest.count()) {
      await pretest.click();
      await page.waitForURL(/\/pretest$/);
      // The address changes a moment before a client-side navigation draws the page.
      await page.locator("h1", { hasText: "Pre-test" }).waitFor();
      await page.getByRole("group").first().waitFor();
      await expectAccessible(page, "03-pretest");
      for (const group of await page.getByRole("group").all()) await group.getByRole("radio").last().check();
      await page.getByRole("button", { name: "Submit answers" }).click();
      await page.waitForURL(/\/quiz\/[^/]+$/);
      await page.getByRole("link", { name: "Start the course" }).click();
    } else {
      await page.getByRole("link", { name: "Start" }).click();
    }
    await readLessonsByKeyboard(page, { done: /^Done/, toQuiz: "quiz" }, (n) => expectAccessible(page, `04-lesson-${n}`));
    await expectAccessible(page, "04b-quiz");
    const assignmentId = /\/learn\/([^/]+)\/quiz$/.exec(new URL(page.url()).pathname)![1]!;
    expect(await page.getByText("Attempts left: 3").count()).toBe(1);

    // A failed attempt: which answers were wrong and why, never the correct option.
    await answerShownQuizCorrectly(page, assignmentId, "en", false);
    await page.getByRole("button", { name: "Submit answers" }).click();
    await page.waitForURL(/\/quiz\/[^/]+$/);
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("The pass mark is");
    expect(await page.getByRole("status").first().textContent()).toContain("Attempts left: 2");
    expect(await page.getByText("Incorrect", { exact: false }).count()).toBeGreaterThan(0);
    expect(await page.getByText(/^Correct answer:/).count()).toBe(0);
    await expectAccessible(page, "04c-failed");
    await page.getByRole("link", { name: "Try again" }).click();
    await page.waitForURL(/\/quiz$/);
    await answerShownQuizCorrectly(page, assignmentId, "en");
    await page.getByRole("button", { name: "Submit answers" }).click();
    await page.waitForURL(/\/quiz\/[^/]+$/);
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("completed the course");
    await expectAccessible(page, "05-result");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /Download certificate/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^certificate-SHRA-\d{4}-\d{6}\.pdf$/);
    await page.goto("/");
    await expect.poll(() => page.getByRole("heading", { name: elective.titleEn }).count()).toBe(1);
    await expectAccessible(page, "06-home");
  });
});
