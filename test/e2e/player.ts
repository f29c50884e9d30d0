import type { Page } from "playwright-core";
import { expect } from "vitest";
import { prisma } from "~/utils/db.server";

/**
 * From the first lesson to the quiz using only the keyboard: each lesson opens
 * with focus on its title; Tab forward to the "done" button (through the
 * lesson's own links only, never back through the site's menu) and press
 * Enter, lesson after lesson, until the button says it leads to the quiz.
 * `onLesson` runs on each lesson page first. Returns the Tabs each lesson took.
 */
export async function readLessonsByKeyboard(
  page: Page,
  labels: { done: RegExp; toQuiz: string },
  onLesson: (n: number) => Promise<void>,
) {
  await page.waitForURL(/\/lessons\//);
  const tabs: number[] = [];
  for (let n = 1; ; n++) {
    await onLesson(n);
    await page.waitForFunction(() => document.activeElement?.id === "lesson-title");
    const done = page.getByRole("button", { name: labels.done });
    const last = (await done.textContent())?.includes(labels.toQuiz);
    const before = page.url();
    let count = 0;
    while (!(await done.evaluate((el) => el === document.activeElement))) {
      if (++count > 15) throw new Error(`lesson ${n}: the done button is more than 15 Tabs from the title`);
      await page.keyboard.press("Tab");
    }
    tabs.push(count);
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.href !== before);
    if (last) break;
  }
  await page.waitForURL(/\/quiz$/);
  return tabs;
}

/**
 * Answer the quiz page the learner is on, in `lang`: the paper this attempt showed (the latest one
 * handed out for the assignment) is read from the database in the order shown, and for each of its
 * questions the option that is the key is checked by its label (with `correctly: false`, another).
 */
export async function answerShownQuizCorrectly(page: Page, assignmentId: string, lang: "ko" | "en", correctly = true) {
  // The page's loader hands out the paper: read it once the page shows its questions.
  await page.getByRole("group").first().waitFor();
  const paper = await prisma.quizPaper.findFirstOrThrow({ where: { assignmentId, set: "QUIZ" }, orderBy: { issuedAt: "desc" } });
  const items = paper.items as Array<{ key: string; options: string[] }>;
  const questions = await prisma.quizQuestion.findMany({ where: { courseVersionId: paper.courseVersionId, set: "QUIZ", key: { in: items.map((i) => i.key) } } });
  expect(await page.getByRole("group").count()).toBe(items.length);
  const name = lang === "ko" ? "문항" : "Question";
  for (const [i, item] of items.entries()) {
    const q = questions.find((x) => x.key === item.key)!;
    const correct = (q.options as Array<{ key: string; ko: string; en: string }>).find((o) => (o.key === q.correctKey) === correctly)!;
    const group = page.getByRole("group", { name: new RegExp(`^${name} ${i + 1}\\.`) });
    // The group shows this question, its options in the paper's order.
    expect(await group.locator("legend").textContent()).toContain(lang === "ko" ? q.promptKo : q.promptEn);
    expect(await group.getByRole("radio").evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(item.options);
    await group.getByLabel(lang === "ko" ? correct.ko : correct.en, { exact: true }).check();
  }
}

/** The name each page of a course is checked under (screenshots are named after it). */
export interface CoursePages {
  pretest: string;
  pretestResult: string;
  lesson: (n: number) => string;
  quiz: string;
}

/**
 * Take a course in Korean from its page (/learn/:id) to the quiz result: the
 * pre-test if it is offered (first option of each question, whatever it
 * scores), every lesson by keyboard, then the quiz this attempt drew answered
 * correctly and submitted. `check` runs on each page on the way, under its name in `pages`.
 * Returns the Tabs each lesson took (see readLessonsByKeyboard); the caller
 * asserts on the result page it is left on.
 */
export async function takeCourse(page: Page, pages: CoursePages, check: (name: string) => Promise<void>) {
  const assignmentId = /\/learn\/([^/?#]+)$/.exec(new URL(page.url()).pathname)?.[1];
  if (!assignmentId) throw new Error(`not on a course page: ${page.url()}`);

  // A client-side navigation changes the address a moment before it draws the page: wait for the
  // course page's way in (with or without the pre-test) before asking which one it offers.
  await page.getByRole("link", { name: /^(사전 점검 후 )?학습 시작$/ }).first().waitFor();
  const pretest = page.getByRole("link", { name: "사전 점검 후 학습 시작", exact: true });
  if (await pretest.count()) {
    await pretest.click();
    await page.waitForURL(/\/pretest$/);
    // A client-side navigation changes the address a moment before it draws the page: wait for
    // the pre-test itself before listing its questions.
    await page.locator("h1", { hasText: "사전 점검" }).waitFor();
    await page.getByRole("group").first().waitFor();
    await check(pages.pretest);
    const groups = await page.getByRole("group").all();
    for (const group of groups) await group.getByRole("radio").first().check();
    for (const group of groups) expect(await group.getByRole("radio").first().isChecked()).toBe(true);
    await page.getByRole("button", { name: "답안 제출" }).click();
    await page.waitForURL(/\/quiz\/[^/]+$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("사전 점검 결과");
    await check(pages.pretestResult);
    await page.getByRole("link", { name: "학습 시작" }).click();
  } else {
    await page.getByRole("link", { name: "학습 시작", exact: true }).click();
  }
  const tabs = await readLessonsByKeyboard(page, { done: /학습 완료/, toQuiz: "평가로" }, (n) => check(pages.lesson(n)));
  await check(pages.quiz);

  await answerShownQuizCorrectly(page, assignmentId, "ko");
  await page.getByRole("button", { name: "답안 제출" }).click();
  await page.waitForURL(/\/quiz\/[^/]+$/);
  return tabs;
}
