import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { expect } from "vitest";

export const WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** WCAG 2.2 AA violations on the page, one line each with where they are. */
export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

/** Screenshot the page into `dir` for people to look at, then fail on any violation. */
export async function expectAccessible(page: Page, dir: string, name: string) {
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
  expect(await axeViolations(page), `axe violations on ${name}`).toEqual([]);
}

/**
 * Look at a page as people will: nothing scrolls sideways at a phone's width (375 px) or at 200% zoom
 * of a 1280 px screen (640 CSS px); then its screenshot and axe at 375 px. `desktopShot` also keeps
 * a 1280 px screenshot, named `<name>-1280`, and the phone's is then `<name>-375`.
 */
export async function expectReflowAndAccessible(page: Page, dir: string, name: string, opts: { desktopShot?: boolean } = {}) {
  for (const width of [375, 640]) {
    await page.setViewportSize({ width, height: 800 });
    const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(m.scroll, `${name} at ${width}px`).toBeLessThanOrEqual(m.client);
  }
  if (opts.desktopShot) {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: `${dir}/${name}-1280.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 375, height: 740 });
  await expectAccessible(page, dir, opts.desktopShot ? `${name}-375` : name);
}
