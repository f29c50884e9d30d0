import type { Page } from "playwright-core";

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
