import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPerson, createUnit, createUser, createWorld, openTestCycle } from "../factories";
import { sessionCookieFor } from "../http";
import { launchChromium, startApp } from "./app-server";

/**
 * What every response of the running app says about itself: a nonce-based
 * Content-Security-Policy that the app's own scripts satisfy, no framing, no
 * sniffing, no referrer leaks, no framework banner, and no caching of pages
 * that carry personal data.
 */
describe("security headers of the running app", { timeout: 120_000 }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let hrCookie: string;
  let adminCookie: string;
  let learnerCookie: string;
  let unitPath: string;

  beforeAll(async () => {
    const world = await createWorld();
    const person = await createPerson(world.division.id, "CIVIL_SERVANT", "헤더확인");
    await createUnit("TEAM", world.division.id, "팀");
    const { cycle } = await openTestCycle(world.obligation.id);
    unitPath = `/hr/units/${world.division.id}?cycle=${cycle.id}`;
    hrCookie = await sessionCookieFor((await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] })).id);
    adminCookie = await sessionCookieFor((await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] })).id);
    learnerCookie = await sessionCookieFor((await createUser({ personId: person.id })).id);
    app = await startApp();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const get = (path: string, cookie?: string) => fetch(`${app.origin}${path}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });

  it("sends a fresh nonce with every page and puts it on every script the page carries", async () => {
    const first = await get("/", learnerCookie);
    const second = await get("/", learnerCookie);
    const csp = first.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("form-action 'self'");
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(/'nonce-([^']+)'/.exec(second.headers.get("content-security-policy")!)?.[1]).not.toBe(nonce);
    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("says nosniff, a strict referrer policy, no X-Powered-By, and no-store on personal pages", async () => {
    for (const [path, cookie] of [
      ["/", learnerCookie],
      [unitPath, hrCookie],
      ["/login", undefined],
      ["/admin/queues", adminCookie],
    ] as const) {
      const res = await get(path, cookie);
      expect(res.status, path).toBeLessThan(400);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("x-powered-by"), path).toBeNull();
      expect(res.headers.get("cache-control"), path).toBe("no-store");
    }
    // Static assets are fingerprinted and cached for long.
    const html = await (await get("/login")).text();
    const asset = /href="(\/assets\/[^"]+\.css)"/.exec(html)![1]!;
    expect((await get(asset)).headers.get("cache-control")).toContain("max-age=31536000");
  });

  it("runs the app's own scripts under the policy, and a page framed by another page stays blank", async () => {
    const context = await browser.newContext({ baseURL: app.origin });
    const [name, value] = hrCookie.split("=");
    await context.addCookies([{ name: name!, value: value!, url: app.origin }]);
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(unitPath);
    // Hydrated: Remix's client took over, which only its nonce-carrying scripts can do.
    await page.waitForFunction(() => "__remixRouter" in window);
    expect(violations).toEqual([]);

    // A page on another origin that frames the officer's unit page gets nothing rendered.
    await page.setContent(`<iframe id="f" src="${app.origin}${unitPath}" width="600" height="400"></iframe>`);
    await page.waitForTimeout(1000);
    const framed = page.frames().find((f) => f.url().includes("/hr/units/"));
    const text = framed ? await framed.evaluate(() => document.body?.innerText ?? "").catch(() => "") : "";
    expect(text).not.toContain("헤더확인");
    await context.close();
  });
});
