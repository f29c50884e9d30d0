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
