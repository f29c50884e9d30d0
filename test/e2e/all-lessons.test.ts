import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createPerson, createUnit, createUser } from "../factories";
import { sessionCookieFor } from "../http";
import { launchChromium, startApp } from "./app-server";
import { axeViolations } from "./axe";

/**
 * Every lesson of every course, in Korean and in English, renders with its
 * title, its sources and no WCAG 2.2 AA violation: the content is part of
 * the product and is held to the same standard as the pages around it.
 */
describe("every lesson in both languages", { timeout: 600_000 }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let context: BrowserContext;
  const pages: Array<{ url: string; titleKo: string; titleEn: string }> = [];

  beforeAll(async () => {
    const person = await createPerson((await createUnit("DIVISION")).id, "CIVIL_SERVANT", "검토자");
    const user = await createUser({ personId: person.id });
    const latest = await prisma.$queryRaw<Array<{ id: string; course_id: string }>>`
      SELECT DISTINCT ON (course_id) id, course_id FROM course_version ORDER BY course_id, version DESC`;
    for (const v of latest) {
      const a = await prisma.assignment.create({ data: { personId: person.id, courseId: v.course_id, courseVersionId: v.id } });
      const lessons = await prisma.lesson.findMany({ where: { courseVersionId: v.id }, orderBy: { position: "asc" } });
      for (const l of lessons) pages.push({ url: `/learn/${a.id}/lessons/${l.slug}`, titleKo: l.titleKo, titleEn: l.titleEn });
    }
    app = await startApp();
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: app.origin });
    const [name, value] = (await sessionCookieFor(user.id)).split("=");
    await context.addCookies([{ name: name!, value: value!, url: app.origin }]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  for (const lang of ["ko", "en"] as const) {
    it(`renders accessibly in ${lang}`, async () => {
      expect(pages.length).toBeGreaterThan(60);
      await context.addCookies([{ name: "hre_lang", value: lang, url: app.origin }]);
      const page = await context.newPage();
      const failures: string[] = [];
      for (const p of pages) {
        const res = await page.goto(p.url);
        if (res?.status() !== 200) {
          failures.push(`${p.url}: HTTP ${res?.status()}`);
          continue;
        }
        const h1 = (await page.locator("h1").textContent())?.trim();
        if (h1 !== (lang === "ko" ? p.titleKo : p.titleEn).trim()) failures.push(`${p.url}: title '${h1}'`);
        if ((await page.locator("aside.sources li").count()) === 0) failures.push(`${p.url}: no sources`);
        for (const v of await axeViolations(page)) failures.push(`${p.url}: ${v}`);
      }
      await page.close();
      expect(failures).toEqual([]);
    });
  }
});
