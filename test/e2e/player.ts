import type { Page } from "playwright-core";

/**
 * From the first lesson to the quiz using only the keyboard: focus the
 * "done" button and press Enter, lesson after lesson, until the button says
 * it leads to the quiz. `onLesson` runs on each lesson page first.
 */
export async function readLessonsByKeyboard(
  page: Page,
  labels: { done: RegExp; toQuiz: string },
  onLesson: (n: number) => Promise<void>,
) {
  await page.waitForURL(/\/lessons\//);
  for (let n = 1; ; n++) {
    await onLesson(n);
    const done = page.getByRole("button", { name: labels.done });
    const last = (await done.textContent())?.includes(labels.toQuiz);
    const before = page.url();
    await done.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.href !== before);
    if (last) break;
  }
  await page.waitForURL(/\/quiz$/);
}
