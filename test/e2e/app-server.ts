import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { clockForChild } from "~/utils/clock.server";
import { resetEnvCache } from "~/utils/env.server";
import { freePort } from "../ports";
import { currentTotpCode } from "../totp";

export { freePort };


/** The production build served by server.ts on a free loopback port (or the one given), on the test's clock. */
export async function startApp(extraEnv: Record<string, string> = {}, chosenPort?: number): Promise<{ origin: string; stop: () => Promise<void> }> {
  if (!existsSync("build/server/index.js")) throw new Error("build/ is missing: run `npx remix vite:build` (npm test does)");
  const port = chosenPort ?? (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", APP_ORIGIN: origin, ...clockForChild(), ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited: ${output}`);
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 30_000) throw new Error(`app did not become healthy: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    origin,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Sign in through the Korean login form, as a person would, and wait to leave it. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("이메일").fill(email);
  await page.getByLabel("비밀번호").fill(password);
  await page.getByRole("button", { name: "로그인", exact: true }).click();
  await page.waitForURL((u) => u.pathname !== "/login");
  if (new URL(page.url()).pathname !== "/login/two-factor") return;
  // Staff with HR or administrator rights: the code from their authenticator app, set up at the first sign-in.
  await page.locator("h1", { hasText: "두 번째 인증" }).waitFor();
  const enrolling = (await page.locator(".totp-key").count()) > 0;
  await page.getByLabel("인증 코드").fill(await currentTotpCode(email));
  await page.getByRole("button", { name: enrolling ? "설정 마치기" : "확인", exact: true }).click();
  if (enrolling) await page.getByRole("link", { name: "보관했습니다. 계속하기" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

/**
 * A free port for the app whose origin this process takes as its own APP_ORIGIN too, so the mail a
 * test delivers in the worker's place links to the app under test; `restore` puts the old one back.
 */
export async function ownOrigin(): Promise<{ port: number; restore: () => void }> {
  const port = await freePort();
  const saved = process.env.APP_ORIGIN;
  process.env.APP_ORIGIN = `http://127.0.0.1:${port}`;
  resetEnvCache();
  return {
    port,
    restore: () => {
      if (saved === undefined) delete process.env.APP_ORIGIN;
      else process.env.APP_ORIGIN = saved;
      resetEnvCache();
    },
  };
}

/** A Korean page at a phone's width (375 px) in a context of its own. */
export async function phonePage(browser: Browser, origin: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: "ko-KR", baseURL: origin, viewport: { width: 375, height: 740 }, acceptDownloads: true });
  return { context, page: await context.newPage() };
}
